import { CommandType } from '@magnetar/protocol';
import type { ServerConnection } from '../connection/server-connection.js';
import { producerBusy } from '../errors.js';
import type { Topic } from './topic.js';

/** Access modes of CommandProducer.producer_access_mode that this broker implements. */
export type AccessMode = 'Shared' | 'Exclusive';

/** A producer attached to a topic through one connection (CommandProducer.producer_id). */
export class Producer {
  msgInCounter = 0;
  bytesInCounter = 0;
  /** Publishes handed to storage and not yet answered; receipts leave in this order. */
  pending = 0;
  readonly connectedSince: number;
  /** Settles once every SEND answered so far has its receipt or error out. */
  private answered: Promise<unknown> = Promise.resolve();

  constructor(
    readonly topic: Topic,
    readonly connection: ServerConnection,
    readonly producerId: number,
    readonly name: string,
    readonly accessMode: AccessMode,
    readonly userProvidedName: boolean,
  ) {
    this.connectedSince = connection.broker.clock.now();
  }

  /**
   * `outcome`, settled only after every earlier SEND of this producer: clients match receipts to
   * their pending queue in SEND order, and a duplicate or a non-persistent publish can finish
   * before an earlier append does.
   */
  inSendOrder<T>(outcome: Promise<T>): Promise<T> {
    // Marked handled now: it may fail while earlier SENDs are still pending, before `next` reads it.
    outcome.catch(() => undefined);
    const next = this.answered.then(() => outcome);
    this.answered = next.catch(() => undefined);
    return next;
  }

  /** Broker-initiated close (unload, shutdown): the client looks the topic up again and re-creates (CommandCloseProducer). */
  closeFromBroker(): void {
    this.connection.producers.delete(this.producerId);
    this.connection.send({
      type: CommandType.CLOSE_PRODUCER,
      close_producer: { producer_id: this.producerId, request_id: -1 },
    });
  }
}

/**
 * Admits `p` among a topic's producers: names are unique per topic (ProducerBusy, which a client
 * retries while its previous connection is being noticed as gone), and an Exclusive producer
 * excludes every other one.
 */
export function admitProducer(producers: Set<Producer>, p: Producer, topicName: string): void {
  for (const other of producers) {
    if (other.name === p.name)
      throw producerBusy(`Producer with name '${p.name}' is already connected to topic ${topicName}`);
    if (other.accessMode === 'Exclusive') throw producerBusy(`Topic ${topicName} has an exclusive producer`);
  }
  if (p.accessMode === 'Exclusive' && producers.size > 0) {
    throw producerBusy(`Topic ${topicName} already has producers; exclusive access refused`);
  }
  producers.add(p);
}
