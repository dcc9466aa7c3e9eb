import { BatchContainer, type BatchBuilder, type BuiltBatch } from './batch-container.js';
import { batchingKeyOf } from './message-metadata.js';
import type { ProducerMessage, SendCallback } from './types.js';

/**
 * Key-based batching (the Java client's BatchMessageKeyBasedContainer): one open batch per key, so
 * that every batch entry holds messages of a single key, which is what a Key_Shared subscription
 * needs to hand a whole entry to the consumer owning that key. The limits (maxMessages, maxBytes)
 * apply to all open batches together, as in Java, so memory stays bounded however many keys there
 * are. Batches are framed in order of their first sequence id, keeping receipts in SEND order.
 */
export class KeyBasedBatchContainer implements BatchBuilder {
  private readonly batches = new Map<string, BatchContainer>();
  private messages = 0;
  private bytes = 0;

  constructor(
    private readonly maxMessages: number,
    private readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.messages;
  }

  /** Number of keys with an open batch. */
  get keys(): number {
    return this.batches.size;
  }

  isEmpty(): boolean {
    return this.messages === 0;
  }

  hasRoomFor(msg: ProducerMessage): boolean {
    if (this.messages === 0) return true;
    return this.messages < this.maxMessages && this.bytes + msg.data.length <= this.maxBytes;
  }

  isFull(): boolean {
    return this.messages >= this.maxMessages || this.bytes >= this.maxBytes;
  }

  add(msg: ProducerMessage, sequenceId: number, callback: SendCallback): void {
    const key = batchingKeyOf(msg);
    let batch = this.batches.get(key);
    if (!batch) {
      // Each per-key container may grow to the shared limits; the shared counters stop it first.
      batch = new BatchContainer(this.maxMessages, this.maxBytes);
      this.batches.set(key, batch);
    }
    batch.add(msg, sequenceId, callback);
    this.messages++;
    this.bytes += msg.data.length;
  }

  buildAll(producerName: string, now: number): BuiltBatch[] {
    const built = [...this.batches.values()].map((b) => b.build(producerName, now));
    this.batches.clear();
    this.messages = 0;
    this.bytes = 0;
    return built.sort((a, b) => a.sequenceId - b.sequenceId);
  }

  failAll(err: unknown): void {
    for (const b of this.batches.values()) b.failAll(err);
    this.batches.clear();
    this.messages = 0;
    this.bytes = 0;
  }
}
