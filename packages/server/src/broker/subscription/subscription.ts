import type { Logger } from 'pino';
import {
  CommandType,
  KeySharedMode,
  SubType,
  type CommandAck,
  type KeySharedMeta,
  type MessageIdData,
} from '@magnetar/protocol';
import type { Cursor, Position } from '../../storage/types.js';
import { consumerBusy, notAllowed } from '../errors.js';
import type { ServerConnection } from '../connection/server-connection.js';
import type { DelayedDeliveryTracker } from '../delayed/delayed-tracker.js';
import { BucketStore, delayedDir } from '../delayed/bucket-store.js';
import { openDelayedTracker } from '../delayed/open-tracker.js';
import type { Dispatcher } from '../dispatcher/dispatcher.js';
import { KeySharedDispatcher, type KeySharedPolicy } from '../dispatcher/key-shared/key-shared-dispatcher.js';
import type { KeySharedStats } from '../dispatcher/key-shared/key-shared-stats.js';
import { SharedDispatcher } from '../dispatcher/shared-dispatcher.js';
import { SingleActiveDispatcher } from '../dispatcher/single-active-dispatcher.js';
import type { PersistentTopic } from '../topic/persistent-topic.js';
import { countUnacked, hasUnackedBits, wordsFromWire } from './ack-set.js';
import { Consumer } from './consumer.js';

export interface ConsumerParams {
  consumerId: number;
  consumerName: string;
  priorityLevel: number;
  subType: number;
  metadata: Record<string, string>;
  /** CommandSubscribe.keySharedMeta; absent means AUTO_SPLIT in order. */
  keySharedMeta?: KeySharedMeta;
  /** CommandSubscribe.read_compacted: positions up to the compaction horizon come from the compacted ledger. */
  readCompacted?: boolean;
}

/** Consumers already sent REACHED_END_OF_TOPIC: a terminated topic tells each of them once. */
const toldEndOfTopic = new WeakSet<Consumer>();

export const subTypeName = (t: number): string =>
  ({
    [SubType.Exclusive]: 'Exclusive',
    [SubType.Shared]: 'Shared',
    [SubType.Failover]: 'Failover',
    [SubType.Key_Shared]: 'Key_Shared',
  })[t] ?? `Unknown(${t})`;

/**
 * A named subscription on a topic: its cursor (durable, or in memory for readers), its consumers,
 * the dispatcher that matches its type and, for Shared and Key_Shared, the index of delayed
 * messages held back. Acks go to the cursor first and then clear the dispatcher's pending state.
 */
export class Subscription {
  readonly log: Logger;
  private dispatcherImpl: Dispatcher | undefined;
  private tracker: DelayedDeliveryTracker | undefined;
  type: number;
  msgOutCounterOfClosed = 0;
  bytesOutCounterOfClosed = 0;
  lastAckedTimestamp = 0;
  /** The latest consumer asked for the compacted view (Exclusive and Failover only; see compaction/). */
  readCompacted = false;

  constructor(
    readonly topic: PersistentTopic,
    readonly name: string,
    readonly cursor: Cursor,
    readonly durable: boolean,
    type: number,
  ) {
    this.type = type;
    this.log = topic.log.child({ subscription: name });
  }

  get dispatcher(): Dispatcher | undefined {
    return this.dispatcherImpl;
  }

  get consumers(): readonly Consumer[] {
    return this.dispatcherImpl?.consumers ?? [];
  }

  /** The delayed-message index, opened on first use by a Shared or Key_Shared dispatcher. */
  get delayedTracker(): DelayedDeliveryTracker | undefined {
    // The namespace's (or topic's) delayed_delivery_policies decide; the broker setting is the default.
    const policy = this.topic.policy.effective?.delayedDelivery;
    const active = policy ? policy.active : this.topic.broker.config.delayedDeliveryEnabled;
    if (!this.tracker && active) this.tracker = openDelayedTracker(this, policy?.tickTime);
    return this.tracker;
  }

  /** Messages held back until their delivery time (stats msgDelayed; they count in the backlog). */
  delayedMessages(): number {
    return this.tracker?.size ?? 0;
  }

  /** Bytes of the delayed-message index held in memory (stats delayedMessageIndexSizeInBytes). */
  delayedIndexBytes(): number {
    return this.tracker?.memoryBytes ?? 0;
  }

  /** The next entry the dispatcher reads (stats readPosition); just after markDelete when idle. */
  readPosition(): Position {
    return this.dispatcherImpl?.nextReadPosition ?? this.topic.ledger.after(this.cursor.markDeletePosition);
  }

  /**
   * Acknowledges everything up to and including `p` (admin skip, expire, clear backlog): entries
   * pending at consumers or waiting for redelivery up to there are dropped; later individual acks stay.
   */
  skipTo(p: Position): void {
    this.cursor.ackCumulative(p);
    const d = this.dispatcherImpl;
    if (!d) return;
    // Shared dispatchers hold pending entries in delivery order, not log order: release them all.
    const done: Position[] = [];
    for (const c of d.consumers)
      for (const e of c.pending.values()) if (this.cursor.isAcked(e.position)) done.push(e.position);
    d.acked(done);
    d.ackedUpTo(p);
    d.wake();
  }

  /**
   * The dispatcher has read the whole log. On a terminated topic each consumer is told once that no
   * more messages will come (CommandReachedEndOfTopic), as Pulsar does when a read finds the
   * managed ledger terminated.
   */
  caughtUp(): void {
    if (!this.topic.terminatedAt) return;
    for (const c of this.consumers) {
      if (toldEndOfTopic.has(c)) continue;
      toldEndOfTopic.add(c);
      c.connection.send({
        type: CommandType.REACHED_END_OF_TOPIC,
        reachedEndOfTopic: { consumer_id: c.consumerId },
      });
    }
  }

  /** Key_Shared insight (hot keys, draining slots, assignments); undefined for other types. */
  keySharedStats(): KeySharedStats | undefined {
    const d = this.dispatcherImpl;
    return d instanceof KeySharedDispatcher ? d.keySharedStats() : undefined;
  }

  /**
   * Adds a consumer. Refuses a type change while consumers are attached, a second Exclusive one,
   * a Key_Shared policy different from the attached consumers' (ConsumerBusy), and overlapping
   * STICKY ranges (ConsumerAssignError).
   */
  addConsumer(connection: ServerConnection, p: ConsumerParams): Consumer {
    if (this.consumers.length > 0 && p.subType !== this.type) {
      throw consumerBusy(
        `Subscription ${this.name} is of type ${subTypeName(this.type)}, not ${subTypeName(p.subType)}`,
      );
    }
    const policy = p.subType === SubType.Key_Shared ? policyOf(p.keySharedMeta) : undefined;
    const current = this.dispatcherImpl;
    const samePolicy =
      !policy || (current instanceof KeySharedDispatcher && samePolicies(current.policy, policy));
    if (this.consumers.length > 0 && !samePolicy) {
      throw consumerBusy(
        `Subscription ${this.name}: the consumer's key-shared policy differs from the attached consumers'`,
      );
    }
    if (p.readCompacted !== undefined) this.readCompacted = p.readCompacted;
    if (!current || (this.consumers.length === 0 && (p.subType !== this.type || !samePolicy))) {
      this.dispatcherImpl = this.makeDispatcher(p.subType, policy);
    }
    this.type = p.subType;
    const c = new Consumer(
      this,
      connection,
      p.consumerId,
      p.consumerName,
      p.priorityLevel,
      p.metadata,
      p.keySharedMeta,
    );
    this.dispatcherImpl!.addConsumer(c);
    return c;
  }

  removeConsumer(c: Consumer): void {
    if (c.closed) return;
    c.closed = true;
    this.msgOutCounterOfClosed += c.msgOutCounter;
    this.bytesOutCounterOfClosed += c.bytesOutCounter;
    this.dispatcherImpl?.removeConsumer(c);
    if (!this.durable && this.consumers.length === 0) {
      this.topic.removeSubscription(this);
      // A non-durable subscription's index lives in memory only; stop its timer with it.
      void this.tracker?.destroy();
    }
  }

  /** CommandFlow.messagePermits */
  flow(c: Consumer, permits: number): void {
    c.permits += permits;
    c.lastConsumedFlowTimestamp = this.topic.broker.clock.now();
    this.dispatcherImpl?.wake();
  }

  /**
   * CommandAck: individual (repeated message_id) or cumulative (one id). An id whose ack_set still
   * has bits set acknowledges part of a batch; with acknowledgmentAtBatchIndexLevelEnabled those
   * indexes are kept, else such an ack changes nothing and the batch is redelivered whole.
   */
  ack(c: Consumer, cmd: CommandAck): void {
    const now = this.topic.broker.clock.now();
    c.lastAckedTimestamp = now;
    this.lastAckedTimestamp = now;
    const ids = cmd.message_id ?? [];
    if ((cmd.ack_type ?? 0) === 1) {
      if (this.type === SubType.Shared || this.type === SubType.Key_Shared) {
        throw notAllowed('Cumulative acknowledgement is not allowed on Shared and Key_Shared subscriptions');
      }
      const id = ids[0];
      if (id) this.ackCumulative(id);
    } else {
      const whole: Position[] = [];
      for (const id of ids) {
        if (!hasUnackedBits(id.ack_set)) whole.push(toPosition(id));
        else if (this.ackBatchIndexes(id)) whole.push(toPosition(id));
      }
      if (whole.length > 0) {
        this.cursor.ackIndividual(whole);
        this.dispatcherImpl?.acked(whole);
      }
    }
    this.dispatcherImpl?.wake();
  }

  /** CommandRedeliverUnacknowledgedMessages.message_ids (empty: everything this consumer holds). */
  redeliver(c: Consumer, ids: readonly MessageIdData[]): void {
    this.dispatcherImpl?.redeliver(c, ids.map(toPosition));
  }

  /** SEEK / reset cursor: the next entry delivered is `position`; consumers are disconnected, as Pulsar does. */
  resetTo(position: Position): void {
    this.cursor.resetTo(position);
    // The delayed index names positions of the old timeline; it is rebuilt from the new position.
    void this.tracker?.reset();
    this.dispatcherImpl?.rewindToCursor();
  }

  /** Closes every consumer from the broker side (after SEEK, or when the topic is unloaded). */
  disconnectConsumers(): void {
    for (const c of [...this.consumers]) {
      c.closeFromBroker();
      c.connection.consumers.delete(c.consumerId);
      this.removeConsumer(c);
    }
  }

  /** The topic is closing: persist what must survive a restart (the delayed index). */
  async close(): Promise<void> {
    await this.tracker?.close();
  }

  /** The subscription is deleted (UNSUBSCRIBE): remove its files. */
  async delete(): Promise<void> {
    if (this.tracker) await this.tracker.destroy();
    // Files of an index this process never opened (written before a restart) go too.
    else if (this.durable)
      await new BucketStore(
        delayedDir(this.topic.broker.config.dataDir, this.topic.name, this.name),
      ).destroy();
    this.tracker = undefined;
  }

  backlog(): number {
    return this.cursor.backlog();
  }

  private ackCumulative(id: MessageIdData): void {
    const p = toPosition(id);
    if (!hasUnackedBits(id.ack_set)) {
      this.cursor.ackCumulative(p);
      this.dispatcherImpl?.ackedUpTo(p);
      return;
    }
    // Inside a batch: everything before the entry is acked, and the entry itself in part.
    const before = { ledgerId: p.ledgerId, entryId: p.entryId - 1 };
    this.cursor.ackCumulative(before);
    this.dispatcherImpl?.ackedUpTo(before);
    if (this.ackBatchIndexes(id)) {
      this.cursor.ackIndividual([p]);
      this.dispatcherImpl?.acked([p]);
    }
  }

  /** Applies a batch-index ack; true when it completed the entry (all its indexes acked). */
  private ackBatchIndexes(id: MessageIdData): boolean {
    if (!this.topic.broker.config.acknowledgmentAtBatchIndexLevelEnabled) return false;
    const p = toPosition(id);
    if (this.cursor.ackBatchIndexes(p, wordsFromWire(id.ack_set ?? []))) return true;
    const left = this.cursor.batchAckSet(p);
    if (left) this.dispatcherImpl?.partlyAcked(p, countUnacked(left, id.batch_size ?? Infinity));
    return false;
  }

  private makeDispatcher(subType: number, policy: KeySharedPolicy | undefined): Dispatcher {
    switch (subType) {
      case SubType.Shared:
        return new SharedDispatcher(this);
      case SubType.Key_Shared:
        return new KeySharedDispatcher(this, policy!);
      case SubType.Failover:
        return new SingleActiveDispatcher(this, true);
      default:
        return new SingleActiveDispatcher(this, false);
    }
  }
}

export function toPosition(id: MessageIdData): Position {
  return { ledgerId: id.ledgerId, entryId: id.entryId };
}

function policyOf(meta: KeySharedMeta | undefined): KeySharedPolicy {
  return {
    mode: meta?.keySharedMode === KeySharedMode.STICKY ? KeySharedMode.STICKY : KeySharedMode.AUTO_SPLIT,
    allowOutOfOrderDelivery: meta?.allowOutOfOrderDelivery === true,
  };
}

function samePolicies(a: KeySharedPolicy, b: KeySharedPolicy): boolean {
  return a.mode === b.mode && a.allowOutOfOrderDelivery === b.allowOutOfOrderDelivery;
}
