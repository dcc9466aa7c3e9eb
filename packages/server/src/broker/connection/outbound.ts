import type { Socket } from 'node:net';
import { coalesceFrames } from '@magnetar/protocol';

/**
 * Once this much is queued it is written at once instead of at the end of the tick, so that a
 * dispatcher delivering a long read batch does not hold the first frames until the last is queued.
 */
const FLUSH_AT_BYTES = 64 * 1024;

/**
 * The one place where a connection's bytes go out (STYLE.md, "Back-pressure in one place each way").
 * Frames queued during one tick (or until `FLUSH_AT_BYTES` are queued) are written together: runs
 * of small frames copied into one buffer (`coalesceFrames`), large ones as they are, inside
 * cork/uncork, so a burst of MESSAGE or SEND_RECEIPT frames becomes one write of a few buffers
 * rather than a writev of one iovec per frame. When the socket's buffer is full, `writable` turns
 * false until 'drain', and dispatchers stop reading for this connection; a peer that never drains
 * is dropped after `maxBufferedBytes` (checked at the end of the tick, never inside `write`).
 */
export class Outbound {
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  /** Something was written since the last overflow check. */
  private wrote = false;
  private scheduled = false;
  private blocked = false;
  private readonly drainListeners = new Set<() => void>();

  constructor(
    private readonly socket: Socket,
    private readonly maxBufferedBytes: number,
    private readonly onOverflow: () => void,
  ) {
    socket.on('drain', () => {
      this.blocked = false;
      for (const l of [...this.drainListeners]) l();
    });
  }

  /** True while the socket accepts more without buffering past its high-water mark. */
  get writable(): boolean {
    return !this.blocked && !this.socket.destroyed;
  }

  write(buf: Buffer): void {
    this.queue.push(buf);
    this.queuedBytes += buf.length;
    if (this.queuedBytes >= FLUSH_AT_BYTES) this.writeQueued();
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flush);
    }
  }

  /** Writes whatever is queued now (before the socket is ended). */
  flushNow(): void {
    this.flush();
  }

  /** Calls `fn` every time the socket drains; returns an unsubscribe function. */
  onDrain(fn: () => void): () => void {
    this.drainListeners.add(fn);
    return () => this.drainListeners.delete(fn);
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    this.writeQueued();
    if (!this.wrote) return;
    this.wrote = false;
    if (this.socket.writableLength > this.maxBufferedBytes) this.onOverflow();
  };

  /** Hands everything queued to the socket (nothing once it is ended or destroyed). */
  private writeQueued(): void {
    const q = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    if (q.length === 0 || this.socket.destroyed || this.socket.writableEnded) return;
    const out = q.length === 1 ? q : coalesceFrames(q);
    this.socket.cork();
    let ok = true;
    for (const b of out) ok = this.socket.write(b);
    this.socket.uncork();
    this.wrote = true;
    if (!ok) this.blocked = true;
  }
}
