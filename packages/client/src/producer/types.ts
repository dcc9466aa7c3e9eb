import type { MessageId } from '../message-id.js';
import type { Schema, SchemaInfo } from '../schema/schema.js';

export type CompressionTypeName = 'None' | 'LZ4' | 'Zlib' | 'ZSTD' | 'SNAPPY';
export type MessageRoutingMode = 'RoundRobinPartition' | 'SinglePartition' | 'CustomPartition';
export type HashingScheme = 'JavaStringHash' | 'Murmur3_32Hash';
/** DEFAULT: one open batch; KEY_BASED: one open batch per key, so each batch holds one key. */
export type BatchingType = 'DEFAULT' | 'KEY_BASED';

/** Options of `client.createProducer`, named as in the official Node client. */
export interface ProducerConfig<T = Buffer> {
  topic: string;
  /** Registers this schema with the topic and encodes `send({ value })` with it. */
  schema?: Schema<T>;
  producerName?: string;
  sendTimeoutMs?: number;
  maxPendingMessages?: number;
  blockIfQueueFull?: boolean;
  batchingEnabled?: boolean;
  batchingMaxMessages?: number;
  batchingMaxAllowedSizeInBytes?: number;
  batchingMaxPublishDelayMs?: number;
  /** KEY_BASED keeps one batch per key (ordering key, else partition key), for Key_Shared. */
  batchingType?: BatchingType;
  /**
   * Split messages larger than the broker's max_message_size into chunks (PIP-37). Needs batching
   * off, as in Pulsar; when batchingEnabled is not given, enabling chunking turns batching off.
   */
  chunkingEnabled?: boolean;
  /** Creates this subscription on the topic along with the producer (CommandProducer field 13). */
  initialSubscriptionName?: string;
  compressionType?: CompressionTypeName;
  accessMode?: 'Shared' | 'Exclusive';
  messageRoutingMode?: MessageRoutingMode;
  /**
   * Re-read a partitioned topic's partition count every partitionsAutoUpdateIntervalMs and start
   * producing to partitions added since (default true, as Java's autoUpdatePartitions).
   */
  autoUpdatePartitions?: boolean;
  /** How often the partition count is re-read (default 60 000 ms). */
  partitionsAutoUpdateIntervalMs?: number;
  hashingScheme?: HashingScheme;
  /** Used with messageRoutingMode 'CustomPartition': returns a partition index. */
  messageRouter?: (message: ProducerMessage, numPartitions: number) => number;
  properties?: Record<string, string>;
}

/** One message to publish. */
export interface ProducerMessage {
  data: Buffer;
  properties?: Record<string, string>;
  partitionKey?: string;
  orderingKey?: string | Buffer;
  eventTimestamp?: number;
  sequenceId?: number;
  /** Absolute delivery time in epoch ms (Shared subscriptions hold the message until then). */
  deliverAt?: number;
  /** Delivery delay relative to now, in ms. */
  deliverAfter?: number;
  /** No value at all (MessageMetadata.null_value): for compacted topics, deletes the key. */
  nullValue?: boolean;
  /**
   * Magnetar message priority, 0 (lowest) to 9 (highest): sets the `magnetar.priority` property,
   * honoured by Shared and Key_Shared subscriptions where the namespace enables priority. Such a
   * message is sent on its own (not batched), since the broker sees one level per entry.
   */
  priority?: number;
}

/** A message given as a value, encoded with the producer's schema; null sends a null value. */
export type TypedProducerMessage<T> = Omit<ProducerMessage, 'data' | 'nullValue'> & { value: T | null };

/** The resolved defaults every internal producer works with. */
export interface ResolvedProducerConfig {
  topic: string;
  producerName: string | undefined;
  sendTimeoutMs: number;
  maxPendingMessages: number;
  blockIfQueueFull: boolean;
  batchingEnabled: boolean;
  batchingMaxMessages: number;
  batchingMaxAllowedSizeInBytes: number;
  batchingMaxPublishDelayMs: number;
  batchingType: BatchingType;
  chunkingEnabled: boolean;
  initialSubscriptionName: string | undefined;
  compressionType: number;
  accessMode: number;
  properties: Record<string, string>;
  /** Sent in CommandProducer.schema; undefined sends none. */
  schema: SchemaInfo | undefined;
}

/** How a message's outcome is reported; always called as methods (`cb.resolve(id)`), exactly once. */
export interface SendCallback {
  resolve(id: MessageId): void;
  reject(err: unknown): void;
}
