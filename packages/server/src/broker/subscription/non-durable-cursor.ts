import type { Cursor, ManagedLedger, Position } from '../../storage/types.js';
import { comparePositions, positionToString } from '../../storage/position.js';
import { BatchAcks } from '../../storage/cursor/batch-acks.js';

/**
 * The cursor of a non-durable subscription (readers): same contract as a durable cursor, kept only
 * in memory and gone with the subscription. Individually acked entries after markDelete are few
 * for readers (they ack cumulatively), so a set is enough.
 */
export class NonDurableCursor implements Cursor {
  properties: Readonly<Record<string, string>> = {};
  private md: Position;
  private readonly acked = new Map<string, Position>();
  private readonly batches = new BatchAcks();

  constructor(
    readonly name: string,
    private readonly ml: ManagedLedger,
    markDelete: Position,
  ) {
    this.md = markDelete;
  }

  get markDeletePosition(): Position {
    return this.md;
  }

  setProperties(properties: Record<string, string>): void {
    this.properties = { ...properties };
  }

  ackIndividual(positions: readonly Position[]): void {
    for (const p of positions) {
      if (comparePositions(p, this.md) <= 0) continue;
      this.acked.set(positionToString(p), p);
      this.batches.delete(p);
    }
    this.advance();
  }

  ackBatchIndexes(position: Position, unacked: readonly bigint[]): boolean {
    if (this.isAcked(position)) return true;
    if (this.batches.merge(position, unacked) !== 'full') return false;
    this.ackIndividual([position]);
    return true;
  }

  batchAckSet(position: Position): readonly bigint[] | undefined {
    return this.batches.get(position);
  }

  ackCumulative(position: Position): void {
    if (comparePositions(position, this.md) <= 0) return;
    this.md = position;
    for (const [k, p] of this.acked) if (comparePositions(p, this.md) <= 0) this.acked.delete(k);
    this.batches.removeUpTo(this.md);
    this.advance();
  }

  isAcked(position: Position): boolean {
    return comparePositions(position, this.md) <= 0 || this.acked.has(positionToString(position));
  }

  ackedRanges(): ReadonlyArray<readonly [Position, Position]> {
    return [...this.acked.values()].sort(comparePositions).map((p) => [p, p] as const);
  }

  backlog(): number {
    const last = this.ml.lastConfirmed();
    if (!last || comparePositions(last, this.md) <= 0) return 0;
    return Math.max(0, this.ml.countBetween(this.md, last) - this.acked.size);
  }

  resetTo(position: Position): void {
    this.md = { ledgerId: position.ledgerId, entryId: position.entryId - 1 };
    this.acked.clear();
    this.batches.clear();
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  /** Moves markDelete over individually acked entries that directly follow it. */
  private advance(): void {
    const last = this.ml.lastConfirmed();
    while (this.acked.size > 0 && last && comparePositions(this.md, last) < 0) {
      const next = this.ml.after(this.md);
      const k = positionToString(next);
      if (!this.acked.has(k)) break;
      this.acked.delete(k);
      this.md = next;
    }
    this.batches.removeUpTo(this.md);
  }
}
