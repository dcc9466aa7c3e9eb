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
import type { Producer } from './producer.js';

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
}

/** Ledger ids at or above this mean MessageId.latest (Long.MAX_VALUE in Java clients). */
const LATEST_LEDGER_ID = 2 ** 62;

/**
 * A persistent topic loaded on this broker: its managed ledger, producers and subscriptions.
 * Publishing appends the producer's framed bytes unchanged; subscriptions are woken on every
 * durable append.
 */
export class PersistentTopic {
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
  private readonly stopListening: () => void;
  /** The newest append in flight; appends complete in order, so awaiting it awaits them all. */
  private lastAppend: Promise<unknown> = Promise.resolve();

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
      this.subscriptions.set(subName, new Subscription(this, subName, cursor, true, SubType.Exclusive));
    }
    this.stopListening = ledger.onAppend(() => {
      for (const s of this.subscriptions.values()) s.dispatcher?.wake();
    });
  }

  addProducer(p: Producer): void {
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
  }

  removeProducer(p: Producer): void {
    this.producers.delete(p);
  }

  /** Appends one entry exactly as framed by the producer; resolves once durable. */
  async publish(p: Producer, data: Buffer, messages: number): Promise<Position> {
    if (this.state !== 'open') throw serviceNotReady(`Topic ${this.name} is closing`);
    const appending = this.ledger.append(data);
    this.lastAppend = appending;
    const pos = await appending;
    this.msgInCounter += messages;
    this.bytesInCounter += data.length;
    p.msgInCounter += messages;
    p.bytesInCounter += data.length;
    this.lastPublishTimestamp = this.broker.clock.now();
    return pos;
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
    // Receipts for publishes already handed to storage go out before the producers are closed.
    await this.lastAppend.catch(() => undefined);
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (const p of this.producers) p.closeFromBroker();
    this.producers.clear();
    for (const s of this.subscriptions.values()) s.disconnectConsumers();
    await Promise.all([...this.subscriptions.values()].map((s) => s.close()));
    await this.ledger.close();
    this.state = 'closed';
  }

  private async createDurable(p: SubscribeParams): Promise<Subscription> {
    const initial = p.initialPosition === InitialPosition.Earliest ? 'earliest' : 'latest';
    const cursor = await this.ledger.openCursor(p.subscription, initial);
    return new Subscription(this, p.subscription, cursor, true, p.subType);
  }

  private createNonDurable(p: SubscribeParams): Subscription {
    const start = this.startPosition(p.startMessageId, p.initialPosition);
    const markDelete = { ledgerId: start.ledgerId, entryId: start.entryId - 1 };
    const cursor = new NonDurableCursor(p.subscription, this.ledger, markDelete);
    return new Subscription(this, p.subscription, cursor, false, p.subType);
  }
}
