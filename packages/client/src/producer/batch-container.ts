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
 * Collects messages into one batch entry until it holds `maxMessages` messages or `maxBytes` of
 * payload. The producer decides when to flush (full, timer, explicit flush); this class only keeps
 * the messages and frames them (SingleMessageMetadata per message, protocol §1.7).
 */
export class BatchContainer {
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

  /** Frames the collected messages and empties the container. */
  build(producerName: string, now: number): BuiltBatch {
    const items = this.items;
    this.items = [];
    this.bytes = 0;
    const first = items[0];
    const last = items[items.length - 1];
    const payload = encodeBatch(items.map((i) => ({ metadata: i.metadata, payload: i.payload })));
    const metadata: MessageMetadata = {
      producer_name: producerName,
      sequence_id: first.sequenceId,
      publish_time: now,
      num_messages_in_batch: items.length,
    };
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
