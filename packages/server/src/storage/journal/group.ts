/**
 * A commit group: the records of every ledger that arrived in one window, encoded back to back
 * into a few large buffers, written with one writev and made durable with one fdatasync.
 */
import type { JournalOp } from './journal-op.js';

/** Chunks of this size are recycled between groups; larger records get a chunk of their own size. */
export const POOLED_CHUNK_BYTES = 256 * 1024;
const MAX_POOLED_CHUNKS = 16;
const chunkPool: Buffer[] = [];

export type GroupState =
  /** Receiving records; its timer is running. */
  | 'open'
  /** Complete (timer fired, size reached or segment full); waiting for the single flush slot. */
  | 'due'
  /** Being written and synced. */
  | 'flushing'
  /** Written and synced; its ops are answered. */
  | 'durable'
  /** The write or sync failed; its ops were rejected. */
  | 'failed';

export class Group {
  state: GroupState = 'open';
  readonly ops: JournalOp[] = [];
  /** Bytes encoded so far. */
  bytes = 0;
  /** Offset in the buffer returned by the last `reserve`. */
  reservedAt = 0;
  private readonly chunks: Buffer[] = [];
  private chunk: Buffer | null = null;
  private used = 0;

  constructor(
    /** Segment the group is written to. */
    readonly segment: number,
    /** Offset in that segment of the group's first byte. */
    readonly baseOffset: number,
    /** True when this is the first group of its segment (the journal rolls before writing it). */
    readonly startsSegment: boolean,
  ) {}

  /** Reserves `size` contiguous bytes; returns the buffer and sets `reservedAt` to their offset in it. */
  reserve(size: number): Buffer {
    if (this.chunk === null || this.chunk.length - this.used < size) {
      if (this.chunk !== null) this.chunks.push(this.chunk.subarray(0, this.used));
      this.chunk =
        size <= POOLED_CHUNK_BYTES
          ? (chunkPool.pop() ?? Buffer.allocUnsafeSlow(POOLED_CHUNK_BYTES))
          : Buffer.allocUnsafeSlow(size);
      this.used = 0;
    }
    this.reservedAt = this.used;
    this.used += size;
    this.bytes += size;
    return this.chunk;
  }

  /** The encoded bytes, in order, for writev. */
  buffers(): Buffer[] {
    if (this.chunk !== null) {
      this.chunks.push(this.chunk.subarray(0, this.used));
      this.chunk = null;
    }
    return this.chunks;
  }

  /** Returns pooled chunks once the bytes are on disk (reads are served by pread, not from these). */
  recycle(): void {
    for (const c of this.chunks) {
      if (c.buffer.byteLength === POOLED_CHUNK_BYTES && chunkPool.length < MAX_POOLED_CHUNKS) {
        chunkPool.push(Buffer.from(c.buffer, 0, POOLED_CHUNK_BYTES));
      }
    }
    this.chunks.length = 0;
  }
}
