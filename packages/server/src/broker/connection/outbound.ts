import type { Socket } from 'node:net';

/**
 * The one place where a connection's bytes go out (STYLE.md, "Back-pressure in one place each way").
 * Frames queued during one tick are written together inside cork/uncork, so a burst of MESSAGE or
 * SEND_RECEIPT frames becomes a few large writes rather than one syscall each. When the socket's
 * buffer is full, `writable` turns false until 'drain', and dispatchers stop reading for this
 * connection; a peer that never drains is dropped after `maxBufferedBytes`.
 */
export class Outbound {
  private queue: Buffer[] = [];
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
    const q = this.queue;
    if (q.length === 0 || this.socket.destroyed) {
      this.queue = [];
      return;
    }
    this.queue = [];
    this.socket.cork();
    let ok = true;
    for (const b of q) ok = this.socket.write(b);
    this.socket.uncork();
    if (!ok) this.blocked = true;
    if (this.socket.writableLength > this.maxBufferedBytes) this.onOverflow();
  };
}
