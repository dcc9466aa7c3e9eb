/**
 * How read_compacted subscriptions position themselves (Pulsar's NonDurableCursorImpl with
 * isReadCompacted, and CompactedTopicUtils). A compacted view can hold entries of ledgers the log
 * has already trimmed, so these positions are never clamped to the first entry still stored.
 */
import { InitialPosition, type MessageIdData } from '@magnetar/protocol';
import type { Entry, Position } from '../../storage/types.js';
import { comparePositions, positionsEqual } from '../../storage/position.js';
import type { Subscription } from '../subscription/subscription.js';
import type { PersistentTopic } from '../topic/persistent-topic.js';
import { compactionOf } from './compaction-service.js';

/** Before every position: where reading "from the earliest" of a compacted view starts. */
const EARLIEST_MARK_DELETE: Position = { ledgerId: -1, entryId: -1 };

/** Ledger ids at or above this mean MessageId.latest (Long.MAX_VALUE in Java clients). */
const LATEST_LEDGER_ID = 2 ** 62;

/** The mark-delete position of a new read_compacted reader starting at `id` (or `initialPosition`). */
export function compactedReaderMarkDelete(
  topic: PersistentTopic,
  id: MessageIdData | undefined,
  initialPosition: number,
): Position {
  const earliest = id ? id.ledgerId < 0 : initialPosition === InitialPosition.Earliest;
  if (earliest) return EARLIEST_MARK_DELETE;
  if (!id || id.ledgerId >= LATEST_LEDGER_ID) {
    const next = topic.ledger.nextPosition();
    return { ledgerId: next.ledgerId, entryId: next.entryId - 1 };
  }
  return { ledgerId: id.ledgerId, entryId: id.entryId - 1 };
}

/**
 * Where a read_compacted subscription's dispatcher starts: right after the cursor's mark-delete
 * position. A durable cursor cannot point below the log's first entry, so one that has consumed
 * nothing of the log yet (new, or reset to the earliest) reads the whole compacted view, as Pulsar
 * does on the first read of such a cursor; `floor` is then its mark-delete position, below which
 * the cursor's ack state says nothing about compacted entries.
 */
export function compactedReadStart(sub: Subscription): { position: Position; floor?: Position } {
  const md = sub.cursor.markDeletePosition;
  const log = sub.topic.ledger;
  if (sub.durable && md.entryId === -1) {
    const first = log.firstPosition() ?? log.nextPosition();
    if (positionsEqual(log.after(md), first)) return { position: { ledgerId: -1, entryId: 0 }, floor: md };
  }
  return { position: { ledgerId: md.ledgerId, entryId: md.entryId + 1 } };
}

/** Compacted entries for a read_compacted subscription at `from` (see CompactionService.readCompacted). */
export function readCompactedEntries(
  sub: Subscription,
  from: Position,
  maxEntries: number,
  maxBytes: number,
): Promise<{ entries: Entry[]; next: Position } | undefined> {
  const service = compactionOf(sub.topic.broker);
  if (!service) return Promise.resolve(undefined);
  return service.readCompacted(sub.topic, from, maxEntries, maxBytes);
}

/**
 * The last message a read_compacted consumer can still receive when the log's last entry is at or
 * before the horizon (it may have been compacted away): the last compacted entry, null when the
 * compacted view is empty, or undefined when the live log's last entry applies.
 */
export async function lastCompactedPosition(
  topic: PersistentTopic,
  last: Position,
): Promise<{ position: Position; data: Buffer } | null | undefined> {
  const view = await compactionOf(topic.broker)?.view(topic.name);
  // With every ledger up to the horizon trimmed, the log itself may look empty (entry id -1).
  if (!view || (last.entryId >= 0 && comparePositions(last, view.horizon) > 0)) return undefined;
  const entries = await view.using(async (v) => {
    const p = await v.lastPosition();
    return p ? v.read(p, 1, Number.MAX_SAFE_INTEGER) : [];
  });
  const e = entries[0];
  return e ? { position: e.position, data: e.data } : null;
}
