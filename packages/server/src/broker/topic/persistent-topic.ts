import type { Logger } from 'pino';
import { InitialPosition, SubType, type MessageIdData } from '@magnetar/protocol';
import type { ManagedLedger, Position } from '../../storage/types.js';
import { comparePositions } from '../../storage/position.js';
import type { BrokerService } from '../broker-service.js';
import { consumerBusy, producerBusy, serviceNotReady } from '../errors.js';
import type { ServerConnection } from '../connection/server-connection.js';
import type { Consumer } from '../subscription/consumer.js';
import { NonDurableCursor } from '../subscription/non-durable-cursor.js';
import { Subscription, type ConsumerParams } from '../subscription/subscription.js';
import { RateMeter } from '../stats/rate.js';
import { compactionOf } from '../compaction/compaction-service.js';
import { compactedReaderMarkDelete } from '../compaction/read-compacted.js';
import { DEDUP_CURSOR } from '../dedup/dedup-snapshot.js';
import { MessageDeduplication } from '../dedup/message-deduplication.js';
import { TopicPolicyState } from '../policies/topic-policies.js';
import type { SequenceInfo } from '../dedup/sequence-tracker.js';
import { TopicPriority } from '../priority/topic-priority.js';
import type { Producer } from './producer.js';
import { deleteTermination, readTermination, topicTerminated, writeTermination } from './termination.js';

/** Lifecycle of a loaded topic. */
export type TopicState =
  /** Serving producers and consumers. */
  | 'open'
  /** Closing: no new producers or consumers; in-flight publishes finish. */
  | 'closing'
  /** Closed; the broker forgets it. */
  | 'closed';

export interface SubscribeParams extends ConsumerParams {
  subscription: string;
  durable: boolean;
  initialPosition: number;
  startMessageId?: MessageIdData;
  /** Called with the subscription's consumer count just before the consumer joins; throws to refuse it. */
  admit?: (subscriptionConsumers: number) => void;
}

/** Ledger ids at or above this mean MessageId.latest (Long.MAX_VALUE in Java clients). */
const LATEST_LEDGER_ID = 2 ** 62;

/**
 * A persistent topic loaded on this broker: its managed ledger, producers and subscriptions.
 * Publishing appends the producer's framed bytes unchanged; subscriptions are woken on every
 * durable append.
 */
export class PersistentTopic {
  readonly persistent = true;
  state: TopicState = 'open';
  readonly log: Logger;
  readonly producers = new Set<Producer>();
  readonly subscriptions = new Map<string, Subscription>();
  msgInCounter = 0;
  bytesInCounter = 0;
  lastPublishTimestamp = 0;
  readonly createdAt: number;
  readonly rateIn: RateMeter;
  readonly throughputIn: RateMeter;
  /** Position of the last message once the topic is terminated (admin terminate); publishes are refused. */
  terminatedAt: Position | undefined;
  /** Message deduplication (namespace deduplicationEnabled, else brokerDeduplicationEnabled). */
  readonly dedup: MessageDeduplication;
  /** Message priority (namespace policy `priority`; docs/design/0006). */
  readonly priority: TopicPriority;
  /** Effective policies and their enforcement state (rates, backlog-quota hold). */
  readonly policy: TopicPolicyState;
  private readonly stopListening: () => void;
  /** The newest append in flight; appends complete in order, so awaiting it awaits them all. */
  private lastAppend: Promise<unknown> = Promise.resolve();
  /** Settles once the persisted termination mark has been read; publishes wait for it until then. */
  private readonly terminationRead: Promise<void>;
  private terminationKnown = false;
  /** The terminate() in progress or done. */
  private terminating: Promise<Position> | undefined;

  constructor(
    readonly name: string,
    readonly ledger: ManagedLedger,
    readonly broker: BrokerService,
  ) {
    this.log = broker.log.child({ topic: name });
    this.createdAt = broker.clock.now();
    const now = () => broker.clock.now();
    this.rateIn = new RateMeter(now);
    this.throughputIn = new RateMeter(now);
    // Durable subscriptions outlive their consumers: load them so backlog and retention see them.
    for (const [subName, cursor] of ledger.cursors()) {
      // The deduplication snapshot's cursor is not a subscription (Pulsar skips it the same way).
      if (subName === DEDUP_CURSOR) continue;
      this.subscriptions.set(subName, new Subscription(this, subName, cursor, true, SubType.Exclusive));
    }
    const c = broker.config;
    this.dedup = new MessageDeduplication(
      ledger,
      {
        entriesInterval: c.brokerDeduplicationEntriesInterval,
        maxProducers: c.brokerDeduplicationMaxNumberOfProducers,
      },
      this.log,
    );
    this.policy = new TopicPolicyState(this);
    this.priority = new TopicPriority(this);
    this.stopListening = ledger.onAppend(() => {
      for (const s of this.subscriptions.values()) s.dispatcher?.wake();
    });
    this.terminationRead = readTermination(broker.metadata, name).then(
      (p) => {
        this.terminatedAt ??= p ?? undefined;
        this.terminationKnown = true;
      },
      (err: unknown) => {
        this.terminationKnown = true;
        this.log.error({ err }, 'reading the termination mark failed; the topic accepts messages');
      },
    );
  }

  addProducer(p: Producer): void {
    if (this.terminatedAt || this.terminating) throw topicTerminated(this.name);
    for (const other of this.producers) {
      if (other.name === p.name)
        throw producerBusy(`Producer with name '${p.name}' is already connected to topic ${this.name}`);
      if (other.accessMode === 'Exclusive')
        throw producerBusy(`Topic ${this.name} has an exclusive producer`);
    }
    if (p.accessMode === 'Exclusive' && this.producers.size > 0) {
      throw producerBusy(`Topic ${this.name} already has producers; exclusive access refused`);
    }
    this.producers.add(p);
    this.dedup.producerAdded(p.name);
  }

  removeProducer(p: Producer): void {
    if (this.producers.delete(p)) this.dedup.producerRemoved(p.name, this.broker.clock.now());
  }

  /**
   * Appends one entry exactly as framed by the producer; resolves once durable. With
   * deduplication on (`seq` given), a SEND already stored resolves with DUPLICATE_MESSAGE_ID
   * without being stored again.
   */
  async publish(p: Producer, data: Buffer, messages: number, seq?: SequenceInfo): Promise<Position> {
    if (this.state !== 'open') throw serviceNotReady(`Topic ${this.name} is closing`);
    if (!this.terminationKnown) await this.terminationRead;
    if (this.terminatedAt || this.terminating) throw topicTerminated(this.name);
    this.policy.onPublish(messages, data.length);
    // producer_request_hold: the SEND waits while the backlog is over its quota (or times out).
    if (this.policy.quotaHold.holding) {
      await this.policy.quotaHold.wait();
      if (this.state !== 'open') throw serviceNotReady(`Topic ${this.name} is closing`);
    }
    const verdict = seq ? this.dedup.check(seq) : 'new';
    if (seq && verdict !== 'new') return this.dedup.settleDuplicate(seq, verdict, this.lastAppend);
    const appending = this.ledger.append(data).then(
      (pos) => {
        // Recorded before anyone awaiting lastAppend resumes, so a waiting duplicate sees it.
        if (seq) this.dedup.recordPersisted(seq, pos);
        return pos;
      },
      (err: unknown) => {
        if (seq) this.dedup.recordFailed(seq);
        throw err;
      },
    );
    this.lastAppend = appending;
    const pos = await appending;
    this.priority.published(pos, data);
    this.msgInCounter += messages;
    this.bytesInCounter += data.length;
    p.msgInCounter += messages;
    p.bytesInCounter += data.length;
    this.lastPublishTimestamp = this.broker.clock.now();
    return pos;
  }

  /** Brings the topic in line with its policies (on load, and when they change). */
  async refreshPolicies(): Promise<void> {
    await this.policy.refresh();
    await this.refreshDeduplication();
  }

  /** Brings deduplication in line with the topic's policies (on load, and when they change). */
  async refreshDeduplication(): Promise<void> {
    const effective = this.broker.policies ? this.policy.effective : null;
    const enabled = effective
      ? effective.deduplicationEnabled
      : this.broker.config.brokerDeduplicationEnabled;
    await this.dedup.setEnabled(enabled);
  }

  /** Attaches a consumer, creating the subscription when needed (CommandSubscribe). */
  async subscribe(connection: ServerConnection, p: SubscribeParams): Promise<Consumer> {
    let sub = this.subscriptions.get(p.subscription);
    if (sub && !p.durable && sub.durable) {
      throw consumerBusy(`Subscription ${p.subscription} is durable; a reader cannot use its name`);
    }
    if (!sub) {
      sub = p.durable ? await this.createDurable(p) : this.createNonDurable(p);
      // Another SUBSCRIBE may have created it while the cursor was opening.
      sub = this.subscriptions.get(p.subscription) ?? sub;
      this.subscriptions.set(p.subscription, sub);
    }
    p.admit?.(sub.consumers.length);
    return sub.addConsumer(connection, p);
  }

  removeSubscription(sub: Subscription): void {
    if (this.subscriptions.get(sub.name) === sub) this.subscriptions.delete(sub.name);
  }

  /** Deletes a durable subscription and its cursor (UNSUBSCRIBE). */
  async deleteSubscription(sub: Subscription): Promise<void> {
    this.removeSubscription(sub);
    await sub.delete();
    if (sub.durable) await this.ledger.deleteCursor(sub.name);
  }

  /**
   * Creates a durable subscription without a consumer, its cursor at `start` (admin create
   * subscription). Resolves with the existing one if the name is taken meanwhile.
   */
  async createSubscription(name: string, start: Position): Promise<Subscription> {
    const cursor = await this.ledger.openCursor(name, 'latest');
    const existing = this.subscriptions.get(name);
    if (existing) return existing;
    const sub = new Subscription(this, name, cursor, true, SubType.Exclusive);
    this.subscriptions.set(name, sub);
    sub.resetTo(start);
    return sub;
  }

  /**
   * Terminates the topic (admin terminate): no message is accepted any more, and consumers that
   * have read everything are told so (REACHED_END_OF_TOPIC). Resolves with the last message's
   * position; terminating again answers the same position.
   */
  terminate(): Promise<Position> {
    this.terminating ??= this.terminateOnce().catch((err: unknown) => {
      this.terminating = undefined;
      throw err;
    });
    return this.terminating;
  }

  /**
   * Deletes the topic (admin delete): producers and consumers are closed from the broker side, the
   * subscriptions' files, cursors, ledgers, schema and termination mark are removed.
   */
  async delete(): Promise<void> {
    if (this.state !== 'open') throw serviceNotReady(`Topic ${this.name} is closing`);
    this.state = 'closing';
    this.stopListening();
    this.policy.close();
    this.priority.close();
    await this.lastAppend.catch(() => undefined);
    for (const p of this.producers) p.closeFromBroker();
    this.producers.clear();
    const subs = [...this.subscriptions.values()];
    for (const s of subs) s.disconnectConsumers();
    for (const s of subs) await s.delete();
    this.subscriptions.clear();
    await this.ledger.delete();
    await this.broker.schemas.delete(this.name);
    await compactionOf(this.broker)?.topicDeleted(this.name);
    await deleteTermination(this.broker.metadata, this.name);
    this.state = 'closed';
  }

  /** Position of the last message, or (current ledger, -1) when the topic is empty. */
  lastMessagePosition(): Position {
    return this.ledger.lastConfirmed() ?? { ledgerId: this.ledger.nextPosition().ledgerId, entryId: -1 };
  }

  /** Where a subscription with this start message id begins reading (inclusive). */
  startPosition(id: MessageIdData | undefined, initialPosition: number): Position {
    const first = this.ledger.firstPosition() ?? this.ledger.nextPosition();
    if (!id) return initialPosition === InitialPosition.Earliest ? first : this.ledger.nextPosition();
    if (id.ledgerId < 0) return first;
    if (id.ledgerId >= LATEST_LEDGER_ID) return this.ledger.nextPosition();
    const p = { ledgerId: id.ledgerId, entryId: id.entryId };
    return comparePositions(p, first) < 0 ? first : p;
  }

  get producerCount(): number {
    return this.producers.size;
  }

  get consumerCount(): number {
    let n = 0;
    for (const s of this.subscriptions.values()) n += s.consumers.length;
    return n;
  }

  /** Closes producers and consumers from the broker side; clients reconnect. */
  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.stopListening();
    this.policy.close();
    this.priority.close();
    // Receipts for publishes already handed to storage go out before the producers are closed.
    await this.lastAppend.catch(() => undefined);
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (const p of this.producers) p.closeFromBroker();
    this.producers.clear();
    for (const s of this.subscriptions.values()) s.disconnectConsumers();
    await Promise.all([...this.subscriptions.values()].map((s) => s.close()));
    await this.dedup
      .close()
      .catch((err: unknown) => this.log.warn({ err }, 'final deduplication snapshot failed'));
    await this.ledger.close();
    this.state = 'closed';
  }

  private async createDurable(p: SubscribeParams): Promise<Subscription> {
    const initial = p.initialPosition === InitialPosition.Earliest ? 'earliest' : 'latest';
    const cursor = await this.ledger.openCursor(p.subscription, initial);
    return new Subscription(this, p.subscription, cursor, true, p.subType);
  }

  private async terminateOnce(): Promise<Position> {
    if (!this.terminationKnown) await this.terminationRead;
    if (this.terminatedAt) return this.terminatedAt;
    if (this.state !== 'open') throw serviceNotReady(`Topic ${this.name} is closing`);
    // Publishes already handed to storage belong before the end; publish() refuses new ones from
    // the moment `terminating` is set.
    await this.lastAppend.catch(() => undefined);
    const last = this.lastMessagePosition();
    await writeTermination(this.broker.metadata, this.name, last);
    this.terminatedAt = last;
    for (const s of this.subscriptions.values()) {
      if (s.backlog() === 0) s.caughtUp();
      s.dispatcher?.wake();
    }
    return last;
  }

  private createNonDurable(p: SubscribeParams): Subscription {
    const start = this.startPosition(p.startMessageId, p.initialPosition);
    const markDelete = p.readCompacted
      ? compactedReaderMarkDelete(this, p.startMessageId, p.initialPosition)
      : { ledgerId: start.ledgerId, entryId: start.entryId - 1 };
    const cursor = new NonDurableCursor(p.subscription, this.ledger, markDelete);
    return new Subscription(this, p.subscription, cursor, false, p.subType);
  }
}
