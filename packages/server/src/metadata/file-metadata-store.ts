/**
 * The standalone metadata store (DESIGN.md, metadata layer): the whole tree in memory, every change
 * appended to a log as a checksummed record and made durable by group commit before the caller is
 * answered and watchers hear of it. When the log outgrows a threshold (and the last snapshot) the
 * store starts a new log generation and writes a snapshot of the tree in the background; once the
 * snapshot is durable the older files are removed. Ephemeral keys live only in memory.
 *
 * Reads see changes as soon as they are accepted, slightly before they are durable. A reader in
 * this process cannot outlive a crash that loses them, so that is safe here; a failed write stops
 * the store (every later call rejects) so nothing is served that the disk may not hold.
 */
import { mkdir, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../util/clock.js';
import { systemClock } from '../util/clock.js';
import { MetadataTree } from './tree.js';
import type { Change, DeleteChange, Node, PutChange } from './tree.js';
import type { GetResult, MetadataStore, PutOptions, Stat, WatchEvent } from './types.js';
import { encodeRecord } from './file/record.js';
import { GroupCommitter, MAX_WRITE_BYTES } from './file/group-commit.js';
import {
  fsyncDir,
  listGenerations,
  logName,
  removeFiles,
  snapshotName,
  writeFileDurably,
  writeFully,
} from './file/files.js';
import type { SyncPolicy } from './file/files.js';
import { loadInto } from './file/recovery.js';

export interface FileMetadataStoreOptions {
  clock?: Clock;
  syncPolicy?: SyncPolicy;
  /** Start a new log and snapshot once the log holds this many bytes (and more than the last snapshot). */
  compactionThresholdBytes?: number;
  /** Reports failures of background snapshots (they are retried at the next threshold). */
  onSnapshotError?: (err: unknown) => void;
}

const DEFAULT_COMPACTION_THRESHOLD_BYTES = 64 * 1024 * 1024;
const SNAPSHOT_CHUNK_BYTES = 1024 * 1024;
/** The store is one session: its ephemeral keys belong to it. */
const SESSION = 1;
const NO_RECORD = Buffer.alloc(0);

/** The store's life. */
type State =
  /** Serving requests. */
  | 'open'
  /** A log write failed; every call rejects with that error. */
  | 'failed'
  /** close() was called. */
  | 'closed';

export class FileMetadataStore implements MetadataStore {
  private state: State = 'open';
  private readonly committer: GroupCommitter;
  private snapshotting: Promise<void> | null = null;
  private failure: Error | null = null;
  /** Ids for the extra sessions of `session()`; the store's own session is SESSION. */
  private nextSession = SESSION + 1;

  private constructor(
    private readonly dir: string,
    private readonly tree: MetadataTree,
    private log: FileHandle,
    private generation: number,
    private logBytes: number,
    private snapshotBytes: number,
    private readonly clock: Clock,
    private readonly policy: SyncPolicy,
    private readonly thresholdBytes: number,
    private readonly onSnapshotError: (err: unknown) => void,
  ) {
    this.committer = new GroupCommitter(
      { write: (frames, bytes) => this.writeBatch(frames, bytes), between: () => this.maybeCompact() },
      (err) => {
        this.state = 'failed';
        this.failure = err;
      },
    );
  }

  static async open(dir: string, options: FileMetadataStoreOptions = {}): Promise<FileMetadataStore> {
    const policy = options.syncPolicy ?? 'fsync';
    await mkdir(dir, { recursive: true });
    const tree = new MetadataTree();
    const loaded = await loadInto(tree, dir, policy);
    const log = await open(join(dir, logName(loaded.generation)), 'a');
    await fsyncDir(dir, policy);
    return new FileMetadataStore(
      dir,
      tree,
      log,
      loaded.generation,
      loaded.logBytes,
      loaded.snapshotBytes,
      options.clock ?? systemClock,
      policy,
      options.compactionThresholdBytes ?? DEFAULT_COMPACTION_THRESHOLD_BYTES,
      options.onSnapshotError ?? (() => undefined),
    );
  }

  /** Write batches so far (each one write + one fsync). */
  get commitBatches(): number {
    return this.committer.batches;
  }

  get currentGeneration(): number {
    return this.generation;
  }

  get(path: string): Promise<GetResult | null> {
    return this.run(() => {
      const node = this.tree.get(path);
      return node ? { value: node.value, stat: node.stat } : null;
    });
  }

  put(path: string, value: Uint8Array, options: PutOptions = {}): Promise<Stat> {
    return this.putAs(SESSION, path, value, options);
  }

  /**
   * Another session on this store, for a client that is not this process (a worker of a multi-core
   * standalone, through the metadata IPC server): it reads and writes the same tree and its
   * watchers hear every change, but its ephemeral keys and watches end when it is closed, while the
   * store stays open. Closing the store ends every session.
   */
  session(): MetadataStore {
    const id = this.nextSession++;
    const unwatchers = new Set<() => void>();
    let closed = false;
    const guard = <T>(op: () => Promise<T>): Promise<T> =>
      closed ? Promise.reject(new Error('metadata store is closed')) : op();
    return {
      get: (path) => guard(() => this.get(path)),
      put: (path, value, options = {}) => guard(() => this.putAs(id, path, value, options)),
      delete: (path, expectedVersion) => guard(() => this.delete(path, expectedVersion)),
      children: (path) => guard(() => this.children(path)),
      exists: (path) => guard(() => this.exists(path)),
      watch: (path, listener) => {
        if (closed) throw new Error('metadata store is closed');
        const off = this.watch(path, listener);
        const unwatch = (): void => {
          off();
          unwatchers.delete(unwatch);
        };
        unwatchers.add(unwatch);
        return unwatch;
      },
      close: async () => {
        if (closed) return;
        closed = true;
        for (const unwatch of [...unwatchers]) unwatch();
        if (this.state === 'open') await this.endSession(id);
      },
    };
  }

  private putAs(session: number, path: string, value: Uint8Array, options: PutOptions): Promise<Stat> {
    let change: PutChange;
    let frame: Buffer;
    try {
      this.assertUsable();
      const previous = this.tree.get(path);
      change = this.tree.put(path, value, options, session, this.clock.now());
      frame = this.recordFor(change, previous);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const stat = change.node.stat;
    return this.commit(frame, change).then(() => stat);
  }

  delete(path: string, expectedVersion?: number): Promise<void> {
    let change: DeleteChange | null;
    try {
      this.assertUsable();
      change = this.tree.delete(path, expectedVersion);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (!change) return Promise.resolve();
    const frame = change.previous.owner === null ? encodeRecord({ kind: 'delete', path }) : NO_RECORD;
    return this.commit(frame, change);
  }

  children(path: string): Promise<string[]> {
    return this.run(() => this.tree.children(path));
  }

  exists(path: string): Promise<boolean> {
    return this.run(() => this.tree.get(path) !== undefined);
  }

  watch(path: string, listener: (e: WatchEvent) => void): () => void {
    this.assertUsable();
    return this.tree.watch(path, listener);
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    if (this.state === 'open') {
      // Ephemeral keys end with the session; they were never on disk, so no record is needed.
      for (const path of this.tree.ephemeralPaths(SESSION)) {
        const change = this.tree.delete(path);
        if (change) void this.commit(NO_RECORD, change).catch(() => undefined);
      }
    }
    this.state = 'closed';
    await this.committer.whenIdle();
    await this.snapshotting;
    await this.log.close();
  }

  /** Removes a session's ephemeral keys (never on disk, so no record), telling watchers in order. */
  private async endSession(session: number): Promise<void> {
    const ends: Promise<void>[] = [];
    for (const path of this.tree.ephemeralPaths(session)) {
      const change = this.tree.delete(path);
      if (change) ends.push(this.commit(NO_RECORD, change));
    }
    await Promise.all(ends);
  }

  /** Queues a record; resolves once durable, after telling watchers, in commit order. */
  private commit(frame: Buffer, change: Change): Promise<void> {
    return new Promise((resolve, reject) => {
      this.committer.submit(frame, (err) => {
        if (err) return reject(err);
        this.tree.notify(change);
        resolve();
      });
    });
  }

  /** The log record for a put: ephemeral values stay off disk, but must erase a persistent predecessor. */
  private recordFor(change: PutChange, previous: Node | undefined): Buffer {
    const { node, path } = change;
    if (node.owner === null) return encodeRecord({ kind: 'put', path, value: node.value, stat: node.stat });
    return previous && previous.owner === null ? encodeRecord({ kind: 'delete', path }) : NO_RECORD;
  }

  private async writeBatch(frames: Buffer[], bytes: number): Promise<void> {
    if (bytes === 0) return;
    let slice: Buffer[] = [];
    let sliceBytes = 0;
    for (const f of frames) {
      if (sliceBytes + f.length > MAX_WRITE_BYTES && slice.length > 0) {
        await writeFully(this.log, Buffer.concat(slice, sliceBytes));
        slice = [];
        sliceBytes = 0;
      }
      slice.push(f);
      sliceBytes += f.length;
    }
    if (sliceBytes > 0) await writeFully(this.log, Buffer.concat(slice, sliceBytes));
    if (this.policy === 'fsync') await this.log.datasync();
    this.logBytes += bytes;
  }

  /** Between batches: if the log is big enough, switch to a new generation and snapshot in the background. */
  private async maybeCompact(): Promise<void> {
    if (this.snapshotting || this.logBytes < Math.max(this.thresholdBytes, this.snapshotBytes)) return;
    const next = this.generation + 1;
    const log = await open(join(this.dir, logName(next)), 'a');
    await fsyncDir(this.dir, this.policy);
    const old = this.log;
    this.log = log;
    this.generation = next;
    this.logBytes = 0;
    await old.close();
    // Captured now, at the switch: the snapshot holds every change before log `next` starts (and
    // possibly a few queued ones that log `next` repeats; replaying them again is harmless).
    const entries = this.tree.entries().filter(([, n]) => n.owner === null);
    this.snapshotting = this.writeSnapshot(next, entries)
      .catch((err: unknown) => this.onSnapshotError(err))
      .finally(() => {
        this.snapshotting = null;
      });
  }

  private async writeSnapshot(gen: number, entries: [string, Node][]): Promise<void> {
    this.snapshotBytes = await writeFileDurably(
      this.dir,
      snapshotName(gen),
      snapshotChunks(entries),
      this.policy,
    );
    const listing = await listGenerations(this.dir);
    await removeFiles(this.dir, [
      ...listing.logs.filter((g) => g < gen).map(logName),
      ...listing.snapshots.filter((g) => g < gen).map(snapshotName),
    ]);
  }

  private assertUsable(): void {
    if (this.state === 'failed') throw new Error('metadata store failed', { cause: this.failure });
    if (this.state === 'closed') throw new Error('metadata store is closed');
  }

  private run<T>(op: () => T): Promise<T> {
    try {
      this.assertUsable();
      return Promise.resolve(op());
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }
}

/** Encodes the snapshot lazily, about a megabyte at a time, so the event loop is not blocked long. */
function* snapshotChunks(entries: [string, Node][]): Generator<Buffer> {
  let chunk: Buffer[] = [];
  let bytes = 0;
  for (const [path, node] of entries) {
    const frame = encodeRecord({ kind: 'put', path, value: node.value, stat: node.stat });
    chunk.push(frame);
    bytes += frame.length;
    if (bytes >= SNAPSHOT_CHUNK_BYTES) {
      yield Buffer.concat(chunk, bytes);
      chunk = [];
      bytes = 0;
    }
  }
  if (bytes > 0) yield Buffer.concat(chunk, bytes);
}
