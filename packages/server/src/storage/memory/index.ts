export { MemoryLedgerStore } from './memory-ledger-store.js';
