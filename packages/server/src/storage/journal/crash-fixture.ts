/**
 * Shared by the crash test and its child process: where the child writes, and what every entry
 * must contain, so the parent can verify acknowledged entries byte for byte after a SIGKILL.
 */

/** Deterministic content of entry `entryId` of ledger `ledgerId`; sizes vary from 1 B to ~20 KiB. */
export function crashEntryBytes(ledgerId: number, entryId: number): Buffer {
  const size = 1 + ((entryId * 7919 + ledgerId * 104729) % 20_000);
  const buf = Buffer.allocUnsafe(size);
  let x = (ledgerId * 2654435761 + entryId * 40503) >>> 0;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    buf[i] = x >>> 24;
  }
  return buf;
}

/** Number of ledgers the child writes to concurrently. */
export const CRASH_LEDGERS = 4;
/** Appends each ledger keeps in flight. */
export const CRASH_IN_FLIGHT = 16;
