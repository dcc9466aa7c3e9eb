/**
 * The deduplication snapshot, kept in the properties of the topic's `pulsar.dedup` cursor (the
 * cursor Pulsar uses for the same purpose). Keeping it with a cursor ties its life to the topic's
 * managed ledger: deleting the topic deletes the snapshot, so a topic re-created under the same
 * name never inherits old sequence ids.
 *
 * Pulsar stores producer → sequence id as the cursor's properties and the snapshot position as its
 * mark-delete position. Magnetar keeps the position inside the snapshot instead, because the dedup
 * cursor's mark-delete also decides which ledgers may be trimmed, and Magnetar must not trim
 * entries that no subscription has consumed (see MessageDeduplication.takeSnapshot).
 */
import { parseEntry } from '@magnetar/protocol';
import type { Entry, Position } from '../../storage/types.js';
import type { SequenceInfo } from './sequence-tracker.js';

/** The name of the cursor holding the snapshot; never a subscription. */
export const DEDUP_CURSOR = 'pulsar.dedup';
const PROPERTY = 'snapshot';

export interface DedupSnapshot {
  /** The last entry the map accounts for; null when it accounts for none (an empty log). */
  position: Position | null;
  /** Highest stored sequence id per producer name. */
  producers: Record<string, number>;
}

export function encodeSnapshot(s: DedupSnapshot): Record<string, string> {
  const position = s.position ? [s.position.ledgerId, s.position.entryId] : null;
  return { [PROPERTY]: JSON.stringify({ v: 1, position, producers: s.producers }) };
}

/** The snapshot in a cursor's properties; undefined when there is none yet or it is unreadable. */
export function decodeSnapshot(properties: Readonly<Record<string, string>>): DedupSnapshot | undefined {
  const text = properties[PROPERTY];
  if (text === undefined) return undefined;
  try {
    const raw = JSON.parse(text) as { v?: unknown; position?: unknown; producers?: unknown };
    if (raw.v !== 1 || !raw.producers || typeof raw.producers !== 'object') return undefined;
    let position: Position | null = null;
    if (Array.isArray(raw.position)) {
      const [ledgerId, entryId] = raw.position as unknown[];
      if (!Number.isSafeInteger(ledgerId) || !Number.isSafeInteger(entryId)) return undefined;
      position = { ledgerId: ledgerId as number, entryId: entryId as number };
    } else if (raw.position !== null) {
      return undefined;
    }
    const producers: Record<string, number> = {};
    for (const [name, seq] of Object.entries(raw.producers as Record<string, unknown>)) {
      if (Number.isSafeInteger(seq)) producers[name] = seq as number;
    }
    return { position, producers };
  } catch {
    return undefined;
  }
}

/**
 * The sequence information a stored entry carries in its MessageMetadata (producer_name,
 * sequence_id, highest_sequence_id, chunk fields); undefined for markers and unreadable entries,
 * which deduplication ignores.
 */
export function sequenceOfEntry(entry: Entry): SequenceInfo | undefined {
  let meta;
  try {
    meta = parseEntry(entry.data).metadata;
  } catch {
    return undefined;
  }
  if (meta.marker_type !== undefined || !meta.producer_name) return undefined;
  const sequenceId = Number(meta.sequence_id ?? 0);
  const chunks = meta.num_chunks_from_msg;
  return {
    producerName: meta.producer_name,
    sequenceId,
    highestSequenceId: Number(meta.highest_sequence_id ?? sequenceId),
    lastChunk: chunks === undefined || meta.chunk_id === undefined || meta.chunk_id === chunks - 1,
  };
}
