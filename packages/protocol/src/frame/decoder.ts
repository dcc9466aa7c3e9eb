import { MAX_FRAME_SIZE_DEFAULT } from './constants.js';
import { ProtocolError } from '../errors.js';
import { decodeBaseCommand } from '../messages.js';
import { decodeHotCommand } from '../hot/decode.js';
import { parsePayloadSection } from './payload.js';
import type { Frame } from './types.js';

/** Chunks up to this size are copied into a shared staging buffer instead of queued one by one. */
const SMALL_CHUNK_BYTES = 512;
const STAGING_BYTES = 16 * 1024;

export interface FrameDecoderOptions {
  /** Largest accepted totalSize (bytes after the size field); default 5 MiB + 10 KiB. */
  maxFrameSize?: number;
}

/**
 * Cuts a TCP byte stream into frames. Chunks are kept as a list and joined only once a whole frame
 * has arrived (and not at all when the frame sits inside one chunk), so any chunking costs linear
 * time. Small chunks (a peer trickling bytes) are gathered into 16 KiB staging buffers, so the
 * number of queued chunk objects stays proportional to the bytes, not to the reads. A frame's size is checked against `maxFrameSize` as soon as its 4-byte prefix is known,
 * before any of its body is gathered.
 *
 * After `next()` throws, the stream position is lost: the decoder keeps throwing and the caller
 * must close the connection.
 */
export class FrameDecoder {
  private frameLimit: number;
  private chunks: Buffer[] = [];
  /** Bytes of chunks[0] already consumed. */
  private headOffset = 0;
  private buffered = 0;
  /** The staging buffer that the last queued chunk views, while it has room. */
  private staging: { buf: Buffer; used: number } | undefined;
  private failure: ProtocolError | undefined;

  constructor(options?: FrameDecoderOptions) {
    this.frameLimit = options?.maxFrameSize ?? MAX_FRAME_SIZE_DEFAULT;
  }

  /** Largest accepted totalSize right now. */
  get maxFrameSize(): number {
    return this.frameLimit;
  }

  /**
   * Changes the frame limit for frames whose size prefix has not been checked yet. A broker starts
   * a connection with a small limit and raises it once CONNECT succeeds, so a peer that has not
   * authenticated cannot make it buffer a large frame.
   */
  setMaxFrameSize(bytes: number): void {
    this.frameLimit = bytes;
  }

  /** Bytes pushed but not yet returned as frames. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.buffered += chunk.length;
    if (chunk.length <= SMALL_CHUNK_BYTES) {
      this.pushSmall(chunk);
    } else {
      this.staging = undefined;
      this.chunks.push(chunk);
    }
  }

  /** Appends a small chunk to the staging buffer, which the last queued chunk views. */
  private pushSmall(chunk: Buffer): void {
    const s = this.staging;
    if (s === undefined || s.used + chunk.length > s.buf.length) {
      const buf = Buffer.allocUnsafe(STAGING_BYTES);
      chunk.copy(buf, 0);
      this.staging = { buf, used: chunk.length };
      this.chunks.push(buf.subarray(0, chunk.length));
      return;
    }
    chunk.copy(s.buf, s.used);
    s.used += chunk.length;
    // Earlier bytes of the staging buffer never change, so views handed out stay valid.
    this.chunks[this.chunks.length - 1] = s.buf.subarray(0, s.used);
  }

  /** The next complete frame, or null if more bytes are needed. Throws ProtocolError on bad input. */
  next(): Frame | null {
    if (this.failure !== undefined) throw this.failure;
    if (this.buffered < 4) return null;
    const totalSize = this.peekUInt32();
    try {
      this.checkTotalSize(totalSize);
    } catch (err) {
      this.failure = err as ProtocolError;
      throw err;
    }
    if (this.buffered < 4 + totalSize) return null;
    const bytes = this.take(4 + totalSize);
    try {
      return parseFrame(bytes);
    } catch (err) {
      this.failure =
        err instanceof ProtocolError
          ? err
          : new ProtocolError('MALFORMED_FRAME', String(err), { cause: err });
      throw this.failure;
    }
  }

  private checkTotalSize(totalSize: number): void {
    if (totalSize > this.frameLimit) {
      throw new ProtocolError(
        'FRAME_TOO_LARGE',
        `frame of ${totalSize} bytes exceeds the limit of ${this.frameLimit}`,
      );
    }
    if (totalSize < 4) throw new ProtocolError('MALFORMED_FRAME', `frame size ${totalSize} below 4`);
  }

  /** Reads the big-endian u32 at the head, which may span chunks. */
  private peekUInt32(): number {
    const head = this.chunks[0];
    if (head.length - this.headOffset >= 4) return head.readUInt32BE(this.headOffset);
    let value = 0;
    let needed = 4;
    let offset = this.headOffset;
    for (let i = 0; needed > 0; i++) {
      const chunk = this.chunks[i];
      for (let j = i === 0 ? offset : 0; j < chunk.length && needed > 0; j++, needed--) {
        value = value * 256 + chunk[j];
      }
      offset = 0;
    }
    return value;
  }

  /** Removes `n` buffered bytes; a view when they lie in one chunk, else one copy. */
  private take(n: number): Buffer {
    const head = this.chunks[0];
    const available = head.length - this.headOffset;
    let out: Buffer;
    if (available >= n) {
      out = head.subarray(this.headOffset, this.headOffset + n);
      this.headOffset += n;
      if (this.headOffset === head.length) {
        this.chunks.shift();
        this.headOffset = 0;
      }
    } else {
      out = Buffer.allocUnsafe(n);
      let written = 0;
      let used = 0;
      while (written < n) {
        const chunk = this.chunks[used];
        const from = used === 0 ? this.headOffset : 0;
        const count = Math.min(chunk.length - from, n - written);
        chunk.copy(out, written, from, from + count);
        written += count;
        if (from + count === chunk.length) {
          used++;
          this.headOffset = 0;
        } else {
          this.headOffset = from + count;
        }
      }
      this.chunks.splice(0, used);
    }
    this.buffered -= n;
    // The staging view is always the last chunk; once it is consumed, stop appending to it.
    if (this.chunks.length === 0) this.staging = undefined;
    return out;
  }
}

/** Parses one whole frame, `bytes` starting at its totalSize field. */
export function parseFrame(bytes: Buffer): Frame {
  const totalSize = bytes.length - 4;
  if (totalSize < 4) throw new ProtocolError('MALFORMED_FRAME', `frame size ${totalSize} below 4`);
  const commandSize = bytes.readUInt32BE(4);
  if (commandSize > totalSize - 4) {
    throw new ProtocolError(
      'MALFORMED_FRAME',
      `command size ${commandSize} exceeds frame size ${totalSize} - 4`,
    );
  }
  const commandEnd = 8 + commandSize;
  // The hot commands by hand (hot/decode.ts); anything it does not take, by the generic codec.
  const command = decodeHotCommand(bytes, 8, commandEnd) ?? decodeBaseCommand(bytes, 8, commandEnd);
  // Without its type a command cannot be dispatched; no client leaves it out.
  if (command.type === undefined) throw new ProtocolError('MALFORMED_FRAME', 'command without a type');
  if (commandEnd === bytes.length) return { command, frameSize: bytes.length };
  return { command, payload: parsePayloadSection(bytes, commandEnd, bytes.length), frameSize: bytes.length };
}
