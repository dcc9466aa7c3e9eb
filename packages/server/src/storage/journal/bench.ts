/**
 * Append throughput of the DiskLedgerStore hot path (group commit). Run from the repo root:
 *
 *   node_modules/.bin/vite-node packages/server/src/storage/journal/bench.ts [seconds-per-case]
 *
 * Each case keeps `ledgers × inFlight` appends outstanding (as many producers would) for a fixed
 * time and prints appends/s, MB/s, syncs/s and the mean group size. Data lives in os.tmpdir().
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SyncPolicy } from '../types.js';
import { DiskLedgerStore } from './disk-ledger-store.js';

interface Case {
  entryBytes: number;
  ledgers: number;
  inFlight: number;
  syncPolicy: SyncPolicy;
}

async function run(c: Case, seconds: number): Promise<void> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'magnetar-bench-'));
  const store = await DiskLedgerStore.open({ dir, syncPolicy: c.syncPolicy });
  try {
    const ledgers = await Promise.all(Array.from({ length: c.ledgers }, () => store.createLedger()));
    const payload = Buffer.alloc(c.entryBytes, 7);
    const deadline = Date.now() + seconds * 1000;
    const syncsBefore = store.stats().syncs;
    const started = process.hrtime.bigint();
    let appends = 0;
    const producer = async (i: number): Promise<void> => {
      const ledger = ledgers[i % ledgers.length];
      while (Date.now() < deadline) {
        await ledger.append(payload);
        appends++;
      }
    };
    await Promise.all(Array.from({ length: c.ledgers * c.inFlight }, (_, i) => producer(i)));
    const secs = Number(process.hrtime.bigint() - started) / 1e9;
    const syncs = store.stats().syncs - syncsBefore;
    console.log(
      [
        `${String(c.entryBytes).padStart(6)} B`,
        `${c.syncPolicy.padEnd(5)}`,
        `${c.ledgers} ledgers x ${c.inFlight} in flight`.padEnd(26),
        `${Math.round(appends / secs)
          .toLocaleString('en-US')
          .padStart(9)} appends/s`,
        `${((appends * c.entryBytes) / secs / 1e6).toFixed(1).padStart(7)} MB/s`,
        `${Math.round(syncs / secs)
          .toLocaleString('en-US')
          .padStart(6)} syncs/s`,
        `${(appends / Math.max(1, syncs)).toFixed(0).padStart(6)} appends/sync`,
      ].join('  '),
    );
  } finally {
    await store.close();
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

const seconds = Number(process.argv[2] ?? 3);
const cases: Case[] = [
  { entryBytes: 100, ledgers: 1, inFlight: 1, syncPolicy: 'fsync' },
  { entryBytes: 100, ledgers: 100, inFlight: 10, syncPolicy: 'fsync' },
  { entryBytes: 1024, ledgers: 100, inFlight: 10, syncPolicy: 'fsync' },
  { entryBytes: 100 * 1024, ledgers: 10, inFlight: 4, syncPolicy: 'fsync' },
  { entryBytes: 100, ledgers: 100, inFlight: 10, syncPolicy: 'none' },
  { entryBytes: 1024, ledgers: 100, inFlight: 10, syncPolicy: 'none' },
];
for (const c of cases) await run(c, seconds);
