/**
 * Opens managed ledgers by topic name (one factory per broker) and owns what they share: the
 * entry cache with its single byte budget and the cursor flusher with its single timer.
 * Concurrent opens of one name share one instance; a closed managed ledger is forgotten, so a
 * later open recovers it afresh from the stores.
 */
import type { MetadataStore } from '../../metadata/types.js';
import type { Clock, Scheduler } from '../../util/clock.js';
import type { LedgerStore, ManagedLedger, ManagedLedgerConfig, ManagedLedgerFactory } from '../types.js';
import { CursorFlusher } from '../cursor/cursor-flusher.js';
import { DEFAULT_MAX_PERSISTED_RANGES } from '../cursor/cursor-impl.js';
import { DEFAULT_CACHE_SIZE_BYTES, DEFAULT_MANAGED_LEDGER_CONFIG } from './config.js';
import type { FactoryContext, StorageLogger } from './context.js';
import { silentLogger } from './context.js';
import { EntryCache } from './entry-cache.js';
import { ManagedLedgerImpl } from './managed-ledger-impl.js';
import { ML_ROOT, mlPath } from './ml-metadata.js';

export interface ManagedLedgerFactoryOptions {
  ledgerStore: LedgerStore;
  metadataStore: MetadataStore;
  clock: Clock;
  scheduler: Scheduler;
  defaults?: Partial<ManagedLedgerConfig>;
  /** Byte budget of the entry cache shared by every managed ledger (default 64 MiB). */
  cacheSizeBytes?: number;
  /** Acked ranges persisted per cursor; later ones are redelivered after a restart (default 10,000). */
  maxPersistedRanges?: number;
  logger?: StorageLogger;
}

/** The factory's life. */
type State =
  /** Opening managed ledgers. */
  | 'open'
  /** Closed: open() is refused. */
  | 'closed';

export class ManagedLedgerFactoryImpl implements ManagedLedgerFactory {
  private state: State = 'open';
  private readonly ctx: FactoryContext;
  private readonly defaults: Readonly<ManagedLedgerConfig>;
  private readonly opened = new Map<string, Promise<ManagedLedgerImpl>>();
  /** Closes in progress: a new open of the same name waits for them before recovering. */
  private readonly closing = new Map<string, Promise<void>>();
  private readonly instances = new Map<string, ManagedLedgerImpl>();

  constructor(options: ManagedLedgerFactoryOptions) {
    const logger = options.logger ?? silentLogger;
    this.defaults = { ...DEFAULT_MANAGED_LEDGER_CONFIG, ...options.defaults };
    this.ctx = {
      ledgerStore: options.ledgerStore,
      metadataStore: options.metadataStore,
      clock: options.clock,
      scheduler: options.scheduler,
      cache: new EntryCache(options.cacheSizeBytes ?? DEFAULT_CACHE_SIZE_BYTES),
      flusher: new CursorFlusher(options.clock, options.scheduler, (err) =>
        logger.warn({ err }, 'cursor flush failed; will retry'),
      ),
      maxPersistedRanges: options.maxPersistedRanges ?? DEFAULT_MAX_PERSISTED_RANGES,
      logger,
    };
  }

  /** The shared entry cache (stats). */
  get cache(): { readonly sizeBytes: number; readonly count: number; readonly maxBytes: number } {
    return this.ctx.cache;
  }

  open(name: string, config: Partial<ManagedLedgerConfig> = {}): Promise<ManagedLedger> {
    return this.openImpl(name, config);
  }

  /** Like open(), typed as the implementation (for stats such as ledgerIds). */
  openImpl(name: string, config: Partial<ManagedLedgerConfig> = {}): Promise<ManagedLedgerImpl> {
    if (this.state !== 'open') return Promise.reject(new Error('managed ledger factory is closed'));
    const existing = this.opened.get(name);
    if (existing) return existing;
    const merged = { ...this.defaults, ...config };
    const opening = (async () => {
      await this.closing.get(name);
      const ml = await ManagedLedgerImpl.open(name, merged, this.ctx, (m, done) => this.forget(m, done));
      this.instances.set(name, ml);
      return ml;
    })();
    this.opened.set(name, opening);
    opening.catch(() => {
      if (this.opened.get(name) === opening) this.opened.delete(name);
    });
    return opening;
  }

  async list(): Promise<string[]> {
    const names = await this.ctx.metadataStore.children(ML_ROOT);
    return names.map((n) => decodeURIComponent(n));
  }

  exists(name: string): Promise<boolean> {
    return this.ctx.metadataStore.exists(mlPath(name));
  }

  /** Flushes every dirty cursor now (also done on the flush timer and on close). */
  flushCursors(): Promise<void> {
    return this.ctx.flusher.flushAll();
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    const all = await Promise.allSettled([...this.opened.values()]);
    await Promise.allSettled(all.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    await Promise.all([...this.closing.values()]);
    this.ctx.flusher.close();
  }

  /** Called synchronously when a managed ledger starts closing, so the next open() starts afresh. */
  private forget(ml: ManagedLedgerImpl, done: Promise<void>): void {
    if (this.instances.get(ml.name) !== ml) return;
    this.instances.delete(ml.name);
    this.opened.delete(ml.name);
    const settled = done.catch(() => undefined);
    this.closing.set(ml.name, settled);
    void settled.then(() => {
      if (this.closing.get(ml.name) === settled) this.closing.delete(ml.name);
    });
  }
}
