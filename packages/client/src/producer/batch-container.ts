import { encodeBatch, type MessageMetadata, type SingleMessageMetadata } from '../connection/wire.js';
import { singleMetadata } from './message-metadata.js';
import type { ProducerMessage, SendCallback } from './types.js';

interface BatchItem {
  metadata: SingleMessageMetadata;
  payload: Buffer;
  sequenceId: number;
  callback: SendCallback;
}

/** A closed batch, ready to be compressed and framed as one SEND. */
export interface BuiltBatch {
  metadata: MessageMetadata;
  /** The uncompressed batch payload. */
  payload: Buffer;
  sequenceId: number;
  highestSequenceId: number;
  numMessages: number;
  callbacks: SendCallback[];
}

/**
 * What the producer batches into: the default single container, or one container per key
 * (KeyBasedBatchContainer). The producer decides when to flush (full, timer, explicit flush).
 */
export interface BatchBuilder {
  readonly size: number;
  isEmpty(): boolean;
  /** Whether `msg` fits; an empty builder always accepts, so one large message still goes out. */
  hasRoomFor(msg: ProducerMessage): boolean;
  isFull(): boolean;
  add(msg: ProducerMessage, sequenceId: number, callback: SendCallback): void;
  /** Frames every open batch, in sequence-id order, and empties the builder. */
  buildAll(producerName: string, now: number): BuiltBatch[];
  failAll(err: unknown): void;
}

/**
 * Collects messages into one batch entry until it holds `maxMessages` messages or `maxBytes` of
 * payload, and frames them (SingleMessageMetadata per message, protocol §1.7).
 */
export class BatchContainer implements BatchBuilder {
  private items: BatchItem[] = [];
  private bytes = 0;

  constructor(
    private readonly maxMessages: number,
    private readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.items.length;
  }

  isEmpty(): boolean {
    return this.items.length === 0;
  }

  /** Whether `msg` fits; an empty batch always accepts, so one large message still goes out. */
  hasRoomFor(msg: ProducerMessage): boolean {
    if (this.items.length === 0) return true;
    return this.items.length < this.maxMessages && this.bytes + msg.data.length <= this.maxBytes;
  }

  isFull(): boolean {
    return this.items.length >= this.maxMessages || this.bytes >= this.maxBytes;
  }

  add(msg: ProducerMessage, sequenceId: number, callback: SendCallback): void {
    this.items.push({ metadata: singleMetadata(msg, sequenceId), payload: msg.data, sequenceId, callback });
    this.bytes += msg.data.length;
  }

  buildAll(producerName: string, now: number): BuiltBatch[] {
    return this.isEmpty() ? [] : [this.build(producerName, now)];
  }

  /** Bytes of payload collected so far. */
  get payloadBytes(): number {
    return this.bytes;
  }

  /**
   * Frames the collected messages and empties the container. The entry metadata carries the first
   * message's partition and ordering key, as the Java client's batch container copies them: the
   * broker reads a batch's Key_Shared sticky key from the entry, so with key-based batching (one key
   * per batch) every message of the batch goes to the consumer that owns its key.
   */
  build(producerName: string, now: number): BuiltBatch {
    const items = this.items;
    this.items = [];
    this.bytes = 0;
    const first = items[0];
    const last = items[items.length - 1];
    // Each item already has the { metadata, payload } shape the batch framing reads.
    const payload = encodeBatch(items);
    const metadata: MessageMetadata = {
      producer_name: producerName,
      sequence_id: first.sequenceId,
      publish_time: now,
      num_messages_in_batch: items.length,
      // The broker's deduplication records the last message of a batch, not the first, so that
      // PRODUCER_SUCCESS.last_sequence_id after a restart points past every message of the batch.
      highest_sequence_id: last.sequenceId,
    };
    if (first.metadata.partition_key !== undefined) metadata.partition_key = first.metadata.partition_key;
    if (first.metadata.ordering_key !== undefined) metadata.ordering_key = first.metadata.ordering_key;
    return {
      metadata,
      payload,
      sequenceId: first.sequenceId,
      highestSequenceId: last.sequenceId,
      numMessages: items.length,
      callbacks: items.map((i) => i.callback),
    };
  }

  /** Fails every collected message (producer closed or failed) and empties the container. */
  failAll(err: unknown): void {
    for (const i of this.items.splice(0)) i.callback.reject(err);
    this.bytes = 0;
  }
}
