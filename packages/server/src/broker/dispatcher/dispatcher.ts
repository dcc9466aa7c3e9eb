import { scanEntry } from '@magnetar/protocol';
import type { Entry, Position } from '../../storage/types.js';
import { comparePositions, positionToString as positionKey } from '../../storage/position.js';
import type { DelayedDeliveryTracker } from '../delayed/delayed-tracker.js';
import { countUnacked, wordsToWire } from '../subscription/ack-set.js';
import type { Consumer, PendingEntry } from '../subscription/consumer.js';
import type { Subscription } from '../subscription/subscription.js';
import { compactedReadStart, readCompactedEntries } from '../compaction/read-compacted.js';
import { deliverAtOf, type DispatchItem } from './dispatch-item.js';
import { priorityIndexOf, readByPriority } from '../priority/read-by-priority.js';
import { readPositions } from './read-positions.js';
import { ReplayQueue } from './replay-queue.js';

export type { DispatchItem } from './dispatch-item.js';

/** Read-loop state of a dispatcher. */
type ReadState =
  /** No read in flight; the next trigger starts one. */
  | 'idle'
  /** A storage read is in flight; triggers meanwhile ask for one more round. */
  | 'reading';

/** Largest number of read rounds per wake-up before yielding to other work. */
const MAX_ROUNDS_PER_WAKEUP = 64;

/**
 * Moves entries from a topic's log to a subscription's consumers, within their FLOW permits
 * (Pulsar's dispatchers). The base class owns the read loop: it reads only when some consumer can
 * take messages, in batches of at most dispatcherMaxReadBatchSize entries; it replays entries
 * taken back for redelivery before new ones, holds delayed messages back where the subscription
 * type asks for it, and keeps which consumer holds which unacknowledged entry. Subclasses decide
 * which consumer gets which entry.
 */
export abstract class Dispatcher {
  /** Next entry of the log not yet read for this subscription. */
  protected readPosition: Position;
  /** Entries to deliver again (nacked, held back, left by a departed consumer, due delayed ones). */
  protected readonly replay = new ReplayQueue();
  /** Redeliveries per entry (CommandMessage.redelivery_count), kept while the entry is unacked. */
  protected readonly redeliveries = new Map<string, number>();
  /** The consumer holding each pending entry. */
  protected readonly owners = new Map<string, Consumer>();
  /** Whether delivered entries are tracked as pending acks (false for readers with no need to redeliver). */
  protected trackPending = true;
  private state: ReadState = 'idle';
  private again = false;
  /** A continuation after the round limit is scheduled. */
  private resuming = false;
  /** Waiting for the topic's next dispatch-rate period (one wake-up registered at a time). */
  private throttled = false;
  /** Bumped by every rewind, so a read that started before it is discarded. */
  private epoch = 0;
  /** maxUnackedMessagesPerSubscription reached (cleared at half of it, as Pulsar does). */
  private unackedBlocked = false;
  /** read_compacted only: compacted entries below this are delivered whatever the cursor says (see compaction/read-compacted.ts). */
  private compactedFloor: Position | undefined;
  /**
   * Consumers whose socket was writable when the current round began. The round delivers what it
   * read to them even if their socket fills meanwhile (one round is bounded by
   * dispatcherMaxReadBatchSize and dispatcherMaxReadSizeBytes, and the next one waits for the
   * drain); checking the socket per entry instead ended a round after one large batch and threw
   * the rest of the read away, re-reading it 100 times over (BENCHMARKS.md, catch-up).
   */
  private readonly open = new Set<Consumer>();
  /**
   * Messages per entry over recent reads (Pulsar's avgMessagesPerEntry): permits count messages,
   * reads count entries, so a read of batch entries is sized to what the permits can take.
   */
  private avgMessagesPerEntry = 1;

  constructor(protected readonly sub: Subscription) {
    this.readPosition = this.firstUnread();
  }

  abstract addConsumer(c: Consumer): void;
  abstract removeConsumer(c: Consumer): void;
  abstract readonly consumers: readonly Consumer[];
  /** How many messages the consumers can take right now (0 stops reading). */
  protected abstract availablePermits(): number;
  /** Hands read entries to consumers; returns those nobody could take now. */
  protected abstract dispatch(items: DispatchItem[]): DispatchItem[];

  /** The tracker holding delayed messages back, for the subscription types that honour them. */
  protected get delayed(): DelayedDeliveryTracker | undefined {
    return undefined;
  }

  /** Key_Shared: the entry's sticky-key slot and key. */
  protected keyOf(_entry: Entry): { slot: number; stickyKey?: Buffer } {
    return { slot: -1 };
  }

  /** Replay entries worth reading now, in log order (Key_Shared skips keys that cannot move). */
  protected replayCandidates(max: number): Position[] {
    return this.replay
      .inOrder()
      .slice(0, max)
      .map((i) => i.position);
  }

  /** Past this many waiting replay entries, no new entries are read (Key_Shared look-ahead). */
  protected lookAheadLimit(): number {
    return Infinity;
  }

  protected onDelivered(_c: Consumer, _item: DispatchItem): void {}
  /** A pending entry left `c` (acked, taken back, or its consumer left). */
  protected onReleased(_c: Consumer, _p: PendingEntry): void {}
  /** `messages` of a pending batch were acknowledged by index; the entry stays pending. */
  protected onReduced(_c: Consumer, _p: PendingEntry, _messages: number): void {}

  /** Something changed that may allow dispatching (permits, new entries, acks, drain). */
  wake(): void {
    if (this.state === 'reading') {
      this.again = true;
      return;
    }
    this.state = 'reading';
    void this.readLoop();
  }

  /** Consumer acked these entries: they leave pending and replay for good. */
  acked(positions: readonly Position[]): void {
    for (const p of positions) {
      const k = positionKey(p);
      this.replay.delete(k);
      this.redeliveries.delete(k);
      const owner = this.owners.get(k);
      if (owner) this.release(owner, k);
      else
        this.sub.log.debug(
          { position: k },
          'ack for an entry not pending at any consumer; applied to the cursor only',
        );
    }
  }

  /** Part of a pending batch was acknowledged by index: `unacked` messages of it remain. */
  partlyAcked(p: Position, unacked: number): void {
    const k = positionKey(p);
    const owner = this.owners.get(k);
    const before = owner?.pending.get(k)?.messages ?? 0;
    if (!owner || unacked >= before) return;
    owner.reducePending(k, unacked);
    this.onReduced(owner, owner.pending.get(k)!, before - unacked);
  }

  /** Everything up to `p` is acked: drop it from pending and replay. */
  ackedUpTo(p: Position): void {
    for (const c of this.consumers) {
      // Only single-active subscriptions ack cumulatively, and they deliver in log order, so the
      // pending map (in delivery order) can stop at the first entry past `p`.
      for (const [k, e] of c.pending) {
        if (comparePositions(e.position, p) > 0) break;
        this.release(c, k);
      }
    }
    this.replay.deleteUpTo(p);
    this.sub.topic.priority.existing(this.sub)?.dropUpTo(p);
  }

  /** REDELIVER_UNACKNOWLEDGED_MESSAGES: take back `positions` (all pending when empty) from `c`. */
  redeliver(c: Consumer, positions: readonly Position[]): void {
    const taken: PendingEntry[] = [];
    if (positions.length === 0) taken.push(...this.releaseAll(c));
    for (const p of positions) {
      const k = positionKey(p);
      const e = this.owners.get(k) === c ? this.release(c, k) : undefined;
      if (e) taken.push(e);
      else
        this.sub.log.debug(
          { position: k, consumer: c.consumerId },
          'redelivery asked for an entry this consumer does not hold; ignored',
        );
    }
    for (const e of taken) {
      this.redeliveries.set(e.key, (this.redeliveries.get(e.key) ?? 0) + 1);
      c.msgRedeliverCounter += e.messages;
      this.replay.add(e.key, e.position, e.slot);
    }
    this.wake();
  }

  /** After SEEK or reset: forget everything in flight and read again from just after markDelete. */
  rewindToCursor(): void {
    this.epoch++;
    for (const c of this.consumers) this.releaseAll(c);
    this.replay.clear();
    this.sub.topic.priority.existing(this.sub)?.reset();
    this.readPosition = this.firstUnread();
    this.wake();
  }

  /** Unacked messages of the subscription (delivered, not acked). */
  get unackedMessages(): number {
    let n = 0;
    for (const c of this.consumers) n += c.unackedMessages;
    return n;
  }

  /** True while a read round runs or is about to (tests wait for this to settle). */
  get busy(): boolean {
    return this.state === 'reading' || this.resuming;
  }

  /** The next log entry this dispatcher reads (stats readPosition). */
  get nextReadPosition(): Position {
    return this.readPosition;
  }

  /** Entries waiting in the replay queue (stats). */
  get replaySize(): number {
    return this.replay.size;
  }

  /** True while maxUnackedMessagesPerSubscription blocks dispatching. */
  get blockedOnUnackedMessages(): boolean {
    return this.unackedBlocked;
  }

  /**
   * The subscription-wide unacked limit (Shared and Key_Shared): how many more messages may go
   * out. Reaching maxUnackedMessagesPerSubscription stops dispatch until acks bring it down to
   * half, as Pulsar does; a batch entry may overshoot by its size.
   */
  protected unackedRoom(): number {
    const limit = this.sub.topic.broker.config.maxUnackedMessagesPerSubscription;
    if (limit <= 0) return Infinity;
    const n = this.unackedMessages;
    if (!this.unackedBlocked && n >= limit) this.unackedBlocked = true;
    else if (this.unackedBlocked && n <= Math.floor(limit / 2)) this.unackedBlocked = false;
    return this.unackedBlocked ? 0 : limit - n;
  }

  /** May `c` get one more entry in this round: permits left, and its socket was open at the start. */
  protected mayTake(c: Consumer): boolean {
    return c.hasRoom && this.open.has(c);
  }

  /** Sends one entry to `c` and records it as pending there. */
  protected deliverTo(c: Consumer, item: DispatchItem): void {
    c.deliver(item, this.trackPending);
    if (!this.trackPending) return;
    this.owners.set(item.key, c);
    this.onDelivered(c, item);
  }

  /** Removes one pending entry from `c` (acked or taken back). */
  protected release(c: Consumer, key: string): PendingEntry | undefined {
    const p = c.removePending(key);
    if (!p) return undefined;
    this.owners.delete(key);
    this.onReleased(c, p);
    return p;
  }

  /** Removes every pending entry of `c`. */
  protected releaseAll(c: Consumer): PendingEntry[] {
    const all = c.takeAllPending();
    for (const p of all) {
      this.owners.delete(p.key);
      this.onReleased(c, p);
    }
    return all;
  }

  /** Queues entries for another delivery attempt, keeping their slot. */
  protected putBack(items: readonly DispatchItem[]): void {
    for (const i of items) this.replay.add(i.key, i.entry.position, i.slot);
  }

  /** Moves the read position back (single-active dispatchers rewind instead of replaying). */
  protected rewindTo(p: Position): void {
    this.epoch++;
    if (comparePositions(p, this.readPosition) < 0) this.readPosition = p;
  }

  /** The first position to read after the cursor's mark-delete position (compacted view aware). */
  private firstUnread(): Position {
    this.compactedFloor = undefined;
    if (!this.sub.readCompacted) return this.sub.topic.ledger.after(this.sub.cursor.markDeletePosition);
    const start = compactedReadStart(this.sub);
    this.compactedFloor = start.floor;
    return start.position;
  }

  private async readLoop(): Promise<void> {
    let yielded = false;
    try {
      for (let round = 0; ; round++) {
        if (round === MAX_ROUNDS_PER_WAKEUP) {
          yielded = true;
          break;
        }
        this.again = false;
        const outcome = await this.readRound();
        if (outcome === 'stop' && !this.again) break;
      }
    } catch (err) {
      this.sub.log.error({ err }, 'dispatcher read failed');
    } finally {
      this.state = 'idle';
      // Work left after the round limit continues on a later turn, so I/O and other topics run.
      if (this.again) this.wake();
      else if (yielded) {
        this.resuming = true;
        setImmediate(() => {
          this.resuming = false;
          this.wake();
        });
      }
    }
  }

  /** One read-and-dispatch round: replay first, then new entries; 'stop' when nothing more can move. */
  private async readRound(): Promise<'more' | 'stop'> {
    // The delayed index must be loaded (or done resetting) before entries are judged against it.
    const tracker = this.activeTracker();
    if (tracker && !tracker.ready) await tracker.whenReady();
    const permits = this.availablePermits();
    if (permits <= 0) return 'stop';
    const allowance = this.rateAllowance();
    if (allowance <= 0) return 'stop';
    const batchLimit = this.sub.topic.broker.config.dispatcherMaxReadBatchSize;
    const messages = Math.min(permits, allowance);
    const max = Math.min(messages, batchLimit);
    // Entries to read: enough batches for the permits (the last one may overshoot, as in Pulsar).
    const entriesToRead = Math.max(1, Math.min(batchLimit, Math.ceil(messages / this.avgMessagesPerEntry)));
    this.collectDue(max);
    const epoch = this.epoch;
    const candidates = this.replay.size === 0 ? [] : this.replayCandidates(entriesToRead);
    if (candidates.length > 0) {
      for (const p of candidates) this.replay.delete(positionKey(p));
      const entries = await readPositions(this.sub.topic.ledger, candidates);
      if (epoch !== this.epoch) return 'more';
      const items = this.toItems(entries, true);
      this.openRound();
      const left = this.dispatch(items);
      this.countDispatched(items, left);
      this.putBack(left);
      // Progress (something sent, or gone from the log): try the replay queue again first.
      if (left.length < items.length || items.length < candidates.length) return 'more';
      // Nothing moved: look further ahead only if some consumer could still take a message.
      if (this.availablePermits() <= 0) return 'stop';
    }
    if (this.replay.size >= this.lookAheadLimit()) return 'stop';
    // A priority-enabled subscription takes new entries from its priority index (docs/design/0006).
    const prio = priorityIndexOf(this.sub);
    const entries = prio ? await readByPriority(prio, this.sub, max) : await this.readNext(entriesToRead);
    if (epoch !== this.epoch) return 'more';
    if (entries === null) return 'stop';
    const items = this.toItems(entries, false);
    this.learnEntrySize(items);
    this.openRound();
    const left = this.dispatch(items);
    this.countDispatched(items, left);
    this.putBack(left);
    // A tailing consumer that took everything is done: one more round would only find the end of
    // the log (a new entry wakes the dispatcher again). Half of the rounds at 10,000 topics.
    if (
      !prio &&
      !this.sub.readCompacted &&
      left.length === 0 &&
      this.replay.size === 0 &&
      this.pastLastEntry()
    ) {
      this.sub.caughtUp();
      return 'stop';
    }
    return 'more';
  }

  /** True when the read position is past the last entry of the log. */
  private pastLastEntry(): boolean {
    const last = this.sub.topic.ledger.lastConfirmed();
    return !last || comparePositions(this.readPosition, last) > 0;
  }

  /** Notes which consumers can be written to as a round starts dispatching (see `open`). */
  private openRound(): void {
    this.open.clear();
    for (const c of this.consumers) if (c.writable) this.open.add(c);
  }

  /** Moves the messages-per-entry average halfway towards what this read held. */
  private learnEntrySize(items: readonly DispatchItem[]): void {
    if (items.length === 0) return;
    let messages = 0;
    for (const i of items) messages += i.messages;
    this.avgMessagesPerEntry = Math.max(1, (this.avgMessagesPerEntry + messages / items.length) / 2);
  }

  /**
   * Messages the topic's dispatch rate (topicDispatchRate) still allows in this period; at 0 the
   * dispatcher sleeps until the next period, as Pulsar's dispatchers do when throttled.
   */
  private rateAllowance(): number {
    const limiter = this.sub.topic.policy.dispatchLimiter;
    const allowance = limiter.availableMessages();
    if (allowance <= 0 && !this.throttled) {
      this.throttled = true;
      limiter.onNextPeriod(() => {
        this.throttled = false;
        this.wake();
      });
    }
    return allowance;
  }

  /** Charges what left in this round (items not handed back) to the topic's dispatch rate. */
  private countDispatched(items: readonly DispatchItem[], left: readonly DispatchItem[]): void {
    const limiter = this.sub.topic.policy.dispatchLimiter;
    if (!limiter.enabled || items.length === left.length) return;
    const kept = new Set(left);
    let messages = 0;
    let bytes = 0;
    for (const i of items) {
      if (kept.has(i)) continue;
      messages += i.messages;
      bytes += i.entry.data.length;
    }
    limiter.record(messages, bytes);
  }

  /**
   * The delayed index in use: none while a priority index feeds the dispatcher, since the delayed
   * index must be fed in log order (docs/design/0006: deliver_at_time is not honoured there).
   */
  private activeTracker(): DelayedDeliveryTracker | undefined {
    return this.sub.topic.priority.isEnabled && priorityIndexOf(this.sub) ? undefined : this.delayed;
  }

  /** Moves due delayed messages into the replay queue, as many as one round can send. */
  private collectDue(max: number): void {
    const tracker = this.activeTracker();
    if (!tracker) return;
    const room = Math.min(max, this.lookAheadLimit() - this.replay.size);
    if (room <= 0) return;
    for (const p of tracker.popDue(room)) {
      const k = positionKey(p);
      if (!this.owners.has(k) && !this.sub.cursor.isAcked(p)) this.replay.add(k, p);
    }
  }

  /** Reads new entries at the read position; null when the log has nothing more. */
  private async readNext(max: number): Promise<Entry[] | null> {
    if (this.sub.readCompacted) {
      const epoch = this.epoch;
      const maxBytes = this.sub.topic.broker.config.dispatcherMaxReadSizeBytes;
      const compacted = await readCompactedEntries(this.sub, this.readPosition, max, maxBytes);
      if (compacted && epoch === this.epoch) {
        this.readPosition = compacted.next;
        if (compacted.entries.length > 0) return compacted.entries;
      }
    }
    const ml = this.sub.topic.ledger;
    if (this.pastLastEntry()) {
      this.sub.caughtUp();
      return null;
    }
    const epoch = this.epoch;
    const entries = await ml.read(
      this.readPosition,
      max,
      this.sub.topic.broker.config.dispatcherMaxReadSizeBytes,
    );
    if (entries.length === 0) return null;
    // A rewind (SEEK, redelivery on Exclusive, active-consumer change) during the read wins: the
    // caller drops these entries, and the read position must stay where the rewind put it.
    if (epoch === this.epoch) this.readPosition = ml.after(entries[entries.length - 1].position);
    return entries;
  }

  private toItems(entries: Entry[], fromReplay: boolean): DispatchItem[] {
    const items: DispatchItem[] = [];
    const tracker = this.activeTracker();
    const config = this.sub.topic.broker.config;
    const now = this.sub.topic.broker.clock.now();
    for (const entry of entries) {
      const key = positionKey(entry.position);
      // Already acknowledged, already with a consumer, or waiting in the replay queue: the
      // delayed index and restarts can name an entry twice; it goes out once.
      const belowFloor = this.compactedFloor && comparePositions(entry.position, this.compactedFloor) <= 0;
      if ((!belowFloor && this.sub.cursor.isAcked(entry.position)) || this.owners.has(key)) continue;
      if (!fromReplay && this.replay.has(key)) continue;
      const scan = scanEntry(entry.data);
      if (tracker && !fromReplay) {
        const at = deliverAtOf(scan, config.delayedDeliveryMaxDelayInMillis);
        if (at > now) {
          if (!tracker.covers(entry.position)) tracker.add(entry.position, at);
          continue;
        }
      }
      // A damaged entry (scan undefined) costs one permit and reaches the client, whose checksum check reports it.
      let messages = scan?.numMessages ?? 1;
      let ackSet: number[] | undefined;
      const words = config.acknowledgmentAtBatchIndexLevelEnabled
        ? this.sub.cursor.batchAckSet(entry.position)
        : undefined;
      if (words) {
        messages = countUnacked(words, messages);
        ackSet = wordsToWire(words);
      }
      if (messages === 0) {
        // Only bits past the batch's end were left unacked: the whole batch is in fact acked.
        this.sub.cursor.ackIndividual([entry.position]);
        continue;
      }
      const { slot, stickyKey } = this.keyOf(entry);
      items.push({
        entry,
        key,
        messages,
        redeliveryCount: this.redeliveries.get(key) ?? 0,
        slot,
        stickyKey,
        ackSet,
        fromReplay,
      });
    }
    if (tracker && !fromReplay && entries.length > 0)
      tracker.markIndexed(entries[entries.length - 1].position);
    return items;
  }
}
