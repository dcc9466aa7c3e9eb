import type { MessageMetadata, PayloadSection } from '../connection/wire.js';
import type { Logger } from '../logger.js';
import { ChunkMessageId, MessageId } from '../message-id.js';
import type { Cancel, TimeSource } from '../util/clock.js';
import { ChunkAssembler, type ChunkAction } from './chunk-assembler.js';
import type { ResolvedConsumerConfig } from './types.js';

/** What the chunk intake needs from its partition consumer. */
export interface ChunkSink {
  /** Individually acknowledges these entries (chunks that will never form a message). */
  ackEntries(ids: MessageId[]): void;
  /** Hands these entries back to the broker, after the nack delay. */
  redeliverEntries(ids: MessageId[]): void;
  /** Delivers a reassembled message built from `payload` and the last chunk's metadata. */
  deliverChunked(
    id: ChunkMessageId,
    payload: Buffer,
    metadata: MessageMetadata,
    redeliveryCount: number,
  ): void;
}

/** Whether a MESSAGE carries one chunk of a larger message (MessageMetadata chunk fields). */
export function isChunk(metadata: MessageMetadata): boolean {
  return metadata.uuid !== undefined && (metadata.num_chunks_from_msg ?? 1) > 1;
}

const SHARED = 1;
const KEY_SHARED = 3;

/**
 * The consumer side of chunking for one partition: feeds chunks to the assembler, sweeps expired
 * incomplete messages on a timer, and remembers the chunks of every delivered chunked message
 * until it is acknowledged, so that acking (or nacking) its id covers all of them.
 *
 * Chunks that can never form a message are acknowledged, with a log line, except on Shared and
 * Key_Shared subscriptions: there a chunk whose first chunk went to another consumer is handed
 * back for redelivery until it is older than expireTimeOfIncompleteChunkedMessageMs, as the Java
 * client does, because the other consumer may still be reassembling that message.
 */
export class ChunkIntake {
  private readonly assembler: ChunkAssembler;
  private readonly delivered = new Map<string, MessageId[]>();
  private cancelSweep: Cancel | undefined;

  constructor(
    private readonly topic: string,
    private readonly partition: number,
    private readonly cfg: ResolvedConsumerConfig,
    private readonly time: TimeSource,
    private readonly log: Logger,
    private readonly sink: ChunkSink,
  ) {
    const shared = cfg.subType === SHARED || cfg.subType === KEY_SHARED;
    const expireMs = cfg.expireTimeOfIncompleteChunkedMessageMs;
    this.assembler = new ChunkAssembler({
      maxPendingMessages: cfg.maxPendingChunkedMessage,
      autoAckOldestOnFull: cfg.autoAckOldestChunkedMessageOnQueueFull,
      expireMs,
      now: () => time.now(),
      brokenChunks: (publishTime) =>
        shared && (expireMs <= 0 || time.now() < publishTime + expireMs) ? 'redeliver' : 'ack',
    });
  }

  get pendingMessages(): number {
    return this.assembler.pendingMessages;
  }

  /** One chunk arrived; returns whether it completed a message (which then costs its permit later). */
  onChunk(ledgerId: number, entryId: number, section: PayloadSection, redeliveryCount: number): boolean {
    const meta = section.metadata;
    const actions = this.assembler.add({
      uuid: meta.uuid ?? '',
      chunkId: Number(meta.chunk_id ?? -1),
      numChunks: Number(meta.num_chunks_from_msg ?? 0),
      totalSize: Number(meta.total_chunk_msg_size ?? -1),
      id: new MessageId(ledgerId, entryId, this.partition),
      payload: section.payload,
      publishTime: Number(meta.publish_time),
    });
    let completed = false;
    for (const a of actions) {
      if (a.type === 'complete') {
        completed = true;
        const id = new ChunkMessageId(a.ids[0], a.ids[a.ids.length - 1], a.ids);
        this.delivered.set(id.entryKey(), a.ids);
        this.sink.deliverChunked(id, a.payload, meta, redeliveryCount);
      } else {
        this.drop(a);
      }
    }
    this.armSweep();
    return completed;
  }

  /** Every chunk of the delivered chunked message `id` names, or undefined for a plain message. */
  chunksOf(id: MessageId): MessageId[] | undefined {
    // Called for every message acknowledged: skip building its key when no chunked message is out.
    const known = this.delivered.size === 0 ? undefined : this.delivered.get(id.entryKey());
    if (known) return known;
    return id instanceof ChunkMessageId ? [...id.entries()] : undefined;
  }

  /** The message left the application's hands (acked, nacked or redelivered). */
  forget(id: MessageId): void {
    this.delivered.delete(id.entryKey());
  }

  /** A cumulative ack up to `id` covers every delivered chunked message ending at or before it. */
  forgetUpTo(id: MessageId): void {
    for (const [key, ids] of this.delivered) {
      if (MessageId.compare(ids[ids.length - 1], id) <= 0) this.delivered.delete(key);
    }
  }

  /** Re-subscribe or seek: the broker sends every unacknowledged chunk again. */
  clear(): void {
    this.assembler.clear();
    this.delivered.clear();
    this.stopSweep();
  }

  close(): void {
    this.clear();
  }

  private drop(a: Exclude<ChunkAction, { type: 'complete' }>): void {
    const ids = a.ids.map(String).join(', ');
    const level = a.reason.includes('expired') || a.reason.includes('duplicate') ? 'info' : 'warn';
    this.log(
      level,
      `${this.topic}: ${a.type === 'ack' ? 'acknowledging' : 'redelivering'} chunks ${ids}: ${a.reason}`,
    );
    if (a.type === 'ack') this.sink.ackEntries(a.ids);
    else this.sink.redeliverEntries(a.ids);
  }

  /** Sweeps for expired messages while any are being reassembled. */
  private armSweep(): void {
    const expireMs = this.cfg.expireTimeOfIncompleteChunkedMessageMs;
    if (this.cancelSweep || expireMs <= 0 || this.assembler.pendingMessages === 0) return;
    const tickMs = Math.max(10, Math.min(expireMs / 4, 1000));
    this.cancelSweep = this.time.every(tickMs, () => {
      for (const a of this.assembler.expire()) if (a.type !== 'complete') this.drop(a);
      if (this.assembler.pendingMessages === 0) this.stopSweep();
    });
  }

  private stopSweep(): void {
    this.cancelSweep?.();
    this.cancelSweep = undefined;
  }
}
