import type { Logger } from 'pino';
import { ServerError } from '@magnetar/protocol';
import type { Cursor, ManagedLedger, Position } from '../../storage/types.js';
import { comparePositions, minPosition } from '../../storage/position.js';
import { BrokerError } from '../errors.js';
import { DUPLICATE_MESSAGE_ID } from '../topic/topic.js';
import { DEDUP_CURSOR, decodeSnapshot, encodeSnapshot, sequenceOfEntry } from './dedup-snapshot.js';
import { SequenceTracker, type DedupVerdict, type SequenceInfo } from './sequence-tracker.js';

/** Lifecycle of a topic's deduplication (Pulsar's MessageDeduplication.Status). */
export type DedupStatus =
  /** Off: every SEND is stored; no dedup cursor exists. */
  | 'disabled'
  /** Rebuilding the map from the snapshot and the entries after it. */
  | 'recovering'
  /** Checking every SEND. */
  | 'enabled'
  /** Turning off: the dedup cursor is being deleted. */
  | 'removing'
  /** A transition failed; SENDs are stored unchecked until the next successful transition. */
  | 'failed';

export interface DedupSettings {
  /** brokerDeduplicationEntriesInterval: stored entries between two snapshots. */
  entriesInterval: number;
  /** brokerDeduplicationMaxNumberOfProducers: producers kept in a snapshot. */
  maxProducers: number;
}

/** Entries read per step while replaying the log after the snapshot. */
const REPLAY_BATCH_ENTRIES = 100;
const REPLAY_BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Message deduplication for one persistent topic. The sequence map lives in memory
 * (SequenceTracker); a snapshot of it goes into the `pulsar.dedup` cursor's properties every
 * `entriesInterval` stored entries, on a timer and on close. Recovery loads the snapshot and
 * replays the entries written after it, reading producer_name and sequence ids from their stored
 * metadata, so the map is exact after a crash: every entry that got a receipt is on disk.
 */
export class MessageDeduplication {
  private statusValue: DedupStatus = 'disabled';
  private readonly tracker = new SequenceTracker();
  private cursor: Cursor | undefined;
  /** The last stored entry the tracker accounts for. */
  private lastRecorded: Position | undefined;
  private snapshotPosition: Position | null = null;
  private entriesSinceSnapshot = 0;
  private snapshotting: Promise<void> | undefined;
  /** Transitions run one at a time, in the order they were asked for. */
  private transitions: Promise<unknown> = Promise.resolve();
  /** Producers not connected, with the time they left (brokerDeduplicationProducerInactivityTimeoutMinutes). */
  private readonly inactiveSince = new Map<string, number>();

  constructor(
    private readonly ledger: ManagedLedger,
    private readonly settings: DedupSettings,
    private readonly log: Logger,
  ) {}

  get status(): DedupStatus {
    return this.statusValue;
  }

  /** The status as Pulsar's topic stats spell it (deduplicationStatus: "Enabled", "Disabled", ...). */
  get statusName(): string {
    return this.statusValue[0].toUpperCase() + this.statusValue.slice(1);
  }

  get enabled(): boolean {
    return this.statusValue === 'enabled';
  }

  /**
   * Turns deduplication on (opening the cursor and recovering the map) or off (deleting the
   * cursor). A topic with an existing dedup cursor and deduplication now off also loses the cursor,
   * so that it no longer holds back ledger trimming.
   */
  setEnabled(enabled: boolean): Promise<void> {
    const run = this.transitions.then(() => (enabled ? this.enable() : this.disable()));
    this.transitions = run.catch(() => undefined);
    return run;
  }

  /** The verdict on a SEND; always 'new' while deduplication is not enabled. */
  check(s: SequenceInfo): DedupVerdict {
    return this.enabled ? this.tracker.check(s) : 'new';
  }

  /** A 'new' SEND was stored at `position`; may start a snapshot. */
  recordPersisted(s: SequenceInfo, position: Position): void {
    if (!this.enabled) return;
    this.tracker.persistedOne(s);
    this.lastRecorded = position;
    if (++this.entriesSinceSnapshot >= this.settings.entriesInterval) void this.takeSnapshot();
  }

  /**
   * Answers a SEND judged 'duplicate' or 'in-flight'. It waits for every append handed to storage
   * before it (`before`), so that its receipt leaves after theirs, in SEND order, and an in-flight
   * copy has been settled; then it is a duplicate if its sequence id is stored. A copy whose write
   * failed is refused with PersistenceError, and the client sends it again.
   */
  async settleDuplicate(s: SequenceInfo, verdict: DedupVerdict, before: Promise<unknown>): Promise<Position> {
    await before.catch(() => undefined);
    if (verdict === 'duplicate' || this.tracker.isPersisted(s)) return DUPLICATE_MESSAGE_ID;
    throw new BrokerError(
      ServerError.PersistenceError,
      `The earlier copy of message ${s.sequenceId} from ${s.producerName} was not stored; send it again`,
      true,
    );
  }

  /** A 'new' SEND could not be stored. */
  recordFailed(s: SequenceInfo): void {
    if (this.enabled) this.tracker.failed(s.producerName);
  }

  /** CommandProducerSuccess.last_sequence_id for a producer of this name (-1 when unknown or disabled). */
  lastSequenceId(producerName: string): number {
    return this.enabled ? this.tracker.lastPersisted(producerName) : -1;
  }

  producerAdded(name: string): void {
    this.inactiveSince.delete(name);
  }

  producerRemoved(name: string, now: number): void {
    if (this.enabled) this.inactiveSince.set(name, now);
  }

  /** Forgets producers gone for longer than `timeoutMs`, as Pulsar's purgeInactiveProducers. */
  purgeInactive(now: number, timeoutMs: number): void {
    for (const [name, since] of this.inactiveSince) {
      if (now - since < timeoutMs) continue;
      this.inactiveSince.delete(name);
      this.tracker.forget(name);
    }
  }

  /** The periodic snapshot (brokerDeduplicationSnapshotFrequencyInSeconds): only if entries were stored since. */
  onTimer(): Promise<void> {
    return this.entriesSinceSnapshot > 0 ? this.takeSnapshot() : Promise.resolve();
  }

  /** Topic closing: a final snapshot, so that the next load replays nothing. */
  async close(): Promise<void> {
    await this.transitions;
    await this.snapshotting;
    if (this.enabled && this.entriesSinceSnapshot > 0) await this.takeSnapshot();
  }

  private async enable(): Promise<void> {
    if (this.statusValue === 'enabled') return;
    this.statusValue = 'recovering';
    try {
      const cursor = this.ledger.cursors().get(DEDUP_CURSOR) ?? (await this.openFresh());
      this.cursor = cursor;
      // An unreadable snapshot (never written by this code) costs a full replay, not correctness.
      const snapshot = decodeSnapshot(cursor.properties) ?? { position: null, producers: {} };
      this.tracker.restore(snapshot.producers);
      this.snapshotPosition = snapshot.position;
      this.lastRecorded = snapshot.position ?? undefined;
      const replayed = await this.replayAfter(snapshot.position);
      this.statusValue = 'enabled';
      this.entriesSinceSnapshot = replayed;
      // Persist what the replay found, so a crash loop does not replay ever more entries.
      if (replayed > 0) await this.takeSnapshot();
      this.log.info({ replayed, producers: this.tracker.producerCount }, 'deduplication enabled');
    } catch (err) {
      this.statusValue = 'failed';
      this.log.error({ err }, 'enabling deduplication failed');
      throw err;
    }
  }

  private async disable(): Promise<void> {
    if (this.statusValue === 'disabled' && !this.ledger.cursors().has(DEDUP_CURSOR)) return;
    this.statusValue = 'removing';
    try {
      await this.snapshotting;
      await this.ledger.deleteCursor(DEDUP_CURSOR);
      this.cursor = undefined;
      this.tracker.clear();
      this.inactiveSince.clear();
      this.entriesSinceSnapshot = 0;
      this.statusValue = 'disabled';
      this.log.info('deduplication disabled');
    } catch (err) {
      this.statusValue = 'failed';
      throw err;
    }
  }

  /**
   * A new dedup cursor. It starts at the earliest position so that it never lets the ledger trim
   * entries on its own; the map starts from the end of the log (as Pulsar's cursor opens at the
   * latest position), and that starting point is written before anything is checked, so a crash
   * right after cannot make recovery skip entries stored in between.
   */
  private async openFresh(): Promise<Cursor> {
    const cursor = await this.ledger.openCursor(DEDUP_CURSOR, 'earliest');
    cursor.setProperties(encodeSnapshot({ position: this.ledger.lastConfirmed(), producers: {} }));
    await cursor.flush();
    return cursor;
  }

  /** Applies every entry after `position` (from the first one when null); returns how many. */
  private async replayAfter(position: Position | null): Promise<number> {
    let from = position
      ? this.ledger.after(position)
      : (this.ledger.firstPosition() ?? this.ledger.nextPosition());
    let count = 0;
    for (;;) {
      const entries = await this.ledger.read(from, REPLAY_BATCH_ENTRIES, REPLAY_BATCH_BYTES);
      if (entries.length === 0) return count;
      for (const e of entries) {
        const s = sequenceOfEntry(e);
        if (s) this.tracker.replayed(s);
        this.lastRecorded = e.position;
        count++;
      }
      from = this.ledger.after(entries[entries.length - 1].position);
    }
  }

  /**
   * Writes the map and the position it accounts for into the cursor's properties. The cursor's
   * mark-delete moves to the snapshot position, but never past the slowest durable subscription:
   * trimming stays what the subscriptions allow, only never past the snapshot, so the entries a
   * recovery must replay are always there. One snapshot is written at a time.
   */
  private takeSnapshot(): Promise<void> {
    if (this.snapshotting || !this.cursor || !this.lastRecorded)
      return this.snapshotting ?? Promise.resolve();
    const cursor = this.cursor;
    const position = this.lastRecorded;
    cursor.setProperties(
      encodeSnapshot({ position, producers: this.tracker.snapshot(this.settings.maxProducers) }),
    );
    const slowest = this.slowestSubscription();
    if (slowest) cursor.ackCumulative(minPosition(position, slowest));
    this.entriesSinceSnapshot = 0;
    const run = cursor
      .flush()
      .then(() => {
        this.snapshotPosition = position;
      })
      .catch((err: unknown) => this.log.warn({ err }, 'storing the deduplication snapshot failed'))
      .finally(() => {
        this.snapshotting = undefined;
      });
    this.snapshotting = run;
    return run;
  }

  private slowestSubscription(): Position | undefined {
    let slowest: Position | undefined;
    for (const [name, c] of this.ledger.cursors()) {
      if (name === DEDUP_CURSOR) continue;
      if (!slowest || comparePositions(c.markDeletePosition, slowest) < 0) slowest = c.markDeletePosition;
    }
    return slowest;
  }

  /** Where the last stored snapshot stands (tests, internal stats). */
  get lastSnapshotPosition(): Position | null {
    return this.snapshotPosition;
  }
}
