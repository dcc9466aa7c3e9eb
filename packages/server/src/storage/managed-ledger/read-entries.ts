/**
 * The read side of a managed ledger: entries from a position on, across ledger boundaries, served
 * from the entry cache where possible and from the ledger store otherwise.
 */
import type { Entry, Ledger, Position } from '../types.js';
import type { EntryCache } from './entry-cache.js';
import type { LedgerIndex } from './ledger-index.js';

export interface ReadSource {
  readonly index: LedgerIndex;
  readonly cache: EntryCache;
  /** A handle for reading a ledger (opened on first use). */
  ledgerFor(ledgerId: number): Promise<Ledger>;
}

/** Entries fetched from the store per request when the cache misses. */
const STORE_BATCH_ENTRIES = 100;

/**
 * Reads up to `maxEntries` entries and roughly `maxBytes` from `from` on. At least one entry is
 * returned whenever one exists, even if it alone exceeds `maxBytes`, so a large entry cannot stall
 * a reader. Returns [] at the end of the log.
 */
export async function readEntries(
  src: ReadSource,
  from: Position,
  maxEntries: number,
  maxBytes: number,
): Promise<Entry[]> {
  const out: Entry[] = [];
  let bytes = 0;
  let at = src.index.ceiling(from);
  while (at && out.length < maxEntries && (out.length === 0 || bytes < maxBytes)) {
    const info = src.index.get(at.ledgerId);
    if (!info) break;
    const wanted = Math.min(maxEntries - out.length, info.entries - at.entryId);
    const batch = await readFromLedger(
      src,
      at.ledgerId,
      at.entryId,
      wanted,
      maxBytes - bytes,
      out.length === 0,
    );
    for (const e of batch) {
      out.push(e);
      bytes += e.data.length;
    }
    if (batch.length === 0) break;
    at = src.index.ceiling({ ledgerId: at.ledgerId, entryId: at.entryId + batch.length });
  }
  return out;
}

/** Reads up to `count` consecutive entries of one ledger, preferring the cache. */
async function readFromLedger(
  src: ReadSource,
  ledgerId: number,
  firstEntryId: number,
  count: number,
  bytesLeft: number,
  mustReturnOne: boolean,
): Promise<Entry[]> {
  const out: Entry[] = [];
  let bytes = 0;
  let entryId = firstEntryId;
  const end = firstEntryId + count;
  const fits = (len: number): boolean => (mustReturnOne && out.length === 0) || bytes + len <= bytesLeft;
  while (entryId < end) {
    const cached = src.cache.get(ledgerId, entryId);
    if (cached) {
      if (!fits(cached.length)) break;
      out.push({ position: { ledgerId, entryId }, data: cached });
      bytes += cached.length;
      entryId++;
      continue;
    }
    const last = Math.min(end, entryId + STORE_BATCH_ENTRIES) - 1;
    const ledger = await src.ledgerFor(ledgerId);
    const datas = await ledger.read(entryId, last);
    for (const data of datas) {
      if (!fits(data.length)) return out;
      out.push({ position: { ledgerId, entryId }, data });
      bytes += data.length;
      entryId++;
    }
  }
  return out;
}
