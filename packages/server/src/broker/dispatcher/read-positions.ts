import type { Entry, ManagedLedger, Position } from '../../storage/types.js';
import { comparePositions, positionsEqual } from '../../storage/position.js';

/**
 * Reads the entries at `positions` (in log order), one storage read per run of consecutive
 * positions. Positions whose entry no longer exists (its ledger trimmed after an ack) are skipped.
 */
export async function readPositions(ml: ManagedLedger, positions: readonly Position[]): Promise<Entry[]> {
  const sorted = [...positions].sort(comparePositions);
  const out: Entry[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i + 1;
    while (j < sorted.length && positionsEqual(sorted[j], ml.after(sorted[j - 1]))) j++;
    const entries = await ml.read(sorted[i], j - i, Number.MAX_SAFE_INTEGER);
    // Match what came back against what was asked for: a run may cross a deleted ledger.
    const wanted = new Set(sorted.slice(i, j).map((p) => `${p.ledgerId}:${p.entryId}`));
    for (const e of entries) if (wanted.has(`${e.position.ledgerId}:${e.position.entryId}`)) out.push(e);
    i = j;
  }
  return out;
}
