/**
 * A topic's log (DESIGN.md, storage layer): a list of ledgers, the pipeline that appends to the
 * newest one, reads across all of them, the durable cursors of its subscriptions and trimming of
 * ledgers every cursor has consumed. One instance per topic, obtained from the factory.
 */
import type {
  Cursor,
  Entry,
  InitialPosition,
  Ledger,
  LedgerSummary,
  ManagedLedger,
  ManagedLedgerConfig,
  Position,
  RetentionLimits,
} from '../types.js';
import { comparePositions } from '../position.js';
import { CursorImpl } from '../cursor/cursor-impl.js';
import type { CursorSink } from '../cursor/cursor-impl.js';
import { decodeCursorState, encodeCursorState } from '../cursor/cursor-codec.js';
import type { CursorState } from '../cursor/cursor-codec.js';
import type { FactoryContext } from './context.js';
import { AppendPipeline } from './append-pipeline.js';
import type { LedgerIndex } from './ledger-index.js';
import type { MlRecordStore } from './ml-metadata.js';
import { cursorPath, cursorsPath } from './ml-metadata.js';
import { recoverManagedLedger } from './recovery.js';
import { readEntries } from './read-entries.js';

/** A managed ledger's life. */
type State =
  /** Appending, reading and acknowledging. */
  | 'open'
  /** A ledger or metadata write failed: reads still work, appends are refused until reopened. */
  | 'failed'
  /** close() or delete() has started or finished; every operation is refused. */
  | 'closed';

export class ManagedLedgerImpl implements ManagedLedger {
  private state: State = 'open';
  private readonly pipeline: AppendPipeline;
  private readonly cursorMap = new Map<string, CursorImpl>();
  private readonly cursorOpens = new Map<string, Promise<CursorImpl>>();
  private readonly readHandles = new Map<number, Promise<Ledger>>();
  private readonly listeners = new Set<(p: Position) => void>();
  private readonly sink: CursorSink;
  private trimmedEntries: number;
  /** Settles when close() or delete() has finished. */
  private finished: Promise<void> = Promise.resolve();

  private constructor(
    readonly name: string,
    readonly config: Readonly<ManagedLedgerConfig>,
    private readonly ctx: FactoryContext,
    private readonly records: MlRecordStore,
    private readonly index: LedgerIndex,
    current: Ledger,
    trimmedEntries: number,
    private readonly onClosed: (ml: ManagedLedgerImpl, done: Promise<void>) => void,
  ) {
    this.trimmedEntries = trimmedEntries;
    this.pipeline = new AppendPipeline(current, config, ctx.clock, {
      createLedger: () => ctx.ledgerStore.createLedger(),
      switchLedger: (old, next) => this.switchLedger(old, next),
      onDurable: (p, data) => this.onDurable(p, data),
      onFailed: (err) => this.onFailed(err),
    });
    this.sink = {
      save: (cursor, s) => this.saveCursor(cursor, s),
      markDirty: (cursor) => ctx.flusher.markDirty(cursor, config.cursorFlushIntervalMs),
    };
  }

  /** Recovers (or creates) the managed ledger and loads its cursors. */
  static async open(
    name: string,
    config: Readonly<ManagedLedgerConfig>,
    ctx: FactoryContext,
    onClosed: (ml: ManagedLedgerImpl, done: Promise<void>) => void,
  ): Promise<ManagedLedgerImpl> {
    const r = await recoverManagedLedger(ctx, name);
    const ml = new ManagedLedgerImpl(
      name,
      config,
      ctx,
      r.records,
      r.index,
      r.current,
      r.trimmedEntries,
      onClosed,
    );
    await ml.loadCursors();
    return ml;
  }

  get storedBytes(): number {
    return this.index.totalBytes();
  }

  get entriesAdded(): number {
    return this.trimmedEntries + this.index.totalEntries();
  }

  /** Ids of the live ledgers, oldest first (stats and tests). */
  get ledgerIds(): number[] {
    return this.index.ledgers.map((l) => l.ledgerId);
  }

  ledgerInfos(): LedgerSummary[] {
    return this.index.ledgers.map((l) => ({ ...l }));
  }

  append(data: Uint8Array): Promise<Position> {
    if (this.state === 'closed') return Promise.reject(new Error(`managed ledger ${this.name} is closed`));
    return this.pipeline.append(data);
  }

  read(from: Position, maxEntries: number, maxBytes: number): Promise<Entry[]> {
    if (this.state === 'closed') return Promise.reject(new Error(`managed ledger ${this.name} is closed`));
    if (maxEntries <= 0) return Promise.resolve([]);
    return readEntries(this.readSource(), from, maxEntries, maxBytes);
  }

  lastConfirmed(): Position | null {
    return this.index.lastConfirmed();
  }

  firstPosition(): Position | null {
    return this.index.firstPosition();
  }

  nextPosition(): Position {
    const last = this.index.last!;
    return { ledgerId: last.ledgerId, entryId: last.entries };
  }

  after(p: Position): Position {
    return this.index.after(p);
  }

  countBetween(fromExclusive: Position, toInclusive: Position): number {
    return this.index.countBetween(fromExclusive, toInclusive);
  }

  /** Binary search over the live entries in log order: O(log n) single-entry reads. */
  async findFirst(pred: (e: Entry) => boolean): Promise<Position | null> {
    let lo = 0;
    let hi = this.index.totalEntries();
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const p = this.index.positionAt(mid);
      const [entry] = p ? await this.read(p, 1, Number.MAX_SAFE_INTEGER) : [];
      if (!entry) break;
      if (pred(entry)) hi = mid;
      else lo = mid + 1;
    }
    return this.index.positionAt(lo);
  }

  openCursor(
    name: string,
    initial: InitialPosition,
    properties: Record<string, string> = {},
  ): Promise<Cursor> {
    if (this.state === 'closed') return Promise.reject(new Error(`managed ledger ${this.name} is closed`));
    const existing = this.cursorMap.get(name);
    if (existing) return Promise.resolve(existing);
    let opening = this.cursorOpens.get(name);
    if (!opening) {
      opening = this.createCursor(name, initial, properties).finally(() => this.cursorOpens.delete(name));
      this.cursorOpens.set(name, opening);
    }
    return opening;
  }

  cursors(): ReadonlyMap<string, Cursor> {
    return this.cursorMap;
  }

  async deleteCursor(name: string): Promise<void> {
    const cursor = this.cursorMap.get(name);
    if (cursor) {
      cursor.markDeleted();
      this.ctx.flusher.forget(cursor);
      this.cursorMap.delete(name);
    }
    await this.ctx.metadataStore.delete(cursorPath(this.name, name));
  }

  onAppend(listener: (p: Position) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Deletes ledgers before the slowest cursor's markDelete: the ledger list first, then the data. */
  async trimConsumedLedgers(retention?: RetentionLimits): Promise<void> {
    if (this.state === 'closed' || this.trimmable(retention).length === 0) return;
    let doomed: number[] = [];
    await this.records.update(
      () => {
        doomed = this.trimmable(retention);
        const gone = new Set(doomed);
        const ledgers = this.index.ledgers.filter((l) => !gone.has(l.ledgerId));
        const removedEntries = this.index.ledgers.reduce(
          (n, l) => n + (gone.has(l.ledgerId) ? l.entries : 0),
          0,
        );
        return { ledgers, trimmedEntries: this.trimmedEntries + removedEntries };
      },
      () => {
        const removed = this.index.remove(new Set(doomed));
        for (const l of removed) this.trimmedEntries += l.entries;
      },
    );
    for (const id of doomed) await this.dropLedger(id);
  }

  close(): Promise<void> {
    if (this.state === 'closed') return this.finished;
    this.state = 'closed';
    this.finished = this.shutDown();
    this.onClosed(this, this.finished);
    return this.finished;
  }

  delete(): Promise<void> {
    const wasOpen = this.state !== 'closed';
    this.state = 'closed';
    for (const c of this.cursorMap.values()) c.markDeleted();
    const done = this.finished.then(() => this.deleteEverything());
    this.finished = done.catch(() => undefined);
    if (wasOpen) this.onClosed(this, this.finished);
    return done;
  }

  /** Lets accepted appends finish, persists cursors, releases ledgers. */
  private async shutDown(): Promise<void> {
    try {
      await this.pipeline.close();
      await Promise.all([...this.cursorMap.values()].map((c) => c.close()));
    } finally {
      for (const c of this.cursorMap.values()) this.ctx.flusher.forget(c);
      await this.releaseLedgers();
    }
  }

  /** Metadata first (so nothing points at missing ledgers), then the ledgers themselves. */
  private async deleteEverything(): Promise<void> {
    for (const c of this.cursorMap.values()) this.ctx.flusher.forget(c);
    await this.pipeline.close().catch(() => undefined);
    await this.releaseLedgers();
    await this.records.deleteAll();
    for (const l of this.index.ledgers) await this.ctx.ledgerStore.deleteLedger(l.ledgerId);
    this.cursorMap.clear();
  }

  private async createCursor(name: string, initial: InitialPosition, properties: Record<string, string>) {
    const first = this.index.ledgers[0].ledgerId;
    const markDelete =
      initial === 'latest'
        ? (this.lastConfirmed() ?? { ledgerId: first, entryId: -1 })
        : { ledgerId: first, entryId: -1 };
    const state: CursorState = { markDelete, ranges: [], properties, truncated: false };
    // Persist at once: a subscription that was acknowledged to the client must survive a crash.
    await this.saveCursor(name, state);
    const cursor = new CursorImpl(name, this.index, this.sink, state, this.ctx.maxPersistedRanges);
    this.cursorMap.set(name, cursor);
    return cursor;
  }

  private async loadCursors(): Promise<void> {
    const base = cursorsPath(this.name);
    for (const encoded of await this.ctx.metadataStore.children(base)) {
      const got = await this.ctx.metadataStore.get(`${base}/${encoded}`);
      if (!got) continue;
      const name = decodeURIComponent(encoded);
      const cursor = new CursorImpl(
        name,
        this.index,
        this.sink,
        decodeCursorState(got.value),
        this.ctx.maxPersistedRanges,
      );
      this.cursorMap.set(name, cursor);
    }
  }

  private async saveCursor(name: string, state: CursorState): Promise<void> {
    await this.ctx.metadataStore.put(cursorPath(this.name, name), encodeCursorState(state));
  }

  /**
   * Ledgers that may be deleted now, oldest first. Without retention: those entirely at or before
   * the slowest markDelete. With it (Pulsar's ManagedLedgerImpl.internalTrimLedgers): of those (or of
   * every sealed ledger when there is no cursor), the oldest ones while the log is still over the
   * size limit or the ledger is past the time limit, stopping at the first one both keep.
   */
  private trimmable(retention: RetentionLimits | undefined): number[] {
    const consumed = this.consumedLedgers(retention !== undefined);
    if (!retention) return consumed.map((l) => l.ledgerId);
    const now = this.ctx.clock.now();
    const total = this.index.totalBytes();
    const doomed: number[] = [];
    let freed = 0;
    for (const l of consumed) {
      const overSize = retention.sizeBytes >= 0 && total - freed > retention.sizeBytes;
      const expired = retention.timeMs >= 0 && now - this.sealedAt(l.ledgerId) > retention.timeMs;
      if (!overSize && !expired) break;
      doomed.push(l.ledgerId);
      freed += l.size;
    }
    return doomed;
  }

  /**
   * When a ledger stopped taking appends: the creation time of the ledger after it (the list
   * records creation times; a ledger is sealed when its successor is created).
   */
  private sealedAt(ledgerId: number): number {
    const ledgers = this.index.ledgers;
    const i = ledgers.findIndex((l) => l.ledgerId === ledgerId);
    return ledgers[i + 1]?.timestamp ?? this.ctx.clock.now();
  }

  /**
   * Ledgers entirely at or before the slowest markDelete, never the one being appended to. With no
   * cursor: none, or every sealed ledger when `noCursorConsumesAll` (retention decides alone).
   */
  private consumedLedgers(noCursorConsumesAll = false): LedgerSummary[] {
    let slowest: Position | null = null;
    for (const c of this.cursorMap.values()) {
      const md = c.markDeletePosition;
      if (!slowest || comparePositions(md, slowest) < 0) slowest = md;
    }
    const current = this.pipeline.currentLedger.id;
    const sealed = this.index.ledgers.filter((l) => l.ledgerId !== current);
    if (!slowest) return noCursorConsumesAll ? sealed : [];
    const s = slowest;
    return sealed.filter(
      (l) => l.ledgerId < s.ledgerId || (l.ledgerId === s.ledgerId && s.entryId >= l.entries - 1),
    );
  }

  private switchLedger(old: Ledger, next: Ledger): Promise<void> {
    return this.records.update(
      () => {
        const ledgers = this.index.ledgers.map((l) =>
          l.ledgerId === old.id ? { ...l, entries: old.lastAddConfirmed + 1, size: old.length } : { ...l },
        );
        ledgers.push({ ledgerId: next.id, entries: 0, size: 0, timestamp: this.ctx.clock.now() });
        return { ledgers, trimmedEntries: this.trimmedEntries };
      },
      () => this.index.push({ ledgerId: next.id, entries: 0, size: 0, timestamp: this.ctx.clock.now() }),
    );
  }

  private onDurable(p: Position, data: Buffer): void {
    const info = this.index.get(p.ledgerId);
    if (!info) throw new Error(`append to ledger ${p.ledgerId}, which is not in ${this.name}'s list`);
    if (p.entryId !== info.entries) throw new Error(`append ${p.ledgerId}:${p.entryId} is not dense`);
    info.entries++;
    info.size += data.length;
    this.ctx.cache.put(p.ledgerId, p.entryId, data);
    for (const listener of [...this.listeners]) {
      try {
        listener(p);
      } catch (err) {
        this.ctx.logger.warn({ err, topic: this.name }, 'onAppend listener threw');
      }
    }
  }

  private onFailed(err: Error): void {
    if (this.state === 'open') this.state = 'failed';
    this.ctx.logger.warn({ err, topic: this.name }, 'managed ledger write failed; reopen to recover');
  }

  private readSource() {
    return {
      index: this.index,
      cache: this.ctx.cache,
      ledgerFor: (ledgerId: number) => this.ledgerFor(ledgerId),
    };
  }

  private ledgerFor(ledgerId: number): Promise<Ledger> {
    if (ledgerId === this.pipeline.currentLedger.id) return Promise.resolve(this.pipeline.currentLedger);
    let handle = this.readHandles.get(ledgerId);
    if (!handle) {
      handle = this.ctx.ledgerStore.openLedger(ledgerId);
      this.readHandles.set(ledgerId, handle);
      handle.catch(() => this.readHandles.delete(ledgerId));
    }
    return handle;
  }

  private async dropLedger(ledgerId: number): Promise<void> {
    this.ctx.cache.invalidateLedger(ledgerId);
    const handle = this.readHandles.get(ledgerId);
    this.readHandles.delete(ledgerId);
    if (handle) await handle.then((l) => l.close()).catch(() => undefined);
    await this.ctx.ledgerStore.deleteLedger(ledgerId);
  }

  private async releaseLedgers(): Promise<void> {
    for (const l of this.index.ledgers) this.ctx.cache.invalidateLedger(l.ledgerId);
    const handles = [...this.readHandles.values()];
    this.readHandles.clear();
    await Promise.all(handles.map((h) => h.then((l) => l.close()).catch(() => undefined)));
  }
}
