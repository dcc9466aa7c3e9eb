import type { Entry, Position } from '../../storage/types.js';
import { comparePositions, positionToString } from '../../storage/position.js';
import { readPositions } from '../dispatcher/read-positions.js';
import type { Subscription } from '../subscription/subscription.js';
import type { PriorityIndex } from './priority-index.js';

/** The subscription's priority index when its topic has priority on and its type honours it. */
export function priorityIndexOf(sub: Subscription): PriorityIndex | undefined {
  const tp = sub.topic.priority;
  return tp.isEnabled ? tp.indexFor(sub) : undefined;
}

/**
 * The dispatcher's "read new entries" step on a priority-enabled subscription: up to `max` entries
 * chosen by the index, in the order chosen (higher levels first by weighted share, log order
 * within a level); null when nothing is waiting.
 */
export async function readByPriority(
  index: PriorityIndex,
  sub: Subscription,
  max: number,
): Promise<Entry[] | null> {
  if (!index.ready) await index.whenReady();
  const picks = index.take(max);
  if (picks.length === 0) {
    sub.caughtUp();
    return null;
  }
  const entries = await readPositions(sub.topic.ledger, picks);
  // readPositions answers in log order; dispatch must follow the index's order. Picks from one
  // level (the usual case) are already in log order.
  if (inLogOrder(picks)) return entries;
  const byKey = new Map<string, Entry>();
  for (const e of entries) byKey.set(positionToString(e.position), e);
  const out: Entry[] = [];
  for (const p of picks) {
    const e = byKey.get(positionToString(p));
    if (e) out.push(e);
  }
  return out;
}

function inLogOrder(ps: readonly Position[]): boolean {
  for (let i = 1; i < ps.length; i++) if (comparePositions(ps[i - 1], ps[i]) >= 0) return false;
  return true;
}
