// The once-a-second cursor flush with many subscriptions, in process:
// `node bench/cursor-flush.mjs [--tree DIR] [--topics 10000] [--rounds 5]`.
//
// Opens --topics managed ledgers (one entry and one cursor each) on a fresh DiskLedgerStore and
// FileMetadataStore (fsync, as the standalone's defaults) from DIR's built packages (default: this
// tree), then --rounds times: acknowledges the entry on every cursor (each becomes dirty), and times
// `flushCursors()` while a setImmediate loop measures how long the event loop was held at a
// stretch (the longest gap between two turns): what a publish arriving during the flush waits.
// Prints per round the flush's duration, the longest gap and the number of turns, then the medians.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median, parseArgs } from './lib/proc.mjs';

const args = parseArgs(process.argv.slice(2));
const tree = resolve(args.tree ?? join(import.meta.dirname, '..'));
const TOPICS = Number(args.topics ?? 10_000);
const ROUNDS = Number(args.rounds ?? 5);
const dist = (p) => pathToFileURL(join(tree, 'packages/server/dist', p)).href;

const { ManagedLedgerFactoryImpl } = await import(dist('storage/managed-ledger/index.js'));
const { FileMetadataStore } = await import(dist('metadata/file-metadata-store.js'));
const { DiskLedgerStore } = await import(dist('storage/journal/index.js'));
const { systemClock, systemScheduler } = await import(dist('util/clock.js'));

const dir = await mkdtemp(join(tmpdir(), 'magnetar-cursor-flush-'));
try {
  const metadata = await FileMetadataStore.open(join(dir, 'metadata'), {
    clock: systemClock,
    syncPolicy: 'fsync',
  });
  const ledgerStore = await DiskLedgerStore.open({ dir: join(dir, 'ledgers'), syncPolicy: 'fsync' });
  const factory = new ManagedLedgerFactoryImpl({
    ledgerStore,
    metadataStore: metadata,
    clock: systemClock,
    scheduler: systemScheduler,
    // The flush is driven by hand below, not by the timer.
    defaults: { cursorFlushIntervalMs: 3_600_000 },
  });
  const cursors = [];
  const t0 = performance.now();
  for (let i = 0; i < TOPICS; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, TOPICS - i) }, async (_, k) => {
        const ml = await factory.open(`public/default/persistent/flush-${i + k}`);
        const cursor = await ml.openCursor('sub', 'Earliest');
        const positions = [];
        for (let e = 0; e < ROUNDS; e++) positions.push(await ml.append(Buffer.alloc(100)));
        cursors.push({ cursor, positions });
      }),
    );
  }
  await factory.flushCursors();
  process.stdout.write(
    `${TOPICS} topics with a cursor each set up in ${((performance.now() - t0) / 1000).toFixed(1)} s; tree ${tree}\n`,
  );
  const rows = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const { cursor, positions } of cursors) cursor.ackIndividual([positions[round]]);
    const gaps = [];
    let last = performance.now();
    let running = true;
    const tick = () => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const start = performance.now();
    await factory.flushCursors();
    const took = performance.now() - start;
    running = false;
    await new Promise((r) => setImmediate(r));
    gaps.sort((a, b) => a - b);
    const row = { took, maxGap: gaps[gaps.length - 1], turns: gaps.length };
    rows.push(row);
    process.stdout.write(
      `round ${round + 1}: flush ${row.took.toFixed(1)} ms; event loop held at most ${row.maxGap.toFixed(1)} ms at a stretch (${row.turns} turns)\n`,
    );
  }
  process.stdout.write(
    `median of ${ROUNDS}: flush ${median(rows.map((r) => r.took)).toFixed(1)} ms, longest stretch ${median(rows.map((r) => r.maxGap)).toFixed(1)} ms\n`,
  );
  await factory.close();
  await ledgerStore.close();
  await metadata.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
