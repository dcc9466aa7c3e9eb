/**
 * The in-memory key tree shared by the memory and file metadata stores: nodes with versions,
 * compare-and-set checks, a child index and watchers. It performs no I/O; the file store decides
 * when a change is durable and only then tells watchers (see `notify`).
 *
 * Parents are implicit, as with etcd: a key '/a/b/c' makes 'b' a child of '/a' whether or not
 * '/a/b' itself holds a value. `children` therefore counts, for every (parent, child) pair, how
 * many keys live at or below the child, so listing is O(children) and updates are O(depth).
 */
import { BadVersionError, NotFoundError } from './types.js';
import type { PutOptions, Stat, WatchEvent } from './types.js';
import { assertValidPath, baseName, parentPath, selfAndAncestors } from './path.js';

/** One stored key. Replaced, never mutated, so a snapshot can hold references safely. */
export interface Node {
  readonly value: Buffer;
  readonly stat: Stat;
  /** Session that owns an ephemeral key; null for persistent keys. */
  readonly owner: number | null;
}

/** A committed change, as the file store logs it and watchers see it. */
export type PutChange = {
  readonly kind: 'put';
  readonly path: string;
  readonly node: Node;
  readonly created: boolean;
};
export type DeleteChange = { readonly kind: 'delete'; readonly path: string; readonly previous: Node };
export type Change = PutChange | DeleteChange;

export class MetadataTree {
  private readonly nodes = new Map<string, Node>();
  /** parent path → (child name → number of keys at or below that child). */
  private readonly childCounts = new Map<string, Map<string, number>>();
  private readonly watchers = new Map<string, Set<(e: WatchEvent) => void>>();

  get size(): number {
    return this.nodes.size;
  }

  get(path: string): Node | undefined {
    assertValidPath(path);
    return this.nodes.get(path);
  }

  /** Checks the compare-and-set condition and applies the put; returns the change to log. */
  put(path: string, value: Uint8Array, options: PutOptions, session: number, nowMs: number): PutChange {
    assertValidPath(path);
    if (path === '/') throw new Error('cannot put the root path');
    const previous = this.nodes.get(path);
    const expected = options.expectedVersion;
    if (expected !== undefined) {
      if (expected === -1 && previous) throw new BadVersionError(path, expected, previous.stat.version);
      if (expected >= 0 && !previous) throw new NotFoundError(path);
      if (expected >= 0 && previous && previous.stat.version !== expected) {
        throw new BadVersionError(path, expected, previous.stat.version);
      }
    }
    const ephemeral = options.ephemeral === true;
    const node: Node = {
      // Copy so that a caller reusing its buffer cannot change stored state behind our back.
      value: Buffer.from(value),
      stat: {
        version: previous ? previous.stat.version + 1 : 0,
        createdMs: previous ? previous.stat.createdMs : nowMs,
        modifiedMs: nowMs,
        ephemeral,
      },
      owner: ephemeral ? session : null,
    };
    this.set(path, node);
    return { kind: 'put', path, node, created: !previous };
  }

  /** Checks the optional version and deletes; returns null when there was nothing to delete. */
  delete(path: string, expectedVersion?: number): DeleteChange | null {
    assertValidPath(path);
    const previous = this.nodes.get(path);
    if (expectedVersion !== undefined) {
      if (!previous) throw new NotFoundError(path);
      if (previous.stat.version !== expectedVersion) {
        throw new BadVersionError(path, expectedVersion, previous.stat.version);
      }
    }
    if (!previous) return null;
    this.remove(path);
    return { kind: 'delete', path, previous };
  }

  /** Sets a node without checks: used when replaying a log or loading a snapshot. */
  set(path: string, node: Node): void {
    if (!this.nodes.has(path)) this.adjustCounts(path, +1);
    this.nodes.set(path, node);
  }

  remove(path: string): boolean {
    if (!this.nodes.delete(path)) return false;
    this.adjustCounts(path, -1);
    return true;
  }

  children(path: string): string[] {
    assertValidPath(path);
    const counts = this.childCounts.get(path);
    return counts ? [...counts.keys()].sort() : [];
  }

  /** Every key and its node; the array is a consistent snapshot because nodes are immutable. */
  entries(): [string, Node][] {
    return [...this.nodes.entries()];
  }

  /** Ephemeral keys owned by a session (removed when it ends). */
  ephemeralPaths(session: number): string[] {
    const out: string[] = [];
    for (const [path, node] of this.nodes) if (node.owner === session) out.push(path);
    return out;
  }

  watch(path: string, listener: (e: WatchEvent) => void): () => void {
    assertValidPath(path);
    let set = this.watchers.get(path);
    if (!set) this.watchers.set(path, (set = new Set()));
    set.add(listener);
    return () => {
      const s = this.watchers.get(path);
      if (!s) return;
      s.delete(listener);
      if (s.size === 0) this.watchers.delete(path);
    };
  }

  /** Tells the watchers of the changed key and of each ancestor. A throwing listener does not stop the others. */
  notify(change: Change): void {
    if (this.watchers.size === 0) return;
    const type = change.kind === 'delete' ? 'deleted' : change.created ? 'created' : 'modified';
    const event: WatchEvent = { type, path: change.path };
    for (const p of selfAndAncestors(change.path)) {
      const set = this.watchers.get(p);
      if (!set) continue;
      for (const listener of [...set]) {
        try {
          listener(event);
        } catch {
          // A watcher's failure is its own problem; the store's state is already committed.
        }
      }
    }
  }

  private adjustCounts(path: string, delta: number): void {
    for (
      let child = path, parent = parentPath(child);
      parent !== null;
      child = parent, parent = parentPath(child)
    ) {
      let counts = this.childCounts.get(parent);
      if (!counts) this.childCounts.set(parent, (counts = new Map()));
      const name = baseName(child);
      const next = (counts.get(name) ?? 0) + delta;
      if (next > 0) counts.set(name, next);
      else {
        counts.delete(name);
        if (counts.size === 0) this.childCounts.delete(parent);
      }
    }
  }
}
