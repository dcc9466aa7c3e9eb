import type { Logger } from 'pino';
import type { Position } from '../../../storage/types.js';
import type { BrokerService } from '../../broker-service.js';
import type { ServerConnection } from '../../connection/server-connection.js';
import { serviceNotReady } from '../../errors.js';
import { RateMeter } from '../../stats/rate.js';
import type { Consumer } from '../../subscription/consumer.js';
import type { SubscribeParams, TopicState } from '../persistent-topic.js';
import { admitProducer, type Producer } from '../producer.js';
import { NonPersistentSubscription } from './non-persistent-subscription.js';

/**
 * A non-persistent topic (`non-persistent://...`, Pulsar's NonPersistentTopic): nothing is stored.
 * Each SEND is handed at once to every subscription, whose chosen consumer gets it only if it has
 * permits and a writable socket; otherwise the message is dropped for that subscription and
 * counted. The producer's receipt does not wait for anything.
 *
 * Message ids are (ledgerId, entryId) with one ledger id per loaded topic and an entry id counting
 * SENDs, so ids increase as clients expect (Pulsar answers 0:0 for every message, which some
 * clients' duplicate checks dislike). The ids mean nothing after the topic is reloaded.
 */
export class NonPersistentTopic {
  readonly persistent = false;
  state: TopicState = 'open';
  readonly log: Logger;
  readonly producers = new Set<Producer>();
  readonly subscriptions = new Map<string, NonPersistentSubscription>();
  msgInCounter = 0;
  bytesInCounter = 0;
  lastPublishTimestamp = 0;
  /** Messages dropped across subscriptions because no consumer could take them (stats msgDropRate). */
  droppedMessages = 0;
  /** Messages delivered by subscriptions that no longer exist (stats msgOutCounter keeps them). */
  msgOutCounterOfRemoved = 0;
  bytesOutCounterOfRemoved = 0;
  readonly createdAt: number;
  readonly rateIn: RateMeter;
  readonly throughputIn: RateMeter;
  private nextEntryId = 0;

  constructor(
    readonly name: string,
    readonly broker: BrokerService,
    /** The ledger id of every message id this topic hands out. */
    readonly ledgerId: number,
  ) {
    this.log = broker.log.child({ topic: name });
    this.createdAt = broker.clock.now();
    const now = () => broker.clock.now();
    this.rateIn = new RateMeter(now);
    this.throughputIn = new RateMeter(now);
  }

  addProducer(p: Producer): void {
    if (this.state !== 'open') throw serviceNotReady(`Topic ${this.name} is closing`);
    admitProducer(this.producers, p, this.name);
  }

  removeProducer(p: Producer): void {
    this.producers.delete(p);
  }

  /**
   * Delivers one SEND's entry to the subscriptions now. Resolves with its message id at once: there
   * is no storage to wait for (Pulsar acknowledges non-persistent publishes immediately too).
   */
  publish(p: Producer, data: Buffer, messages: number): Promise<Position> {
    if (this.state !== 'open') return Promise.reject(serviceNotReady(`Topic ${this.name} is closing`));
    const position = { ledgerId: this.ledgerId, entryId: this.nextEntryId++ };
    this.msgInCounter += messages;
    this.bytesInCounter += data.length;
    p.msgInCounter += messages;
    p.bytesInCounter += data.length;
    this.lastPublishTimestamp = this.broker.clock.now();
    const entry = { position, data };
    for (const sub of this.subscriptions.values()) {
      if (!sub.deliver(entry, messages)) this.droppedMessages += messages;
    }
    return Promise.resolve(position);
  }

  /** Attaches a consumer, creating the subscription when needed (CommandSubscribe). */
  subscribe(connection: ServerConnection, p: SubscribeParams): Consumer {
    if (this.state !== 'open') throw serviceNotReady(`Topic ${this.name} is closing`);
    let sub = this.subscriptions.get(p.subscription);
    const created = !sub;
    sub ??= new NonPersistentSubscription(this, p.subscription, p.subType);
    try {
      p.admit?.(sub.consumers.length);
      const c = sub.addConsumer(connection, p);
      if (created) this.subscriptions.set(p.subscription, sub);
      return c;
    } catch (err) {
      if (created) this.removeSubscription(sub);
      throw err;
    }
  }

  removeSubscription(sub: NonPersistentSubscription): void {
    if (this.subscriptions.get(sub.name) !== sub) return;
    this.subscriptions.delete(sub.name);
    this.msgOutCounterOfRemoved += sub.msgOutCounter;
    this.bytesOutCounterOfRemoved += sub.bytesOutCounter;
  }

  /** UNSUBSCRIBE: there is no state to delete beyond the subscription itself. */
  deleteSubscription(sub: NonPersistentSubscription): Promise<void> {
    this.removeSubscription(sub);
    return Promise.resolve();
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
  close(): Promise<void> {
    if (this.state !== 'open') return Promise.resolve();
    this.state = 'closing';
    for (const p of this.producers) p.closeFromBroker();
    this.producers.clear();
    for (const s of [...this.subscriptions.values()]) s.disconnectConsumers();
    this.state = 'closed';
    return Promise.resolve();
  }
}
