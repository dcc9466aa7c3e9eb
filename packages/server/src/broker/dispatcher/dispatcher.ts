import { parseEntry } from '@magnetar/protocol';
import type { Entry, Position } from '../../storage/types.js';
import { comparePositions, positionToString as positionKey } from '../../storage/position.js';
import type { Consumer } from '../subscription/consumer.js';
import type { Subscription } from '../subscription/subscription.js';

/** Read-loop state of a dispatcher. */
type ReadState =
  /** No read in flight; the next trigger starts one. */
  | 'idle'
  /** A storage read is in flight; triggers meanwhile ask for one more round. */
  | 'reading';

/** An entry ready to go out, with what it costs in permits. */
export interface DispatchItem {
  readonly entry: Entry;
  readonly messages: number;
  readonly redeliveryCount: number;
}

/** Largest number of read rounds per wake-up before yielding to other work. */
const MAX_ROUNDS_PER_WAKEUP = 64;

/**
 * Moves entries from a topic's log to a subscription's consumers, within their FLOW permits
 * (Pulsar's dispatchers). The base class owns the read loop: it reads only when some consumer can
 * take messages, in batches of at most dispatcherMaxReadBatchSize entries, replaying entries taken
 * back for redelivery before new ones. Subclasses decide which consumer gets which entry.
 */
export abstract class Dispatcher {
  /** Next entry of the log not yet read for this subscription. */
  protected readPosition: Position;
  /** Entries to deliver again (nacked, timed out, or left by a departed consumer), in log order. */
  protected readonly replay = new Map<string, Position>();
  /** Redeliveries per entry (CommandMessage.redelivery_count), kept while the entry is unacked. */
  protected readonly redeliveries = new Map<string, number>();
  private state: ReadState = 'idle';
  private again = false;
  /** Bumped by every rewind, so a read that started before it is discarded. */
  private epoch = 0;

  constructor(protected readonly sub: Subscription) {
    this.readPosition = sub.topic.ledger.after(sub.cursor.markDeletePosition);
  }

  abstract addConsumer(c: Consumer): void;
  abstract removeConsumer(c: Consumer): void;
  abstract readonly consumers: readonly Consumer[];
  /** How many messages the consumers can take right now (0 stops reading). */
  protected abstract availablePermits(): number;
  /** Hands read entries to consumers; returns those nobody could take. */
  protected abstract dispatch(items: DispatchItem[]): DispatchItem[];
  /** Whether delivered entries are tracked as pending acks (false for readers with no need to redeliver). */
  protected trackPending = true;

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
      for (const c of this.consumers) if (c.removePending(k)) break;
    }
  }

  /** Everything up to `p` is acked: drop it from pending and replay. */
  ackedUpTo(p: Position): void {
    for (const c of this.consumers) {
      for (const [k, e] of c.pending) if (comparePositions(e.position, p) <= 0) c.removePending(k);
    }
    for (const [k, q] of this.replay) if (comparePositions(q, p) <= 0) this.replay.delete(k);
  }

  /** REDELIVER_UNACKNOWLEDGED_MESSAGES: take back `positions` (all pending when empty) from `c`. */
  redeliver(c: Consumer, positions: readonly Position[]): void {
    const taken =
      positions.length === 0
        ? c.takeAllPending()
        : positions.map((p) => c.removePending(positionKey(p))).filter((e) => e !== undefined);
    for (const e of taken) {
      const k = positionKey(e.position);
      this.redeliveries.set(k, (this.redeliveries.get(k) ?? 0) + 1);
      c.msgRedeliverCounter += e.messages;
    }
    this.putBack(taken.map((e) => e.position));
    this.wake();
  }

  /** After SEEK or reset: forget everything in flight and read again from just after markDelete. */
  rewindToCursor(): void {
    this.epoch++;
    for (const c of this.consumers) c.takeAllPending();
    this.replay.clear();
    this.readPosition = this.sub.topic.ledger.after(this.sub.cursor.markDeletePosition);
    this.wake();
  }

  /** Unacked entries counted by consumers plus those waiting for replay. */
  get unackedMessages(): number {
    let n = 0;
    for (const c of this.consumers) n += c.unackedMessages;
    return n;
  }

  /** Returns entries to be delivered again; the default queues them for replay in log order. */
  protected putBack(positions: readonly Position[]): void {
    for (const p of positions) this.replay.set(positionKey(p), p);
  }

  /** Moves the read position back (single-active dispatchers rewind instead of replaying). */
  protected rewindTo(p: Position): void {
    this.epoch++;
    if (comparePositions(p, this.readPosition) < 0) this.readPosition = p;
  }

  private async readLoop(): Promise<void> {
    try {
      for (let round = 0; round < MAX_ROUNDS_PER_WAKEUP; round++) {
        this.again = false;
        const permits = this.availablePermits();
        if (permits <= 0) break;
        const max = Math.min(permits, this.sub.topic.broker.config.dispatcherMaxReadBatchSize);
        const epoch = this.epoch;
        const entries = this.replay.size > 0 ? await this.readReplay(max) : await this.readNext(max);
        if (epoch !== this.epoch) continue;
        if (entries === null) {
          if (!this.again) break;
          continue;
        }
        const items = this.toItems(entries);
        const left = this.dispatch(items);
        if (left.length > 0) this.putBack(left.map((i) => i.entry.position));
        if (left.length === items.length && items.length > 0) break;
      }
    } catch (err) {
      this.sub.log.error({ err }, 'dispatcher read failed');
    } finally {
      this.state = 'idle';
      if (this.again) this.wake();
    }
  }

  /** Reads new entries at the read position; null when the log has nothing more. */
  private async readNext(max: number): Promise<Entry[] | null> {
    const ml = this.sub.topic.ledger;
    const last = ml.lastConfirmed();
    if (!last || comparePositions(this.readPosition, last) > 0) return null;
    const entries = await ml.read(this.readPosition, max, this.sub.topic.broker.config.dispatcherMaxReadSizeBytes);
    if (entries.length === 0) return null;
    this.readPosition = ml.after(entries[entries.length - 1].position);
    return entries;
  }

  /** Reads up to `max` entries queued for replay, oldest first. */
  private async readReplay(max: number): Promise<Entry[]> {
    const ml = this.sub.topic.ledger;
    const wanted = [...this.replay.values()].sort(comparePositions).slice(0, max);
    const out: Entry[] = [];
    for (const p of wanted) {
      this.replay.delete(positionKey(p));
      const [e] = await ml.read(p, 1, Number.MAX_SAFE_INTEGER);
      // The entry may be gone (its ledger trimmed after an ack); then there is nothing to send.
      if (e && comparePositions(e.position, p) === 0) out.push(e);
    }
    return out;
  }

  private toItems(entries: Entry[]): DispatchItem[] {
    const items: DispatchItem[] = [];
    for (const entry of entries) {
      if (this.sub.cursor.isAcked(entry.position)) continue;
      items.push({
        entry,
        messages: messagesIn(entry),
        redeliveryCount: this.redeliveries.get(positionKey(entry.position)) ?? 0,
      });
    }
    return items;
  }
}

/** Messages in a stored entry (MessageMetadata.num_messages_in_batch, default 1). */
export function messagesIn(entry: Entry): number {
  try {
    return parseEntry(entry.data).metadata.num_messages_in_batch ?? 1;
  } catch {
    // Entries were validated on SEND; a damaged one still costs one permit and reaches the client,
    // whose checksum check reports it.
    return 1;
  }
}
