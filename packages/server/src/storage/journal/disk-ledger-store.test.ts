/**
 * DiskLedgerStore behaviour beyond the shared contract: torn-tail recovery, group commit,
 * segment roll and GC, the descriptor bound and fencing after an I/O failure. Real files, real fsync.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tearLastRecord } from '../faulty-ledger-store.js';
import { entryBytes } from '../ledger-store.conformance.js';
import type { DiskLedgerStoreOptions } from './disk-ledger-store.js';
import { DiskLedgerStore } from './disk-ledger-store.js';
import { LedgerClosedError, StorageIoError, StoreFencedError } from './errors.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await fs.promises.rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'magnetar-disk-'));
  dirs.push(dir);
  return dir;
}

function recordingLogger() {
  const warnings: Record<string, unknown>[] = [];
  return {
    warnings,
    logger: { warn: (o: object) => void warnings.push(o as Record<string, unknown>), info: () => {} },
  };
}

const segmentFiles = async (dir: string): Promise<string[]> =>
  (await fs.promises.readdir(path.join(dir, 'segments'))).filter((f) => f.endsWith('.log')).sort();

describe('DiskLedgerStore torn-tail recovery', () => {
  for (const mode of ['truncate', 'corrupt'] as const) {
    it(`drops a ${mode === 'truncate' ? 'torn' : 'corrupt'} last record and keeps everything before it`, async () => {
      const dir = await tempDir();
      const store = await DiskLedgerStore.open({ dir });
      const ledger = await store.createLedger();
      for (let i = 0; i < 10; i++) await ledger.append(entryBytes(ledger.id, i, 1000));
      await store.simulateCrash();
      const damage = await tearLastRecord(dir, mode);
      expect(damage.recordBytes).toBe(1028);

      const { warnings, logger } = recordingLogger();
      const reopened = await DiskLedgerStore.open({ dir, logger });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({
        offset: damage.recordOffset,
        reason: mode === 'truncate' ? 'torn' : 'corrupt',
      });
      const again = await reopened.openLedger(ledger.id);
      expect(again.lastAddConfirmed).toBe(8);
      const read = await again.read(0, 8);
      read.forEach((d, i) => expect(d.equals(entryBytes(ledger.id, i, 1000))).toBe(true));
      await expect(again.append(Buffer.from('x'))).rejects.toBeInstanceOf(LedgerClosedError);
      const next = await reopened.createLedger();
      expect(await next.append(Buffer.from('after recovery'))).toBe(0);
      await reopened.close();

      // The truncation was durable and indexed: a second open finds nothing to repair.
      const second = recordingLogger();
      const third = await DiskLedgerStore.open({ dir, logger: second.logger });
      expect(second.warnings).toHaveLength(0);
      expect((await third.openLedger(next.id)).lastAddConfirmed).toBe(0);
      await third.close();
    });
  }

  it('seals ledgers that were open at the crash at their last durable entry', async () => {
    const dir = await tempDir();
    const store = await DiskLedgerStore.open({ dir, segmentSizeBytes: 4096 });
    const a = await store.createLedger();
    const b = await store.createLedger();
    for (let i = 0; i < 50; i++)
      await Promise.all([a.append(entryBytes(a.id, i, 300)), b.append(entryBytes(b.id, i, 7))]);
    await b.close();
    await store.simulateCrash();
    const reopened = await DiskLedgerStore.open({ dir, segmentSizeBytes: 4096 });
    expect((await reopened.openLedger(a.id)).lastAddConfirmed).toBe(49);
    expect((await reopened.openLedger(b.id)).lastAddConfirmed).toBe(49);
    expect((await reopened.openLedger(a.id)).length).toBe(50 * 300);
    await reopened.close();
  });
});

describe('DiskLedgerStore group commit', () => {
  it('makes many concurrent appends durable with few syncs', async () => {
    const dir = await tempDir();
    const store = await DiskLedgerStore.open({ dir, groupCommitDelayMs: 2 });
    const ledgers = await Promise.all(Array.from({ length: 100 }, () => store.createLedger()));
    const before = store.stats().syncs;
    await Promise.all(
      ledgers.flatMap((l) => Array.from({ length: 20 }, (_, i) => l.append(entryBytes(l.id, i, 150)))),
    );
    const syncs = store.stats().syncs - before;
    expect(syncs).toBeGreaterThan(0);
    expect(syncs).toBeLessThan(20);
    await store.close();
  });

  it('flushes a group as soon as it reaches groupCommitMaxBytes, without waiting for the window', async () => {
    const dir = await tempDir();
    // A one-minute window: only the size limit can flush, so each record goes out on its own.
    const store = await DiskLedgerStore.open({ dir, groupCommitDelayMs: 60_000, groupCommitMaxBytes: 1 });
    const started = Date.now();
    const ledger = await store.createLedger();
    const before = store.stats().syncs;
    for (let i = 0; i < 5; i++) expect(await ledger.append(entryBytes(ledger.id, i, 100))).toBe(i);
    expect(store.stats().syncs - before).toBe(5);
    expect(Date.now() - started).toBeLessThan(5_000);
    await store.close();
  });
});

describe('DiskLedgerStore segments', () => {
  const small: Omit<DiskLedgerStoreOptions, 'dir'> = {
    segmentSizeBytes: 8192,
    syncPolicy: 'none',
    groupCommitDelayMs: 0,
  };

  it('rolls segments, indexes them and deletes a segment once all its ledgers are deleted', async () => {
    const dir = await tempDir();
    const store = await DiskLedgerStore.open({ dir, ...small });
    const a = await store.createLedger();
    for (let i = 0; i < 40; i++) await a.append(entryBytes(a.id, i, 1000));
    const b = await store.createLedger();
    for (let i = 0; i < 40; i++) await b.append(entryBytes(b.id, i, 1000));
    const rolled = await segmentFiles(dir);
    expect(rolled.length).toBeGreaterThan(8);
    await store.deleteLedger(a.id);
    await new Promise((r) => setTimeout(r, 50));
    const afterDelete = await segmentFiles(dir);
    expect(afterDelete.length).toBeLessThan(rolled.length - 3);
    expect((await b.read(0, 39)).every((d, i) => d.equals(entryBytes(b.id, i, 1000)))).toBe(true);
    await store.close();

    const reopened = await DiskLedgerStore.open({ dir, ...small });
    const b2 = await reopened.openLedger(b.id);
    expect((await b2.read(0, 39)).every((d, i) => d.equals(entryBytes(b.id, i, 1000)))).toBe(true);
    await reopened.deleteLedger(b.id);
    await reopened.close();
    // Only the last (empty) active segment and its successor's predecessors without live data remain.
    const reopenedAgain = await DiskLedgerStore.open({ dir, ...small });
    expect((await segmentFiles(dir)).length).toBe(1);
    await reopenedAgain.close();
  });

  it('keeps at most maxOpenFiles read descriptors', async () => {
    const dir = await tempDir();
    const store = await DiskLedgerStore.open({ dir, ...small, maxOpenFiles: 2 });
    const ledgers = await Promise.all(Array.from({ length: 10 }, () => store.createLedger()));
    for (let round = 0; round < 10; round++) {
      await Promise.all(ledgers.map((l) => l.append(entryBytes(l.id, round, 900))));
    }
    for (const l of ledgers) {
      const read = await l.read(0, 9);
      read.forEach((d, i) => expect(d.equals(entryBytes(l.id, i, 900))).toBe(true));
      expect(store.stats().openReadFiles).toBeLessThanOrEqual(2);
    }
    await store.close();
  });
});

describe('DiskLedgerStore I/O failure', () => {
  it('rejects the affected appends, fences writes and still serves acknowledged reads', async () => {
    const dir = await tempDir();
    const store = await DiskLedgerStore.open({ dir, segmentSizeBytes: 4096, groupCommitDelayMs: 0 });
    const ledger = await store.createLedger();
    await ledger.append(entryBytes(ledger.id, 0, 100));
    // Squat on the next segment's file name, so the roll cannot create it (a real EEXIST failure).
    const next = store.stats().activeSegment + 1;
    await fs.promises.writeFile(path.join(dir, 'segments', `${next}.log`), 'squatter');
    const failing = ledger.append(entryBytes(ledger.id, 1, 5000));
    await expect(failing).rejects.toBeInstanceOf(StorageIoError);
    await expect(failing).rejects.toMatchObject({ code: 'STORAGE_IO', ioCode: 'EEXIST' });
    await expect(ledger.append(Buffer.from('x'))).rejects.toBeInstanceOf(StoreFencedError);
    await expect(store.createLedger()).rejects.toBeInstanceOf(StoreFencedError);
    expect((await ledger.read(0, 0))[0].equals(entryBytes(ledger.id, 0, 100))).toBe(true);
    await store.close();
  });
});
