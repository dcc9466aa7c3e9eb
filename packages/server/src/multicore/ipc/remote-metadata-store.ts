/**
 * A MetadataStore that lives in another process: a worker of a multi-core standalone uses it to
 * reach the primary's FileMetadataStore (served by ./metadata-server.ts). Each instance is one
 * session of that store: its ephemeral keys end when it closes or when its process dies, and its
 * watches hear every change, whichever worker made it, so policy changes reach every worker.
 *
 * Requests are answered in the order sent, and a watch event is sent before the answer to the
 * request that caused it, so `await put(...)` returns after the watchers of this process heard of
 * it, as with the local stores.
 */
import { BadVersionError, NotFoundError } from '../../metadata/types.js';
import type { GetResult, MetadataStore, PutOptions, Stat, WatchEvent } from '../../metadata/types.js';
import type { IpcChannel } from './channel.js';
import type { MetaFailure, MetaRequest, MetaResult } from './messages.js';

/** The store's life. */
type State =
  /** Serving requests. */
  | 'open'
  /** close() was called (or the channel closed); every call rejects. */
  | 'closed';

interface Pending {
  resolve(r: MetaResult): void;
  reject(e: Error): void;
}

/** Raised for every call once the channel to the primary is gone. */
export class MetadataUnavailableError extends Error {
  readonly code = 'METADATA_UNAVAILABLE';
  readonly retriable = true;
  constructor() {
    super('metadata store unavailable: the channel to the primary process is closed');
    this.name = 'MetadataUnavailableError';
  }
}

export class RemoteMetadataStore implements MetadataStore {
  private state: State = 'open';
  private nextId = 1;
  private nextWatch = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly watches = new Map<number, (e: WatchEvent) => void>();
  private readonly detach: () => void;

  constructor(private readonly channel: IpcChannel) {
    this.detach = channel.onMessage((m) => {
      if (m.t === 'meta.event') this.deliver(m.watch, m.event);
      else if (m.t === 'meta.ok') this.settle(m.id, (p) => p.resolve(m.res));
      else if (m.t === 'meta.fail') this.settle(m.id, (p) => p.reject(errorOf(m.err)));
    });
  }

  async get(path: string): Promise<GetResult | null> {
    const r = await this.call({ op: 'get', path });
    if (r.r === 'missing') return null;
    if (r.r !== 'node') throw unexpected(r);
    return { value: r.value, stat: r.stat };
  }

  async put(path: string, value: Uint8Array, options: PutOptions = {}): Promise<Stat> {
    const req: MetaRequest = { op: 'put', path, value: Buffer.from(value) };
    if (options.expectedVersion !== undefined) req.expectedVersion = options.expectedVersion;
    if (options.ephemeral !== undefined) req.ephemeral = options.ephemeral;
    const r = await this.call(req);
    if (r.r !== 'stat') throw unexpected(r);
    return r.stat;
  }

  async delete(path: string, expectedVersion?: number): Promise<void> {
    const req: MetaRequest = { op: 'delete', path };
    if (expectedVersion !== undefined) req.expectedVersion = expectedVersion;
    await this.call(req);
  }

  async children(path: string): Promise<string[]> {
    const r = await this.call({ op: 'children', path });
    if (r.r !== 'names') throw unexpected(r);
    return r.names;
  }

  async exists(path: string): Promise<boolean> {
    const r = await this.call({ op: 'exists', path });
    if (r.r !== 'bool') throw unexpected(r);
    return r.value;
  }

  watch(path: string, listener: (e: WatchEvent) => void): () => void {
    if (this.state !== 'open') throw new Error('metadata store is closed');
    const watch = this.nextWatch++;
    this.watches.set(watch, listener);
    // A refused watch (an invalid path) is reported by the primary's log; events just never come.
    this.call({ op: 'watch', path, watch }).catch(() => this.watches.delete(watch));
    return () => {
      if (!this.watches.delete(watch) || this.state !== 'open') return;
      this.call({ op: 'unwatch', watch }).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    // The primary ends the session (ephemeral keys, watches) before it answers.
    const closing = this.call({ op: 'close' }).catch(() => undefined);
    this.state = 'closed';
    this.watches.clear();
    await closing;
    this.detach();
  }

  /** The channel is gone (the primary died): every pending and later call fails. */
  channelClosed(): void {
    this.state = 'closed';
    this.watches.clear();
    for (const p of this.pending.values()) p.reject(new MetadataUnavailableError());
    this.pending.clear();
  }

  private call(req: MetaRequest): Promise<MetaResult> {
    if (this.state !== 'open') return Promise.reject(new Error('metadata store is closed'));
    const id = this.nextId++;
    return new Promise<MetaResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (!this.channel.send({ t: 'meta.req', id, req })) {
        this.pending.delete(id);
        reject(new MetadataUnavailableError());
      }
    });
  }

  private settle(id: number, how: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    how(p);
  }

  private deliver(watch: number, event: WatchEvent): void {
    const listener = this.watches.get(watch);
    if (!listener) return;
    try {
      listener(event);
    } catch {
      // A throwing listener must not stop the others (the local stores behave the same).
    }
  }
}

function errorOf(f: MetaFailure): Error {
  if (f.code === 'BAD_VERSION') return new BadVersionError(f.path, f.expected, f.actual);
  if (f.code === 'NOT_FOUND') return new NotFoundError(f.path);
  return new Error(f.message);
}

function unexpected(r: MetaResult): Error {
  return new Error(`metadata IPC: unexpected answer ${r.r}`);
}
