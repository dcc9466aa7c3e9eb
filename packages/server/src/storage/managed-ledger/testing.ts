/**
 * Test support shared by the managed-ledger tests: environments (a ledger store and a metadata store
 * that can be "restarted") and a LedgerStore wrapper that counts reads and can fail appends.
 */
import type { MetadataStore } from '../../metadata/types.js';
import type { Ledger, LedgerStore } from '../types.js';

export interface StorageEnv {
  ledgerStore: LedgerStore;
  metadataStore: MetadataStore;
  /** Simulates a process restart: state that was durable is kept, handles are fresh. */
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Wraps a LedgerStore to count store reads and inject append failures. */
export class InstrumentedLedgerStore implements LedgerStore {
  reads = 0;
  /** Appends left before the next one fails (Infinity: never). */
  failAppendsAfter = Infinity;

  constructor(readonly inner: LedgerStore) {}

  async createLedger(): Promise<Ledger> {
    return this.wrap(await this.inner.createLedger());
  }

  async openLedger(ledgerId: number): Promise<Ledger> {
    return this.wrap(await this.inner.openLedger(ledgerId));
  }

  deleteLedger(ledgerId: number): Promise<void> {
    return this.inner.deleteLedger(ledgerId);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private wrap(ledger: Ledger): Ledger {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const store = this;
    return {
      get id() {
        return ledger.id;
      },
      get lastAddConfirmed() {
        return ledger.lastAddConfirmed;
      },
      get length() {
        return ledger.length;
      },
      append(data, handOver) {
        if (store.failAppendsAfter <= 0) return Promise.reject(new Error('injected append failure'));
        store.failAppendsAfter--;
        return ledger.append(data, handOver);
      },
      read(first, last) {
        store.reads++;
        return ledger.read(first, last);
      },
      close: () => ledger.close(),
    };
  }
}
