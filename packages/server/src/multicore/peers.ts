/**
 * Calls from one worker of a multi-core standalone to another, relayed by the primary over the
 * IPC channels. They carry the few operations a worker must have done where a topic lives and
 * that a client cannot simply be redirected for: creating a partition at its owner while creating
 * a partitioned topic, deleting a namespace's topics at their owners, collecting metrics.
 * The channel is trusted (both ends are this program), so no credentials travel with a call.
 */
import type { IpcChannel } from './ipc/channel.js';

/** A call that failed at the other worker (or could not reach it); `statusCode` is its HTTP status. */
export class PeerCallError extends Error {
  readonly code = 'PEER_CALL_FAILED';
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = 'PeerCallError';
  }
}

export type PeerHandler = (args: unknown) => Promise<unknown>;

/** The longest a call may wait for its answer. */
const PEER_CALL_TIMEOUT_MS = 30_000;

export class PeerCalls {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly handlers = new Map<string, PeerHandler>();
  private readonly detach: () => void;

  constructor(
    private readonly channel: IpcChannel,
    readonly self: number,
  ) {
    this.detach = channel.onMessage((m) => {
      if (m.t === 'peer.res') {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.result);
        else p.reject(new PeerCallError(m.error, m.status));
      } else if (m.t === 'peer.req') {
        void this.serve(m.id, m.from, m.op, m.args);
      }
    });
  }

  /** Registers what this worker answers to `op`. */
  handle(op: string, handler: PeerHandler): void {
    this.handlers.set(op, handler);
  }

  /** Runs `op` on worker `to`; rejects with PeerCallError (503 when that worker is not running). */
  call(to: number, op: string, args: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(id))
          reject(new PeerCallError(`worker ${to} did not answer ${op} in time`, 504));
      }, PEER_CALL_TIMEOUT_MS);
      timer.unref();
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      if (!this.channel.send({ t: 'peer.req', id, from: this.self, to, op, args })) {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(new PeerCallError('the primary process is gone', 503));
      }
    });
  }

  close(): void {
    this.detach();
    for (const p of this.pending.values()) p.reject(new PeerCallError('worker shutting down', 503));
    this.pending.clear();
  }

  private async serve(id: number, from: number, op: string, args: unknown): Promise<void> {
    const handler = this.handlers.get(op);
    try {
      if (!handler) throw new PeerCallError(`unknown peer operation ${op}`, 500);
      const result = await handler(args);
      this.channel.send({ t: 'peer.res', id, to: from, ok: true, result: result ?? null });
    } catch (err) {
      const status = (err as { statusCode?: unknown }).statusCode;
      this.channel.send({
        t: 'peer.res',
        id,
        to: from,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
        status: typeof status === 'number' && Number.isInteger(status) ? status : 500,
      });
    }
  }
}
