/**
 * Holds back delayed messages (MessageMetadata.deliver_at_time) of one Shared or Key_Shared
 * subscription until they are due (Pulsar's DelayedDeliveryTracker; bucket design after PIP-195).
 *
 * Messages enter an in-memory bucket: a typed-array heap ordered by delivery time. With a store
 * (durable subscriptions), once that bucket holds `bucketSize` messages it is sealed: sorted,
 * written to a file in time segments, and dropped from memory. Of each sealed bucket at most one
 * segment is in memory, loaded shortly before its first message is due, so memory follows the
 * messages due soon rather than all held messages. The manifest records the sealed buckets and
 * the log position the index covers; after a restart only entries after it are indexed again.
 *
 * Nothing here decides whether a message was already delivered or acknowledged: the dispatcher
 * checks every due position against the cursor and its pending entries, so handing a position out
 * twice (after a crash, say) costs a lookup, never a duplicate.
 */
import type { Logger } from 'pino';
import type { Position } from '../../storage/types.js';
import { comparePositions } from '../../storage/position.js';
import type { Cancel, Clock, Scheduler } from '../../util/clock.js';
import type { BucketStore, Manifest } from './bucket-store.js';
import { SealedBucket, sealHeap } from './sealed-bucket.js';
import { TimeHeap, newHeapItem } from './time-heap.js';

export interface DelayedTrackerOptions {
  clock: Clock;
  scheduler: Scheduler;
  /** delayedDeliveryTickTimeMillis: the timer fires at most once per tick. */
  tickMs: number;
  /** delayedDeliveryMinIndexCountPerBucket: seal the in-memory bucket at this many messages. */
  bucketSize: number;
  /** delayedDeliveryMaxIndexesPerBucketSnapshotSegment: messages per segment of a sealed bucket. */
  segmentSize: number;
  /** Where sealed buckets go; without one everything stays in memory (non-durable subscriptions). */
  store?: BucketStore;
  log: Logger;
}

/** Lifecycle of a tracker. */
type State =
  /** Reading the manifest; the dispatcher waits for `whenReady()`. */
  | 'opening'
  /** Tracking. */
  | 'open'
  /** Dropping everything (SEEK or a damaged index); the dispatcher waits again. */
  | 'resetting'
  /** Closed with its topic; nothing more is written. */
  | 'closed';

export class DelayedDeliveryTracker {
  /** Called when messages may be due (timer, or a segment finished loading). */
  onDue: (() => void) | undefined;
  /** Called when a bucket cannot be read back: the index was dropped and the log must be read again. */
  onLost: (() => void) | undefined;
  private state: State = 'opening';
  private readyPromise: Promise<void>;
  private readonly live = new TimeHeap(1024);
  private liveFirst: Position | null = null;
  private readonly loaded = new TimeHeap(1024);
  private readonly buckets = new Map<number, SealedBucket>();
  private indexed: Position | null = null;
  private persistedUpTo: Position | null = null;
  private nextBucketId = 0;
  private timer: Cancel | undefined;
  private timerAt = Infinity;
  private lastFireAt = -Infinity;
  private manifestDirty = false;
  private writeChain: Promise<void> = Promise.resolve();
  /** Bumped when the index is dropped, so that file work queued for the old one does nothing. */
  private generation = 0;
  private readonly item = newHeapItem();

  constructor(private readonly o: DelayedTrackerOptions) {
    this.readyPromise = this.load();
  }

  get ready(): boolean {
    return this.state === 'open';
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  /** Held messages (stats msgDelayed): they count in the backlog, not as delivered or unacked. */
  get size(): number {
    let n = this.live.size;
    for (const b of this.buckets.values()) n += b.remaining;
    return n;
  }

  /** Bytes of the in-memory index (stats delayedMessageIndexSizeInBytes). */
  get memoryBytes(): number {
    let unwritten = 0;
    for (const b of this.buckets.values()) if (b.unwritten) unwritten += b.unwritten.times.length * 24;
    return this.live.bytes + this.loaded.bytes + unwritten;
  }

  get bucketCount(): number {
    return this.buckets.size;
  }

  /** True if the index already holds every delayed message at or before `p`. */
  covers(p: Position): boolean {
    return this.indexed !== null && comparePositions(p, this.indexed) <= 0;
  }

  /** Holds the message at `p` until `deliverAt`; the dispatcher adds in log order. */
  add(p: Position, deliverAt: number): void {
    if (this.state !== 'open') return;
    this.liveFirst ??= p;
    this.live.push(deliverAt, p.ledgerId, p.entryId);
    this.markIndexed(p);
    if (deliverAt < this.timerAt) this.schedule();
    if (this.o.store && this.live.size >= this.o.bucketSize) this.seal();
  }

  /** The dispatcher has considered every entry up to `p`. */
  markIndexed(p: Position): void {
    if (!this.indexed || comparePositions(p, this.indexed) > 0) this.indexed = p;
  }

  /** Up to `max` positions whose time has come, earliest first. */
  popDue(max: number): Position[] {
    const out: Position[] = [];
    if (this.state !== 'open') return out;
    const now = this.o.clock.now();
    while (out.length < max) {
      const a = this.live.peekTime();
      const b = this.loaded.peekTime();
      if (Math.min(a, b) > now) break;
      if (a <= b) this.live.pop(this.item);
      else {
        this.loaded.pop(this.item);
        this.popped(this.item.tag);
      }
      out.push({ ledgerId: this.item.ledgerId, entryId: this.item.entryId });
    }
    this.loadNear(now);
    this.schedule();
    return out;
  }

  /** Earliest time something is due or must be loaded, Infinity when nothing is held. */
  nextDeliverAt(): number {
    let t = Math.min(this.live.peekTime(), this.loaded.peekTime());
    for (const b of this.buckets.values()) t = Math.min(t, b.nextLoadTime);
    return t;
  }

  /**
   * Drops the whole index (SEEK, reset cursor): the dispatcher reads the log again. Takes effect
   * at once: until the files are gone the tracker is not ready and the dispatcher waits for it.
   */
  reset(): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    this.state = 'resetting';
    this.cancelTimer();
    this.clearMemory();
    const previous = this.readyPromise;
    this.readyPromise = previous
      .catch(() => undefined)
      .then(() => this.dropEverything())
      .finally(() => {
        if (this.state === 'resetting') this.state = 'open';
        this.schedule();
      });
    return this.readyPromise;
  }

  /** Seals what is in memory and writes the manifest, so a restart need not index anything again. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    await this.readyPromise.catch(() => undefined);
    if (this.o.store && this.live.size > 0) this.seal();
    this.manifestDirty = true;
    await this.persist(this.indexed);
    this.state = 'closed';
    this.cancelTimer();
  }

  /** Resolves once every file write queued so far has finished (tests, orderly shutdown). */
  flushed(): Promise<void> {
    return this.writeChain;
  }

  /** Deletes the index files (the subscription is deleted). */
  async destroy(): Promise<void> {
    this.state = 'closed';
    this.cancelTimer();
    this.clearMemory();
    await this.settleWrites();
    await this.o.store?.destroy();
  }

  private async load(): Promise<void> {
    const store = this.o.store;
    try {
      const m = store ? await store.readManifest() : undefined;
      if (store && m) await this.restore(store, m);
      else if (store) await store.removeOrphans(new Set());
    } catch (err) {
      this.o.log.warn({ err }, 'delayed-delivery index unreadable; rebuilding it from the log');
      this.clearMemory();
      await store?.destroy();
    }
    if (this.state === 'opening') this.state = 'open';
    this.schedule();
  }

  private async restore(store: BucketStore, m: Manifest): Promise<void> {
    for (const mb of m.buckets) {
      const b = new SealedBucket(mb.id, await store.readHeader(mb.id), mb.consumedSegments);
      b.written = true;
      if (b.done) await store.deleteBucket(b.id);
      else this.buckets.set(b.id, b);
    }
    this.indexed = m.indexedUpTo;
    this.persistedUpTo = m.indexedUpTo;
    this.nextBucketId = m.nextBucketId;
    await store.removeOrphans(new Set(this.buckets.keys()));
  }

  private seal(): void {
    const store = this.o.store!;
    const id = this.nextBucketId++;
    const last = this.indexed!;
    const { bucket, bytes } = sealHeap(this.live, id, this.liveFirst!, last, this.o.segmentSize);
    this.liveFirst = null;
    this.buckets.set(id, bucket);
    const generation = this.generation;
    // Writes are chained so that buckets become durable in order and indexedUpTo only moves forward.
    this.writeChain = this.writeChain
      .then(() => (generation === this.generation ? store.writeBucket(id, bytes) : undefined))
      .then(
        () => {
          if (generation !== this.generation) return;
          bucket.written = true;
          bucket.unwritten = undefined;
          this.manifestDirty = true;
          // Queued behind this link, not awaited by it: the chain must not wait on itself.
          void this.persist(last);
        },
        (err: unknown) =>
          this.o.log.error({ err, bucket: id }, 'writing a delayed-delivery bucket failed; kept in memory'),
      );
    this.loadNear(this.o.clock.now());
  }

  /** Bookkeeping after a message of sealed bucket `id` left the shared heap. */
  private popped(id: number): void {
    const b = this.buckets.get(id);
    if (!b) return;
    b.inHeap--;
    b.remaining--;
    if (b.inHeap > 0) return;
    this.manifestDirty = true;
    if (!b.done) return;
    this.buckets.delete(id);
    if (b.written) {
      const store = this.o.store!;
      this.writeChain = this.writeChain.then(() => store.deleteBucket(id)).catch(() => undefined);
    }
  }

  /** Starts loading every bucket's next segment whose first message is due within the look-ahead. */
  private loadNear(now: number): void {
    const horizon = now + this.loadAheadMs();
    for (const b of this.buckets.values()) if (b.nextLoadTime <= horizon) this.loadNext(b);
  }

  private loadAheadMs(): number {
    return Math.max(2 * this.o.tickMs, 1000);
  }

  private loadNext(b: SealedBucket): void {
    const s = b.nextSegment++;
    const seg = b.header.segments[s];
    b.loading = true;
    const fromMemory = b.segmentFromMemory(s);
    const records = fromMemory ? Promise.resolve(fromMemory) : this.o.store!.readSegment(b.id, seg);
    void records.then(
      (r) => {
        b.loading = false;
        if (this.buckets.get(b.id) !== b || this.state !== 'open') return;
        for (let i = 0; i < r.times.length; i++)
          this.loaded.push(r.times[i], r.ledgers[i], r.entries[i], b.id);
        b.inHeap = r.times.length;
        this.schedule();
        if (seg.minTime <= this.o.clock.now()) this.onDue?.();
      },
      (err: unknown) => {
        b.loading = false;
        this.o.log.error(
          { err, bucket: b.id },
          'delayed-delivery bucket unreadable; rebuilding the index from the log',
        );
        void this.reset().then(() => this.onLost?.());
      },
    );
  }

  /** Arms the timer for the next due message (or segment to load), at most once per tick. */
  private schedule(): void {
    if (this.state !== 'open') return;
    const next = this.wakeTime();
    if (next === Infinity) {
      this.cancelTimer();
      return;
    }
    const at = Math.max(next, this.lastFireAt + this.o.tickMs);
    if (this.timer && this.timerAt <= at) return;
    this.cancelTimer();
    this.timerAt = at;
    this.timer = this.o.scheduler.after(Math.max(0, at - this.o.clock.now()), () => this.fire());
  }

  private wakeTime(): number {
    let t = Math.min(this.live.peekTime(), this.loaded.peekTime());
    const ahead = this.loadAheadMs();
    for (const b of this.buckets.values()) t = Math.min(t, b.nextLoadTime - ahead);
    return t;
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.state !== 'open') return;
    const now = this.o.clock.now();
    this.lastFireAt = now;
    this.loadNear(now);
    if (this.manifestDirty) void this.persist(this.persistedUpTo);
    if (Math.min(this.live.peekTime(), this.loaded.peekTime()) <= now) this.onDue?.();
    this.schedule();
  }

  private cancelTimer(): void {
    this.timer?.();
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  /** Writes the manifest (after any bucket writes before it); `upTo` is what the files cover. */
  private persist(upTo: Position | null): Promise<void> {
    const store = this.o.store;
    if (!store || !this.manifestDirty) return this.writeChain;
    this.manifestDirty = false;
    const generation = this.generation;
    this.writeChain = this.writeChain
      .then(() => {
        if (generation !== this.generation) return;
        // A bucket whose file is not durable (still queued, or its write failed) holds positions
        // at or before `upTo`; claiming them as indexed would lose them in a crash.
        const allWritten = [...this.buckets.values()].every((b) => b.written);
        const ahead = upTo && (!this.persistedUpTo || comparePositions(upTo, this.persistedUpTo) > 0);
        if (allWritten && ahead) this.persistedUpTo = upTo;
        const buckets = [...this.buckets.values()]
          .filter((b) => b.written)
          .map((b) => ({ id: b.id, consumedSegments: b.consumedSegments }));
        return store.writeManifest({
          indexedUpTo: this.persistedUpTo,
          nextBucketId: this.nextBucketId,
          buckets,
        });
      })
      .catch((err: unknown) => {
        this.manifestDirty = true;
        this.o.log.warn({ err }, 'writing the delayed-delivery manifest failed; will retry');
      });
    return this.writeChain;
  }

  private async dropEverything(): Promise<void> {
    this.cancelTimer();
    this.clearMemory();
    await this.settleWrites();
    try {
      await this.o.store?.destroy();
    } catch (err) {
      // Stale files are harmless: the manifest they belong to is rewritten before any is read.
      this.o.log.warn({ err }, 'removing the delayed-delivery index files failed');
    }
  }

  /** Waits for queued file work, including what it queues in turn, to finish. */
  private async settleWrites(): Promise<void> {
    for (let c = this.writeChain; ; c = this.writeChain) {
      await c.catch(() => undefined);
      if (c === this.writeChain) return;
    }
  }

  private clearMemory(): void {
    this.generation++;
    this.live.clear();
    this.loaded.clear();
    this.buckets.clear();
    this.liveFirst = null;
    this.indexed = null;
    this.persistedUpTo = null;
    this.manifestDirty = false;
  }
}
