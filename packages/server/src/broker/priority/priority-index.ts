/**
 * The undelivered entries of one Shared or Key_Shared subscription on a priority-enabled topic, in
 * one FIFO per level (docs/design/0006). Fed at publish time, so finding the next high-priority
 * entry never reads the backlog; built by one scan of the log from just after markDelete when the
 * subscription first dispatches, after a restart and after SEEK.
 */
import type { Logger } from 'pino';
import type { Cursor, ManagedLedger, Position } from '../../storage/types.js';
import { comparePositions } from '../../storage/position.js';
import { PRIORITY_LEVELS } from '../../resources/policies/priority.js';
import { PositionQueue } from './position-queue.js';
import { priorityOfEntry } from './priority-level.js';
import { WeightedPicker } from './weighted-picker.js';

/** Entries read per storage read while scanning. */
const SCAN_BATCH_ENTRIES = 1000;

/** Where an index gets its entries. */
export interface IndexSource {
  readonly ledger: ManagedLedger;
  readonly cursor: Pick<Cursor, 'isAcked' | 'markDeletePosition'>;
  /** dispatcherMaxReadSizeBytes: bytes per scan read. */
  readonly maxReadBytes: number;
  readonly log: Logger;
}

/** Lifecycle of an index. */
type State =
  /** Reading the log up to its end; publishes are left to the scan. */
  | 'scanning'
  /** Caught up: every publish is added as it is stored. */
  | 'live'
  /** Dropped (priority turned off, subscription gone); nothing more is added. */
  | 'closed';

export class PriorityIndex {
  private readonly queues = Array.from({ length: PRIORITY_LEVELS }, () => new PositionQueue());
  private readonly picker: WeightedPicker;
  private state: State = 'scanning';
  /** The last position considered (indexed or skipped as acknowledged); null before the first. */
  private last: Position | null = null;
  /** Where the current scan began (the first position wanted when `last` is null). */
  private start: Position;
  private scan: Promise<void>;
  /** Bumped by every reset, so that a scan of the old timeline stops. */
  private generation = 0;
  private readonly isWaiting = (l: number) => this.queues[l].size > 0;

  constructor(
    private readonly src: IndexSource,
    weights: readonly number[],
  ) {
    this.picker = new WeightedPicker(weights);
    this.start = src.ledger.after(src.cursor.markDeletePosition);
    this.scan = this.runScan(this.generation);
  }

  get ready(): boolean {
    return this.state !== 'scanning';
  }

  /** Resolves once the scan has caught up with the log. */
  whenReady(): Promise<void> {
    return this.scan;
  }

  setWeights(weights: readonly number[]): void {
    this.picker.setWeights(weights);
  }

  /** Entries waiting per level (stats priorityBacklog). */
  backlogByLevel(): Record<string, number> {
    const out: Record<string, number> = {};
    this.queues.forEach((q, l) => (out[String(l)] = q.size));
    return out;
  }

  /** Entries waiting in all levels. */
  get size(): number {
    let n = 0;
    for (const q of this.queues) n += q.size;
    return n;
  }

  /** Bytes of the queues' arrays. */
  get memoryBytes(): number {
    let n = 0;
    for (const q of this.queues) n += q.bytes;
    return n;
  }

  /**
   * An entry was stored at `p` with priority `level`. Taken only if it directly follows the last
   * position considered; anything else is the scan's (an append it has not reached yet) or was
   * already scanned. A gap (an append this index never heard of) restarts the scan from there.
   */
  published(p: Position, level: number): void {
    if (this.state !== 'live') return;
    const expected = this.last ? this.src.ledger.after(this.last) : this.start;
    const c = comparePositions(p, expected);
    if (c < 0) return;
    if (c > 0) {
      this.src.log.debug({ position: p }, 'priority index missed an append; scanning from the gap');
      this.state = 'scanning';
      this.scan = this.runScan(this.generation);
      return;
    }
    this.queues[level].push(p);
    this.last = p;
  }

  /** Up to `max` positions to deliver next, by weighted share among the waiting levels. */
  take(max: number): Position[] {
    const out: Position[] = [];
    while (out.length < max) {
      const l = this.picker.pick(this.isWaiting);
      if (l < 0) break;
      out.push(this.queues[l].shift()!);
    }
    return out;
  }

  /** Everything up to `p` is acknowledged (admin skip, clear backlog). */
  dropUpTo(p: Position): void {
    for (const q of this.queues) q.dropUpTo(p);
  }

  /** SEEK / reset cursor: forget everything and scan again from the cursor. */
  reset(): void {
    if (this.state === 'closed') return;
    this.generation++;
    for (const q of this.queues) q.clear();
    this.last = null;
    this.start = this.src.ledger.after(this.src.cursor.markDeletePosition);
    this.state = 'scanning';
    this.scan = this.runScan(this.generation);
  }

  close(): void {
    this.generation++;
    this.state = 'closed';
    for (const q of this.queues) q.clear();
  }

  /**
   * Reads from the last position considered to the end of the log. The end is checked right after
   * each read returns, with no await in between, so an append confirmed later is seen by
   * `published` once the state is live, and one confirmed earlier is read here.
   */
  private async runScan(generation: number): Promise<void> {
    const ml = this.src.ledger;
    try {
      for (;;) {
        const from = this.last ? ml.after(this.last) : this.start;
        const end = ml.lastConfirmed();
        if (!end || comparePositions(from, end) > 0) break;
        const entries = await ml.read(from, SCAN_BATCH_ENTRIES, this.src.maxReadBytes);
        if (generation !== this.generation) return;
        if (entries.length === 0) break;
        for (const e of entries) {
          if (!this.src.cursor.isAcked(e.position)) this.queues[priorityOfEntry(e.data)].push(e.position);
          this.last = e.position;
        }
      }
    } catch (err) {
      // Left live with what it has: the entries it could not read stay undelivered until a reset.
      this.src.log.error({ err }, 'priority index scan failed');
    }
    if (generation === this.generation) this.state = 'live';
  }
}
