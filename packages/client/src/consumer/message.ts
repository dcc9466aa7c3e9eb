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
  /** MessageMetadata / SingleMessageMetadata null_value: the message has no value at all. */
  nullValue?: boolean;
  /** MessageMetadata.schema_version: the version of the schema the producer wrote it with. */
  schemaVersion?: Uint8Array;
}

/**
 * A received message, with the accessors of the official Node client. `T` is the type of
 * `getValue()`: what the consumer's schema decodes (the raw Buffer without a schema).
 */
export class Message<T = unknown> {
  /** Which connection generation of its consumer delivered it; stale ones are dropped on reconnect. */
  epoch = 0;
  /** Internal: the partition consumer that received it (a PartitionConsumer; set by Consumer). */
  deliveredBy: unknown = undefined;
  private decode: ((data: Buffer) => unknown) | undefined;

  constructor(private readonly f: MessageFields) {}

  /** Set by a consumer with a schema, before the message is handed out. */
  decodeWith(decode: (data: Buffer) => unknown): void {
    this.decode = decode;
  }

  /** The value decoded with the consumer's schema; null for a null-value message. */
  getValue(): T | null {
    if (this.f.nullValue) return null;
    return (this.decode ? this.decode(this.f.data) : this.f.data) as T;
  }

  /** True when the producer sent no value (a tombstone on a compacted topic). */
  isNullValue(): boolean {
    return this.f.nullValue === true;
  }

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

  /** The version of the schema the message was written with; undefined when the producer had none. */
  getSchemaVersion(): Buffer | undefined {
    const v = this.f.schemaVersion;
    return v === undefined ? undefined : Buffer.from(v);
  }

  getProducerName(): string {
    return this.f.producerName;
  }
}
