/**
 * A MetadataStore held entirely in memory. Several sessions can share one tree (`session()`),
 * which is how tests play several brokers against one metadata service: each session's ephemeral
 * keys vanish when it closes and every session's watchers see every change.
 */
import type { Clock } from '../util/clock.js';
import { systemClock } from '../util/clock.js';
import { MetadataTree } from './tree.js';
import type { GetResult, MetadataStore, PutOptions, Stat, WatchEvent } from './types.js';

/** A session's life. */
type State =
  /** Serving requests. */
  | 'open'
  /** Closed: its ephemeral keys and watches are gone and every call rejects. */
  | 'closed';

interface Shared {
  readonly tree: MetadataTree;
  readonly clock: Clock;
  nextSession: number;
}

export class MemoryMetadataStore implements MetadataStore {
  private state: State = 'open';
  private readonly shared: Shared;
  private readonly sessionId: number;
  private readonly unwatchers = new Set<() => void>();

  constructor(options: { clock?: Clock } = {}, shared?: Shared) {
    this.shared = shared ?? { tree: new MetadataTree(), clock: options.clock ?? systemClock, nextSession: 1 };
    this.sessionId = this.shared.nextSession++;
  }

  /** A new session on the same tree (another "broker" of the same metadata service). */
  session(): MemoryMetadataStore {
    return new MemoryMetadataStore({}, this.shared);
  }

  get(path: string): Promise<GetResult | null> {
    return this.run(() => {
      const node = this.shared.tree.get(path);
      return node ? { value: node.value, stat: node.stat } : null;
    });
  }

  put(path: string, value: Uint8Array, options: PutOptions = {}): Promise<Stat> {
    return this.run(() => {
      const change = this.shared.tree.put(path, value, options, this.sessionId, this.shared.clock.now());
      this.shared.tree.notify(change);
      return change.node.stat;
    });
  }

  delete(path: string, expectedVersion?: number): Promise<void> {
    return this.run(() => {
      const change = this.shared.tree.delete(path, expectedVersion);
      if (change) this.shared.tree.notify(change);
    });
  }

  children(path: string): Promise<string[]> {
    return this.run(() => this.shared.tree.children(path));
  }

  exists(path: string): Promise<boolean> {
    return this.run(() => this.shared.tree.get(path) !== undefined);
  }

  watch(path: string, listener: (e: WatchEvent) => void): () => void {
    if (this.state !== 'open') throw new Error('metadata store is closed');
    const off = this.shared.tree.watch(path, listener);
    const unwatch = (): void => {
      off();
      this.unwatchers.delete(unwatch);
    };
    this.unwatchers.add(unwatch);
    return unwatch;
  }

  close(): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    this.state = 'closed';
    for (const unwatch of [...this.unwatchers]) unwatch();
    const tree = this.shared.tree;
    for (const path of tree.ephemeralPaths(this.sessionId)) {
      const change = tree.delete(path);
      if (change) tree.notify(change);
    }
    return Promise.resolve();
  }

  /** Runs a synchronous operation as a promise, so that validation errors reject instead of throwing. */
  private run<T>(op: () => T): Promise<T> {
    if (this.state !== 'open') return Promise.reject(new Error('metadata store is closed'));
    try {
      return Promise.resolve(op());
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }
}
