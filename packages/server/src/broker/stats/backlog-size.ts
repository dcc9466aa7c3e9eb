import type { LedgerSummary, Position } from '../../storage/types.js';

/**
 * Bytes of the entries after `from`, a ledger partly after it counted at its average entry size
 * (Pulsar's estimated backlog size; acknowledged entries inside the range are not subtracted).
 */
export function bytesAfter(ledgers: readonly LedgerSummary[], from: Position): number {
  let bytes = 0;
  for (const l of ledgers) {
    if (l.ledgerId < from.ledgerId || l.entries === 0) continue;
    const start = l.ledgerId === from.ledgerId ? from.entryId + 1 : 0;
    const count = Math.max(0, l.entries - start);
    bytes += count === l.entries ? l.size : Math.round((l.size * count) / l.entries);
  }
  return bytes;
}
