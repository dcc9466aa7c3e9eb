/**
 * The persisted form of a cursor: markDelete, the individually acked ranges after it and the
 * subscription properties, as JSON in the metadata store. JSON stays off the hot path: cursors are
 * written lazily, once per flush interval at most.
 */
import type { Position } from '../types.js';
import { parsePosition, positionToString } from '../position.js';
import type { AckRange } from './range-set.js';

export interface CursorState {
  readonly markDelete: Position;
  readonly ranges: readonly AckRange[];
  readonly properties: Readonly<Record<string, string>>;
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
  };
}
