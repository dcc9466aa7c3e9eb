import type { ManagedLedgerConfig } from '../types.js';

/** Pulsar's defaults where they exist (managedLedgerMaxLedgerRolloverTimeMinutes = 240). */
export const DEFAULT_MANAGED_LEDGER_CONFIG: Readonly<ManagedLedgerConfig> = Object.freeze({
  maxLedgerSizeBytes: 256 * 1024 * 1024,
  maxLedgerAgeMs: 4 * 60 * 60 * 1000,
  cursorFlushIntervalMs: 1000,
});

/** Shared entry cache budget of a factory when none is given. */
export const DEFAULT_CACHE_SIZE_BYTES = 64 * 1024 * 1024;
