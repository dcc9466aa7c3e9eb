/**
 * The metadata layer's contract (DESIGN.md): a small, consistent key-value tree with versions,
 * compare-and-set, children, watches and session-bound (ephemeral) keys. Standalone keeps it in a
 * crash-safe file store; the cluster will use etcd behind the same interface.
 *
 * Keys are '/'-separated paths ("/admin/tenants/public"). Values are bytes; callers store JSON.
 */

export interface Stat {
  /** Incremented on every put; 0 after creation. */
  readonly version: number;
  readonly createdMs: number;
  readonly modifiedMs: number;
  /** True if the key disappears when the session that created it ends. */
  readonly ephemeral: boolean;
}

export interface GetResult {
  readonly value: Buffer;
  readonly stat: Stat;
}

export interface PutOptions {
  /** Compare-and-set: -1 means "must not exist"; n means "must be at version n". Omitted means unconditional. */
  expectedVersion?: number;
  /** Tie the key to this store session; it is deleted when the session ends. */
  ephemeral?: boolean;
}

export type WatchEvent = { type: 'created' | 'modified' | 'deleted'; path: string };

/** Thrown when a compare-and-set's expected version does not match. */
export class BadVersionError extends Error {
  readonly code = 'BAD_VERSION';
  constructor(
    readonly path: string,
    readonly expected: number,
    readonly actual: number | null,
  ) {
    super(`metadata ${path}: expected version ${expected}, found ${actual ?? 'none'}`);
  }
}

/** Thrown when deleting or updating a key that does not exist with expectedVersion. */
export class NotFoundError extends Error {
  readonly code = 'NOT_FOUND';
  constructor(readonly path: string) {
    super(`metadata ${path}: not found`);
  }
}

export interface MetadataStore {
  get(path: string): Promise<GetResult | null>;
  /** Creates or replaces; returns the new Stat. Rejects with BadVersionError on a failed compare-and-set. */
  put(path: string, value: Uint8Array, options?: PutOptions): Promise<Stat>;
  /** Deletes; with expectedVersion, rejects with BadVersionError/NotFoundError. Deleting a missing key without it is a no-op. */
  delete(path: string, expectedVersion?: number): Promise<void>;
  /** Names (last path segment) of the direct children of `path`, sorted. */
  children(path: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  /** Calls `listener` for changes to `path` and to any key below it. Returns an unsubscribe function. */
  watch(path: string, listener: (e: WatchEvent) => void): () => void;
  /** Flushes and closes; ephemeral keys of this session are removed. */
  close(): Promise<void>;
}
