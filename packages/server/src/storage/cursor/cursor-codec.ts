/**
 * The persisted form of a cursor: markDelete, the individually acked ranges after it and the
 * subscription properties, as JSON in the metadata store. JSON stays off the hot path: cursors are
 * written lazily, once per flush interval at most.
 */
import type { Position } from '../types.js';
import { parsePosition, positionToString } from '../position.js';
import type { AckRange } from './range-set.js';
import type { BatchAckState } from './batch-acks.js';

export interface CursorState {
  readonly markDelete: Position;
  readonly ranges: readonly AckRange[];
  readonly properties: Readonly<Record<string, string>>;
  /** Partly acknowledged batch entries (absent in records written before batch-index acks). */
  readonly batchAcks?: readonly BatchAckState[];
  /** True when more ranges existed than were persisted (see CursorImpl's maxPersistedRanges). */
  readonly truncated: boolean;
}

export function encodeCursorState(s: CursorState): Buffer {
  return Buffer.from(
    JSON.stringify({
      v: 1,
      markDelete: positionToString(s.markDelete),
      ranges: s.ranges.map((r) => [r.ledgerId, r.first, r.last]),
      properties: s.properties,
      truncated: s.truncated,
      // Words as decimal strings of their unsigned value: JSON numbers would lose the top bits.
      batch: (s.batchAcks ?? []).map((b) => [b.ledgerId, b.entryId, ...b.unacked.map(String)]),
    }),
  );
}

export function decodeCursorState(value: Buffer): CursorState {
  const raw = JSON.parse(value.toString('utf8')) as {
    v?: number;
    markDelete?: string;
    ranges?: unknown;
    properties?: Record<string, string>;
    truncated?: boolean;
    batch?: unknown;
  };
  if (raw.v !== 1 || typeof raw.markDelete !== 'string' || !Array.isArray(raw.ranges)) {
    throw new Error('unrecognised cursor record');
  }
  const ranges = (raw.ranges as number[][]).map(([ledgerId, first, last]) => {
    if (![ledgerId, first, last].every((n) => Number.isSafeInteger(n)) || first > last) {
      throw new Error('corrupt range in cursor record');
    }
    return { ledgerId, first, last };
  });
  return {
    markDelete: parsePosition(raw.markDelete),
    ranges,
    properties: { ...(raw.properties ?? {}) },
    truncated: raw.truncated === true,
    batchAcks: decodeBatchAcks(raw.batch),
  };
}

function decodeBatchAcks(raw: unknown): BatchAckState[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new Error('corrupt batch acks in cursor record');
  return (raw as unknown[]).map((item) => {
    if (!Array.isArray(item) || item.length < 3) throw new Error('corrupt batch ack in cursor record');
    const [ledgerId, entryId, ...words] = item as unknown[];
    if (!Number.isSafeInteger(ledgerId) || !Number.isSafeInteger(entryId)) {
      throw new Error('corrupt batch ack position in cursor record');
    }
    const unacked = words.map((w) => {
      if (typeof w !== 'string' || !/^\d{1,20}$/.test(w))
        throw new Error('corrupt batch ack word in cursor record');
      const v = BigInt(w);
      if (v >= 1n << 64n) throw new Error('batch ack word beyond 64 bits in cursor record');
      return v;
    });
    return { ledgerId: ledgerId as number, entryId: entryId as number, unacked };
  });
}
