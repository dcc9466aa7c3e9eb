import type { KeyValue } from '../connection/wire.js';
import type { MessageId } from '../message-id.js';

/** Fields a received message is built from (entry metadata overlaid by its batch slot's metadata). */
export interface MessageFields {
  topic: string;
  id: MessageId;
  data: Buffer;
  properties: KeyValue[] | undefined;
  partitionKey: string | undefined;
  orderingKey: Uint8Array | undefined;
  publishTime: number;
  eventTime: number;
  redeliveryCount: number;
  producerName: string;
}

/** A received message, with the accessors of the official Node client. */
export class Message {
  /** Which connection generation of its consumer delivered it; stale ones are dropped on reconnect. */
  epoch = 0;

  constructor(private readonly f: MessageFields) {}

  getTopicName(): string {
    return this.f.topic;
  }

  getMessageId(): MessageId {
    return this.f.id;
  }

  getData(): Buffer {
    return this.f.data;
  }

  getProperties(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const kv of this.f.properties ?? []) out[kv.key] = kv.value;
    return out;
  }

  getPartitionKey(): string | undefined {
    return this.f.partitionKey;
  }

  getOrderingKey(): Buffer | undefined {
    return this.f.orderingKey === undefined ? undefined : Buffer.from(this.f.orderingKey);
  }

  getPublishTimestamp(): number {
    return this.f.publishTime;
  }

  /** 0 when the producer set no event time, as in the official clients. */
  getEventTimestamp(): number {
    return this.f.eventTime;
  }

  getRedeliveryCount(): number {
    return this.f.redeliveryCount;
  }

  getProducerName(): string {
    return this.f.producerName;
  }
}
