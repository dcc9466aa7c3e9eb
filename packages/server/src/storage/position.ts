/**
 * Helpers for (ledgerId, entryId) positions. Positions compare lexicographically, as in Pulsar's
 * PositionImpl; entry id -1 stands for "before the first entry of this ledger".
 */
import type { Position } from './types.js';

export function position(ledgerId: number, entryId: number): Position {
  return { ledgerId, entryId };
}

/** Negative if a < b, 0 if equal, positive if a > b. */
export function comparePositions(a: Position, b: Position): number {
  return a.ledgerId !== b.ledgerId ? a.ledgerId - b.ledgerId : a.entryId - b.entryId;
}

export function positionsEqual(a: Position, b: Position): boolean {
  return a.ledgerId === b.ledgerId && a.entryId === b.entryId;
}

export function minPosition(a: Position, b: Position): Position {
  return comparePositions(a, b) <= 0 ? a : b;
}

export function maxPosition(a: Position, b: Position): Position {
  return comparePositions(a, b) >= 0 ? a : b;
}

/** "ledgerId:entryId", the form Pulsar's admin API and logs use. */
export function positionToString(p: Position): string {
  return `${p.ledgerId}:${p.entryId}`;
}

/** Parses "ledgerId:entryId"; throws on anything else. */
export function parsePosition(s: string): Position {
  const m = /^(-?\d+):(-?\d+)$/.exec(s);
  if (!m) throw new Error(`bad position "${s}"`);
  return { ledgerId: Number(m[1]), entryId: Number(m[2]) };
}
