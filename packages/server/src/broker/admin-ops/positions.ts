/**
 * Position arithmetic the admin operations need over a topic's ledger list: the n-th unacknowledged
 * entry of a cursor (peek, skip) and the entry before a position (expire). Each walks the ledger
 * list, not the entries, so the cost does not grow with the backlog.
 */
import { comparePositions } from '../../storage/position.js';
import type { Cursor, LedgerSummary, ManagedLedger, Position } from '../../storage/types.js';

/** The `k`-th entry (k ≥ 1) after `from` (exclusive), or null past the last entry. */
export function advance(ledgers: readonly LedgerSummary[], from: Position, k: number): Position | null {
  let rest = k;
  for (const l of ledgers) {
    if (l.ledgerId < from.ledgerId) continue;
    const start = l.ledgerId === from.ledgerId ? from.entryId + 1 : 0;
    const available = l.entries - start;
    if (available <= 0) continue;
    if (rest <= available) return { ledgerId: l.ledgerId, entryId: start + rest - 1 };
    rest -= available;
  }
  return null;
}

/** The last entry strictly before `p`, or null if there is none. */
export function positionBefore(ledgers: readonly LedgerSummary[], p: Position): Position | null {
  for (let i = ledgers.length - 1; i >= 0; i--) {
    const l = ledgers[i];
    if (l.ledgerId > p.ledgerId) continue;
    const entryId = l.ledgerId === p.ledgerId ? Math.min(p.entryId - 1, l.entries - 1) : l.entries - 1;
    if (entryId >= 0) return { ledgerId: l.ledgerId, entryId };
  }
  return null;
}

/**
 * The `n`-th (n ≥ 1) unacknowledged entry after the cursor's mark-delete position, individually
 * acknowledged entries not counted (Pulsar's getNthEntry with IndividualDeletedEntries.Exclude);
 * null past the last entry.
 */
export function nthUnacked(ml: ManagedLedger, cursor: Cursor, n: number): Position | null {
  const ledgers = ml.ledgerInfos();
  let from = cursor.markDeletePosition;
  let rest = n;
  for (const [first, last] of cursor.ackedRanges()) {
    const gapEnd = positionBefore(ledgers, first);
    const gap = gapEnd && comparePositions(gapEnd, from) > 0 ? ml.countBetween(from, gapEnd) : 0;
    if (rest <= gap) return advance(ledgers, from, rest);
    rest -= gap;
    from = last;
  }
  return advance(ledgers, from, rest);
}
