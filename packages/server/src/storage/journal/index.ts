export { DiskLedgerStore } from './disk-ledger-store.js';
export type { DiskLedgerStoreOptions, DiskLedgerStoreStats } from './disk-ledger-store.js';
export type { StoreLogger } from './recovery.js';
export { MAX_ENTRY_BYTES } from './disk-ledger.js';
export {
  StorageError,
  LedgerClosedError,
  LedgerNotFoundError,
  InvalidEntryRangeError,
  EntryTooLargeError,
  StoreClosedError,
  StorageIoError,
  StoreFencedError,
  StorageCorruptError,
} from './errors.js';
export type { StorageErrorCode } from './errors.js';
