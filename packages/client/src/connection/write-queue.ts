import { coalesceFrames } from './wire.js';

/** The part of a socket the queue uses (net.Socket and tls.TLSSocket both fit). */
export interface WritableSocket {
  write(data: Buffer): boolean;
  cork(): void;
  uncork(): void;
  readonly destroyed: boolean;
  on(event: 'drain', listener: () => void): unknown;
}

/**
 * Once this much is queued it goes out at once instead of at the end of the tick: a producer that
 * fills ten 100 KiB batches in one turn must not hold the first until the tenth is built, or the
 * broker (on the other core) sits idle meanwhile. 64 KiB is also what the broker reads per 'data'
 * event, and hundreds of small frames, so the syscall is still shared.
 */
const FLUSH_AT_BYTES = 64 * 1024;

/**
 * The client's one way out to a socket (STYLE.md, "Coalesce small writes"). Frames written during
 * one tick are sent together on `process.nextTick`, or as soon as `FLUSH_AT_BYTES` are queued: the
 * small ones copied into one buffer, so a producer that sends a thousand unbatched messages in one
 * turn costs a few `write`s instead of a thousand (each of which was a syscall). A tick runs after
 * the promise callbacks of the turn, so SENDs issued from receipt handlers join the same flush.
 * Order is the order of `write` calls.
 *
 * Back-pressure: once `socket.write` returns false, nothing more is handed to the socket until it
 * emits 'drain'; frames written meanwhile wait here (in order) and go out together then. The
 * callers bound how much that is (the producer's pending queue, the consumer's receiver queue).
 */
export class WriteQueue {
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private scheduled = false;
  /** The socket's buffer passed its high-water mark; waiting for 'drain'. */
  private blocked = false;

  constructor(private readonly socket: WritableSocket) {
    socket.on('drain', () => {
      this.blocked = false;
      if (this.queue.length > 0) this.schedule();
    });
  }

  /** Frames waiting for the next flush (or for 'drain'). */
  get pendingFrames(): number {
    return this.queue.length;
  }

  /** True while the socket's buffer is over its high-water mark. */
  get isBlocked(): boolean {
    return this.blocked;
  }

  write(frame: Buffer): void {
    this.queue.push(frame);
    this.queuedBytes += frame.length;
    if (this.blocked) return;
    if (this.queuedBytes >= FLUSH_AT_BYTES) this.flush();
    else this.schedule();
  }

  /**
   * Hands everything queued to the socket now, unless it is blocked (a caller about to destroy the
   * socket flushes first, so that frames written just before still leave as they used to).
   */
  flushNow(): void {
    this.flush();
  }

  /** Forgets queued frames (the socket is gone; the reconnect path resends what matters). */
  clear(): void {
    this.queue = [];
    this.queuedBytes = 0;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(this.flush);
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const q = this.queue;
    if (q.length === 0 || this.blocked) return;
    if (this.socket.destroyed) {
      this.clear();
      return;
    }
    this.queue = [];
    this.queuedBytes = 0;
    let ok: boolean;
    if (q.length === 1) ok = this.socket.write(q[0]);
    else {
      const out = coalesceFrames(q);
      if (out.length === 1) ok = this.socket.write(out[0]);
      else {
        // One writev for the pieces (runs of small frames, each large frame).
        this.socket.cork();
        ok = true;
        for (const b of out) ok = this.socket.write(b);
        this.socket.uncork();
      }
    }
    if (!ok) this.blocked = true;
  };
}
