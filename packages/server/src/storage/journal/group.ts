/**
 * A commit group: the records of every ledger that arrived in one window, written with one writev
 * and made durable with one fdatasync. Small records are encoded back to back into a few large
 * pooled chunks; a large entry handed over by its caller is not copied: only its record header goes
 * into the chunk, and the entry's own buffer follows it as the next writev buffer.
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
  /** Bytes encoded or attached so far. */
  bytes = 0;
  /** Offset in the buffer returned by the last `reserve`. */
  reservedAt = 0;
  /** What writev will write, in order: pieces of chunks and attached entry buffers. */
  private readonly parts: Buffer[] = [];
  /** Chunks allocated from or for the pool; only these go back to it (never an attached buffer). */
  private readonly pooled: Buffer[] = [];
  private chunk: Buffer | null = null;
  private used = 0;
  /** Start in `chunk` of the bytes not yet in `parts`. */
  private partStart = 0;

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
      this.closePart();
      if (size <= POOLED_CHUNK_BYTES) {
        this.chunk = chunkPool.pop() ?? Buffer.allocUnsafeSlow(POOLED_CHUNK_BYTES);
        this.pooled.push(this.chunk);
      } else {
        this.chunk = Buffer.allocUnsafeSlow(size);
      }
      this.used = 0;
      this.partStart = 0;
    }
    this.reservedAt = this.used;
    this.used += size;
    this.bytes += size;
    return this.chunk;
  }

  /**
   * Adds `data` right after the bytes reserved so far, without copying it: the caller guarantees
   * the buffer is not changed until the group is durable. Later reserves continue in the same chunk.
   */
  attach(data: Buffer): void {
    this.closePart();
    this.parts.push(data);
    this.bytes += data.length;
  }

  /** The group's bytes, in order, for writev. */
  buffers(): Buffer[] {
    this.closePart();
    this.chunk = null;
    return this.parts;
  }

  /** Returns pooled chunks once the bytes are on disk (reads are served by pread, not from these). */
  recycle(): void {
    for (const c of this.pooled) if (chunkPool.length < MAX_POOLED_CHUNKS) chunkPool.push(c);
    this.pooled.length = 0;
    this.parts.length = 0;
  }

  /** Moves the chunk's bytes reserved since the last part into `parts`. */
  private closePart(): void {
    if (this.chunk === null || this.used === this.partStart) return;
    this.parts.push(this.chunk.subarray(this.partStart, this.used));
    this.partStart = this.used;
  }
}
