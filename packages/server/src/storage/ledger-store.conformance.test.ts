/** Runs the LedgerStore conformance suite against every implementation. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultyLedgerStore, InjectedFaultError } from './faulty-ledger-store.js';
import { DiskLedgerStore } from './journal/index.js';
import { ledgerStoreConformance } from './ledger-store.conformance.js';
import { MemoryLedgerStore } from './memory/index.js';
import type { LedgerStore, SyncPolicy } from './types.js';

function diskSubject(syncPolicy: SyncPolicy, extra: { segmentSizeBytes?: number } = {}) {
  return async () => {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'magnetar-conformance-'));
    const open = () => DiskLedgerStore.open({ dir, syncPolicy, groupCommitDelayMs: 0, ...extra });
    let current: LedgerStore = await open();
    return {
      store: current,
      reopen: async () => {
        await current.close();
        current = await open();
        return current;
      },
      cleanup: async () => {
        await current.close();
        await fs.promises.rm(dir, { recursive: true, force: true });
      },
    };
  };
}

ledgerStoreConformance('DiskLedgerStore (fsync)', diskSubject('fsync'));
ledgerStoreConformance('DiskLedgerStore (none)', diskSubject('none'));
// Tiny segments make every test cross segment rolls, index files and segment GC.
ledgerStoreConformance(
  'DiskLedgerStore (none, 4 KiB segments)',
  diskSubject('none', { segmentSizeBytes: 4096 }),
);
ledgerStoreConformance('MemoryLedgerStore', async () => {
  const store = new MemoryLedgerStore();
  return { store, cleanup: () => store.close() };
});

// The fault-injecting wrapper must itself honour the contract when no fault fires.
ledgerStoreConformance('FaultyLedgerStore (latency) over DiskLedgerStore', async () => {
  const subject = await diskSubject('none')();
  const wrap = (s: LedgerStore) => new FaultyLedgerStore(s, { appendLatencyMs: 1, readLatencyMs: 1 });
  return {
    store: wrap(subject.store),
    reopen: async () => wrap(await subject.reopen()),
    cleanup: subject.cleanup,
  };
});

describe('FaultyLedgerStore', () => {
  it('fails exactly the nth append and keeps entry ids dense', async () => {
    const store = new FaultyLedgerStore(new MemoryLedgerStore(), { failAppendNumber: 3 });
    const a = await store.createLedger();
    const b = await store.createLedger();
    expect(await a.append(Buffer.from('a0'))).toBe(0);
    expect(await b.append(Buffer.from('b0'))).toBe(0);
    await expect(a.append(Buffer.from('lost'))).rejects.toBeInstanceOf(InjectedFaultError);
    expect(await a.append(Buffer.from('a1'))).toBe(1);
    expect((await a.read(0, 1)).map(String)).toEqual(['a0', 'a1']);
    expect(store.appendCount).toBe(4);
    await store.close();
  });
});
