import { CommandType } from '@magnetar/protocol';
import type { ServerConnection } from '../connection/server-connection.js';
import type { PersistentTopic } from './persistent-topic.js';

/** Access modes of CommandProducer.producer_access_mode that this broker implements. */
export type AccessMode = 'Shared' | 'Exclusive';

/** A producer attached to a topic through one connection (CommandProducer.producer_id). */
export class Producer {
  msgInCounter = 0;
  bytesInCounter = 0;
  /** Publishes handed to storage and not yet answered; receipts leave in this order. */
  pending = 0;
  readonly connectedSince: number;

  constructor(
    readonly topic: PersistentTopic,
    readonly connection: ServerConnection,
    readonly producerId: number,
    readonly name: string,
    readonly accessMode: AccessMode,
    readonly userProvidedName: boolean,
  ) {
    this.connectedSince = connection.broker.clock.now();
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
