import type { MessageId } from '../message-id.js';

/** One received chunk: MessageMetadata uuid, chunk_id, num_chunks_from_msg, total_chunk_msg_size. */
export interface ChunkInfo {
  uuid: string;
  chunkId: number;
  numChunks: number;
  totalSize: number;
  /** The stored entry that carried this chunk. */
  id: MessageId;
  /** The chunk's bytes of the (possibly compressed) message payload. */
  payload: Buffer;
  publishTime: number;
}

/**
 * What the consumer must do after a chunk arrives or time passes: deliver a completed message, or
 * acknowledge / ask to redeliver chunks that will never form a message. Every entry handed to
 * `add` ends up in exactly one action (or stays pending), which is what keeps the subscription
 * free of ack holes; the property tests check that.
 */
export type ChunkAction =
  | { type: 'complete'; ids: MessageId[]; payload: Buffer }
  | { type: 'ack'; ids: MessageId[]; reason: string }
  | { type: 'redeliver'; ids: MessageId[]; reason: string };

export interface ChunkAssemblerOptions {
  /** At most this many messages are being reassembled at once (maxPendingChunkedMessage). */
  maxPendingMessages: number;
  /** When full: acknowledge the oldest incomplete message (true) or have it redelivered (false). */
  autoAckOldestOnFull: boolean;
  /** An incomplete message older than this is dropped and its chunks acknowledged; 0 never. */
  expireMs: number;
  now: () => number;
  /**
   * What to do with chunks that can never form a message here (a chunk whose first chunk this
   * consumer never saw, or a gap in the sequence), given the chunk's publish time.
   */
  brokenChunks: (publishTime: number) => 'ack' | 'redeliver';
}

/** One message being reassembled (the Java client's ChunkedMessageCtx). */
interface Pending {
  numChunks: number;
  totalSize: number;
  ids: MessageId[];
  parts: Buffer[];
  bytes: number;
  lastChunkId: number;
  createdAt: number;
}

function sameEntry(a: MessageId, b: MessageId): boolean {
  return a.ledgerId === b.ledgerId && a.entryId === b.entryId;
}

/**
 * Reassembles chunked messages (PIP-37) on the consumer side, bounded in the number of messages in
 * progress and in their age. Pure state: it returns actions instead of sending anything, so the
 * partition consumer owns the wire and tests can drive it directly.
 */
export class ChunkAssembler {
  /** In first-chunk arrival order: the first entry is the oldest (Map keeps insertion order). */
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly opts: ChunkAssemblerOptions) {}

  get pendingMessages(): number {
    return this.pending.size;
  }

  add(chunk: ChunkInfo): ChunkAction[] {
    const { uuid, chunkId, numChunks, totalSize } = chunk;
    const valid =
      Number.isInteger(chunkId) && chunkId >= 0 && chunkId < numChunks && totalSize >= 0 && uuid !== '';
    if (!valid) return [{ type: 'ack', ids: [chunk.id], reason: 'malformed chunk metadata' }];
    const actions: ChunkAction[] = [];
    if (chunkId === 0) this.begin(chunk, actions);
    const ctx = this.pending.get(uuid);
    if (!ctx) {
      actions.push(this.broken([chunk.id], chunk.publishTime, 'chunk without its first chunk'));
      return actions;
    }
    if (chunkId !== 0 && chunkId <= ctx.lastChunkId) {
      // The same entry again is a redelivery of what we hold; another entry is a stored duplicate
      // (a producer resent the chunk) that no message will ever cover, so it is acknowledged.
      if (!ctx.ids.some((id) => sameEntry(id, chunk.id))) {
        actions.push({ type: 'ack', ids: [chunk.id], reason: 'duplicate chunk' });
      }
      return actions;
    }
    if (chunkId !== ctx.lastChunkId + 1 || numChunks !== ctx.numChunks || totalSize !== ctx.totalSize) {
      this.pending.delete(uuid);
      actions.push(this.broken([...ctx.ids, chunk.id], chunk.publishTime, 'chunk out of sequence'));
      return actions;
    }
    this.append(ctx, chunk);
    if (ctx.bytes > ctx.totalSize || (chunkId === numChunks - 1 && ctx.bytes !== ctx.totalSize)) {
      this.pending.delete(uuid);
      actions.push({ type: 'ack', ids: ctx.ids, reason: 'chunk sizes do not add up to the total' });
    } else if (chunkId === numChunks - 1) {
      this.pending.delete(uuid);
      actions.push({ type: 'complete', ids: ctx.ids, payload: Buffer.concat(ctx.parts, ctx.bytes) });
    }
    return actions;
  }

  /** Drops the messages older than expireMs; their chunks are acknowledged. */
  expire(): ChunkAction[] {
    if (this.opts.expireMs <= 0) return [];
    const cutoff = this.opts.now() - this.opts.expireMs;
    const actions: ChunkAction[] = [];
    for (const [uuid, ctx] of this.pending) {
      if (ctx.createdAt > cutoff) continue;
      this.pending.delete(uuid);
      actions.push({ type: 'ack', ids: ctx.ids, reason: 'incomplete chunked message expired' });
    }
    return actions;
  }

  /** Forgets everything (after a re-subscribe or seek the broker sends the chunks again). */
  clear(): void {
    this.pending.clear();
  }

  /** A first chunk: starts a message, replacing one with the same uuid, evicting the oldest if full. */
  private begin(chunk: ChunkInfo, actions: ChunkAction[]): void {
    const old = this.pending.get(chunk.uuid);
    if (old) {
      this.pending.delete(chunk.uuid);
      // Seeing our own first entry again means the broker is redelivering the message: its chunks
      // come again and nothing is lost. Different entries mean the producer restarted the message,
      // so the chunks held so far belong to a copy that can never complete.
      if (!sameEntry(old.ids[0], chunk.id)) {
        actions.push({ type: 'ack', ids: old.ids, reason: 'chunked message restarted by its producer' });
      }
    }
    const max = Math.max(1, this.opts.maxPendingMessages);
    if (this.pending.size >= max) {
      const [oldestUuid, oldest] = this.pending.entries().next().value as [string, Pending];
      this.pending.delete(oldestUuid);
      const reason = 'too many chunked messages in progress (maxPendingChunkedMessage)';
      actions.push({ type: this.opts.autoAckOldestOnFull ? 'ack' : 'redeliver', ids: oldest.ids, reason });
    }
    this.pending.set(chunk.uuid, {
      numChunks: chunk.numChunks,
      totalSize: chunk.totalSize,
      ids: [],
      parts: [],
      bytes: 0,
      lastChunkId: -1,
      createdAt: this.opts.now(),
    });
  }

  private append(ctx: Pending, chunk: ChunkInfo): void {
    ctx.ids.push(chunk.id);
    ctx.parts.push(chunk.payload);
    ctx.bytes += chunk.payload.length;
    ctx.lastChunkId = chunk.chunkId;
  }

  private broken(ids: MessageId[], publishTime: number, reason: string): ChunkAction {
    return { type: this.opts.brokenChunks(publishTime), ids, reason };
  }
}
