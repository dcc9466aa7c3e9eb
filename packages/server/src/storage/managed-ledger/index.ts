/** The managed-ledger layer's public surface: the factory, its managed ledgers and cursors. */
export { ManagedLedgerFactoryImpl } from './managed-ledger-factory.js';
export type { ManagedLedgerFactoryOptions } from './managed-ledger-factory.js';
export type { ManagedLedgerImpl } from './managed-ledger-impl.js';
export type { StorageLogger } from './context.js';
export { DEFAULT_MANAGED_LEDGER_CONFIG, DEFAULT_CACHE_SIZE_BYTES } from './config.js';
export { CursorImpl, DEFAULT_MAX_PERSISTED_RANGES } from '../cursor/cursor-impl.js';
export { RangeSet } from '../cursor/range-set.js';
export type { AckRange } from '../cursor/range-set.js';
export { MemoryLedgerStore } from '../memory/memory-ledger-store.js';
export * from '../position.js';
