/**
 * What every managed ledger of a factory shares: the stores, time, the entry cache and the cursor
 * flusher. Passed as one object so that a managed ledger's constructor stays readable.
 */
import type { MetadataStore } from '../../metadata/types.js';
import type { Clock, Scheduler } from '../../util/clock.js';
import type { LedgerStore } from '../types.js';
import type { CursorFlusher } from '../cursor/cursor-flusher.js';
import type { EntryCache } from './entry-cache.js';

/** The slice of a pino logger that storage uses. */
export interface StorageLogger {
  warn(obj: object, msg: string): void;
}

export const silentLogger: StorageLogger = { warn: () => undefined };

export interface FactoryContext {
  readonly ledgerStore: LedgerStore;
  readonly metadataStore: MetadataStore;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly cache: EntryCache;
  readonly flusher: CursorFlusher;
  readonly maxPersistedRanges: number;
  readonly logger: StorageLogger;
}
