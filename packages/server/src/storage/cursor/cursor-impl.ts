/**
 * A durable subscription position (Pulsar's ManagedCursorImpl, reduced to its core): markDelete,
 * before which everything is consumed, plus the entries acknowledged individually after it. Acks
 * change memory only; the state reaches the metadata store lazily through the factory's flusher,
 * on close, or on `flush()`. After a crash at most the last flush interval's acks are lost, which
 * means redelivery, never loss (DESIGN.md, "Durability").
 */
import type { Cursor, Position } from '../types.js';
import { comparePositions, minPosition } from '../position.js';
import { RangeSet } from './range-set.js';
import { BatchAcks } from './batch-acks.js';
import type { CursorState } from './cursor-codec.js';

/** What a cursor needs to know about its managed ledger's entries. */
export interface CursorLog {
  /** The last existing position before `p`, or null. */
  before(p: Position): Position | null;
  /** The position right after `p` (skipping ledgers that are empty or deleted). */
  after(p: Position): Position;
  /** Entries in (from, to]. */
  countBetween(from: Position, to: Position): number;
  lastConfirmed(): Position | null;
  /** True if an entry exists at `p`. */
  contains(p: Position): boolean;
}

/** Where a cursor's state goes. */
export interface CursorSink {
  save(name: string, state: CursorState): Promise<void>;
  /** Asks for a lazy flush (the factory's flusher). */
  markDirty(cursor: CursorImpl): void;
}

/**
 * Pulsar's managedLedgerMaxUnackedRangesToPersist default. Beyond it only the oldest ranges are
 * persisted: after a restart the entries of the dropped ranges are delivered again.
 */
export const DEFAULT_MAX_PERSISTED_RANGES = 10_000;

/** A cursor's life. */
type State =
  /** Accepting acks. */
  | 'open'
  /** Its managed ledger closed; acks are ignored and nothing more is written. */
  | 'closed'
  /** Deleted with its subscription; its state must never be written again. */
  | 'deleted';

export class CursorImpl implements Cursor {
  private state: State = 'open';
  private markDelete: Position;
  private readonly acked = new RangeSet();
  /** Batch entries acknowledged in part (batch-index acks); whole acks remove them. */
  private readonly batches = new BatchAcks();
  private props: Record<string, string>;
  private dirty = false;
  private flushChain: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly log: CursorLog,
    private readonly sink: CursorSink,
    initial: CursorState,
    private readonly maxPersistedRanges = DEFAULT_MAX_PERSISTED_RANGES,
  ) {
    this.markDelete = initial.markDelete;
    this.props = { ...initial.properties };
    for (const r of initial.ranges) {
      if (comparePositions({ ledgerId: r.ledgerId, entryId: r.last }, this.markDelete) > 0) {
        this.acked.addRange(r.ledgerId, r.first, r.last);
      }
    }
    this.acked.removeUpTo(this.markDelete.ledgerId, this.markDelete.entryId);
    for (const b of initial.batchAcks ?? []) {
      if (comparePositions(b, this.markDelete) > 0 && !this.acked.contains(b.ledgerId, b.entryId)) {
        this.batches.merge(b, b.unacked);
      }
    }
    this.advance();
  }

  get markDeletePosition(): Position {
    return this.markDelete;
  }

  get properties(): Readonly<Record<string, string>> {
    return this.props;
  }

  /** Number of individually acked ranges held in memory. */
  get ackedRangeCount(): number {
    return this.acked.rangeCount;
  }

  ackIndividual(positions: readonly Position[]): void {
    if (this.state !== 'open') return;
    let changed = false;
    for (const p of positions) {
      // Acks of entries that do not exist (never written, or trimmed) cannot change the backlog.
      if (comparePositions(p, this.markDelete) <= 0 || !this.log.contains(p)) continue;
      this.batches.delete(p);
      if (this.acked.add(p.ledgerId, p.entryId)) changed = true;
    }
    if (!changed) return;
    this.advance();
    this.touch();
  }

  ackCumulative(position: Position): void {
    if (this.state !== 'open') return;
    const last = this.log.lastConfirmed();
    if (!last) return;
    // Nobody can have consumed past the last entry, so clamp rather than trust the caller.
    const target = minPosition(position, last);
    if (comparePositions(target, this.markDelete) <= 0) return;
    this.moveMarkDelete(target);
    this.advance();
    this.touch();
  }

  ackBatchIndexes(position: Position, unacked: readonly bigint[]): boolean {
    if (this.state !== 'open') return this.isAcked(position);
    if (this.isAcked(position)) return true;
    if (!this.log.contains(position)) return false;
    const merged = this.batches.merge(position, unacked);
    if (merged === 'full') {
      this.ackIndividual([position]);
      return true;
    }
    if (merged === 'partial') this.touch();
    return false;
  }

  batchAckSet(position: Position): readonly bigint[] | undefined {
    return this.batches.get(position);
  }

  /** Number of partly acknowledged batch entries held in memory. */
  get partlyAckedBatchCount(): number {
    return this.batches.size;
  }

  isAcked(position: Position): boolean {
    return (
      comparePositions(position, this.markDelete) <= 0 ||
      this.acked.contains(position.ledgerId, position.entryId)
    );
  }

  ackedRanges(): ReadonlyArray<readonly [Position, Position]> {
    return this.acked.toArray().map(
      (r) =>
        [
          { ledgerId: r.ledgerId, entryId: r.first },
          { ledgerId: r.ledgerId, entryId: r.last },
        ] as const,
    );
  }

  backlog(): number {
    const last = this.log.lastConfirmed();
    if (!last || comparePositions(last, this.markDelete) <= 0) return 0;
    return this.log.countBetween(this.markDelete, last) - this.acked.size;
  }

  resetTo(position: Position): void {
    if (this.state !== 'open') return;
    // Point at the entry before, as Pulsar does, so markDelete always names a real entry when one exists.
    // With nothing before it (the target was trimmed, or is the first entry), stop just before the
    // first entry that still exists, so trimmed entries stay consumed.
    const first = this.log.after({ ledgerId: position.ledgerId, entryId: position.entryId - 1 });
    this.markDelete = this.log.before(position) ?? { ledgerId: first.ledgerId, entryId: first.entryId - 1 };
    this.acked.clear();
    this.batches.clear();
    this.touch();
  }

  /** Replaces the subscription properties (persisted with the next flush). */
  setProperties(properties: Record<string, string>): void {
    this.props = { ...properties };
    this.touch();
  }

  /** Writes the state if it changed; writes of one cursor never overtake each other. */
  flush(): Promise<void> {
    const run = this.flushChain.then(() => this.writeIfDirty());
    this.flushChain = run.catch(() => undefined);
    return run;
  }

  /** The state as it would be persisted now. */
  snapshot(): CursorState {
    return {
      markDelete: this.markDelete,
      ranges: this.acked.toArray(this.maxPersistedRanges),
      properties: this.props,
      truncated: this.acked.rangeCount > this.maxPersistedRanges,
      // Pulsar caps these too (managedLedgerMaxBatchDeletedIndexToPersist); beyond the cap the
      // remaining partly acked batches are delivered whole again after a restart.
      batchAcks: this.batches.toArray(this.maxPersistedRanges),
    };
  }

  /** Flushes pending state, then stops accepting acks. */
  async close(): Promise<void> {
    if (this.state !== 'open') return;
    await this.flush();
    this.state = 'closed';
  }

  /** Stops for good without writing (the cursor's key is being deleted). */
  markDeleted(): void {
    this.state = 'deleted';
    this.dirty = false;
  }

  private async writeIfDirty(): Promise<void> {
    if (!this.dirty || this.state === 'deleted') return;
    this.dirty = false;
    try {
      await this.sink.save(this.name, this.snapshot());
    } catch (err) {
      // Keep the change pending so that a later flush retries it.
      this.touch();
      throw err;
    }
  }

  private touch(): void {
    if (this.state === 'deleted') return;
    const wasDirty = this.dirty;
    this.dirty = true;
    // Once dirty, the cursor is already in the flusher's batch; acks in between cost nothing more.
    if (!wasDirty && this.state === 'open') this.sink.markDirty(this);
  }

  private moveMarkDelete(p: Position): void {
    this.markDelete = p;
    this.acked.removeUpTo(p.ledgerId, p.entryId);
    this.batches.removeUpTo(p);
  }

  /** Folds acked ranges that start right after markDelete into it, across ledger boundaries. */
  private advance(): void {
    for (let head = this.acked.first(); head; head = this.acked.first()) {
      const next = this.log.after(this.markDelete);
      if (head.ledgerId !== next.ledgerId || head.first !== next.entryId) return;
      this.moveMarkDelete({ ledgerId: head.ledgerId, entryId: head.last });
    }
  }
}
