/**
 * One compaction run (Pulsar's two-phase compactor). Its input is the previous compacted view
 * followed by the live log from just after the previous horizon up to the new horizon, in log
 * order. Phase one finds, for every key, the id of its last message; phase two reads the same
 * input again and appends each entry's surviving messages to a new ledger. A message survives if
 * it is its key's last message and not a tombstone (null_value or an empty payload); messages
 * without a key never do, as in Pulsar.
 */
import type { Entry, Ledger, ManagedLedger, Position } from '../../storage/types.js';
import { comparePositions } from '../../storage/position.js';
import { encodeCompactedEntry, messagesOf, retainMessages } from './compacted-entry.js';
import type { CompactedView } from './compacted-view.js';

/** Entries fetched per read while scanning. */
const READ_BATCH_ENTRIES = 100;
const READ_BATCH_BYTES = 8 * 1024 * 1024;

export interface CompactionInput {
  readonly log: ManagedLedger;
  /** The view of the previous run, if any: its entries come first. */
  readonly previous: CompactedView | undefined;
  /** The last position this run covers (the log's last entry when the run started). */
  readonly horizon: Position;
}

/** Writes the compacted view of `input` into `out`; returns the number of entries written. */
export async function compactInto(input: CompactionInput, out: Ledger): Promise<number> {
  const latest = new Map<string, string>();
  for await (const e of scan(input)) {
    messagesOf(e.data).forEach((m, i) => {
      if (m.key === undefined || m.compactedOut) return;
      // A tombstone's mark never equals a message id, so nothing of its key survives.
      latest.set(m.key, m.tombstone ? '' : messageId(e.position, i));
    });
  }
  let written = 0;
  for await (const e of scan(input)) {
    const messages = messagesOf(e.data);
    const keep = new Set<number>();
    messages.forEach((m, i) => {
      if (m.key !== undefined && !m.compactedOut && latest.get(m.key) === messageId(e.position, i))
        keep.add(i);
    });
    const data = retainMessages(e.data, keep, messages.length);
    if (!data) continue;
    await out.append(encodeCompactedEntry(e.position, data));
    written++;
  }
  return written;
}

function messageId(p: Position, batchIndex: number): string {
  return `${p.ledgerId}:${p.entryId}:${batchIndex}`;
}

/** The previous view's entries, then the live entries after its horizon up to the new horizon. */
async function* scan(input: CompactionInput): AsyncGenerator<Entry> {
  const { log, previous, horizon } = input;
  if (previous) {
    let from: Position = { ledgerId: -1, entryId: 0 };
    for (;;) {
      const batch = await previous.read(from, READ_BATCH_ENTRIES, READ_BATCH_BYTES);
      if (batch.length === 0) break;
      yield* batch;
      const last = batch[batch.length - 1].position;
      from = { ledgerId: last.ledgerId, entryId: last.entryId + 1 };
    }
  }
  let from = previous ? log.after(previous.horizon) : (log.firstPosition() ?? log.nextPosition());
  while (comparePositions(from, horizon) <= 0) {
    const batch = await log.read(from, READ_BATCH_ENTRIES, READ_BATCH_BYTES);
    if (batch.length === 0) return;
    for (const e of batch) {
      if (comparePositions(e.position, horizon) > 0) return;
      yield e;
    }
    from = log.after(batch[batch.length - 1].position);
  }
}
