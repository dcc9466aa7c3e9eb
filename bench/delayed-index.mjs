// Resident memory of the delayed-delivery index (broker/delayed) holding N delayed messages of one
// subscription, measured with process.memoryUsage() around the index, with buckets spilled to
// disk (durable subscriptions) and, for comparison, all in memory (non-durable ones).
// Usage: npm run build && node --expose-gc bench/delayed-index.mjs [--count 1000000] [--json]
// Delivery times are spread uniformly over the next hour, positions are consecutive.
import { mkdtemp, rm, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';

const { DelayedDeliveryTracker } = await import('../packages/server/dist/broker/delayed/delayed-tracker.js');
const { BucketStore } = await import('../packages/server/dist/broker/delayed/bucket-store.js');

const args = process.argv.slice(2);
const count = Number(args[args.indexOf('--count') + 1] || 0) || 1_000_000;
const asJson = args.includes('--json');
const MiB = 1024 * 1024;

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc for stable figures');
  process.exit(2);
}

/** Heap + typed-array memory, after a full collection. */
function used() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, arrays: m.arrayBuffers, external: m.external, rss: m.rss };
}

const clock = { now: () => Date.now() };
const scheduler = {
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
};

async function measure(spill) {
  const dir = await mkdtemp(join(tmpdir(), 'magnetar-bench-delayed-'));
  try {
    const before = used();
    const started = performance.now();
    const tracker = new DelayedDeliveryTracker({
      clock,
      scheduler,
      tickMs: 1000,
      bucketSize: 50_000,
      segmentSize: 5_000,
      store: spill ? new BucketStore(dir) : undefined,
      log: pino({ level: 'silent' }),
    });
    await tracker.whenReady();
    const now = Date.now();
    // A cheap deterministic spread of delays over one hour (an LCG), so runs are comparable.
    let x = 12345;
    for (let i = 0; i < count; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      tracker.add(
        { ledgerId: 1 + Math.floor(i / 50_000), entryId: i % 50_000 },
        now + 60_000 + (x % 3_600_000),
      );
      // Let bucket writes proceed now and then, as they would between dispatcher reads.
      if (i % 200_000 === 199_999) await tracker.flushed();
    }
    await tracker.flushed();
    await tracker.flushed();
    const addMs = performance.now() - started;
    const after = used();
    const files = spill ? await readdir(dir) : [];
    let diskBytes = 0;
    for (const f of files) diskBytes += (await stat(join(dir, f))).size;
    const result = {
      mode: spill ? 'spilled to disk (durable subscription)' : 'memory only (non-durable subscription)',
      messages: tracker.size,
      indexBytes: tracker.memoryBytes,
      heapDeltaMiB: (after.heap - before.heap) / MiB,
      arrayBuffersDeltaMiB: (after.arrays - before.arrays) / MiB,
      residentDeltaMiB: (after.heap + after.arrays - before.heap - before.arrays) / MiB,
      rssDeltaMiB: (after.rss - before.rss) / MiB,
      buckets: tracker.bucketCount,
      diskMiB: diskBytes / MiB,
      addMs: Math.round(addMs),
    };
    let reopenMs;
    if (spill) {
      await tracker.close();
      const t0 = performance.now();
      const again = new DelayedDeliveryTracker({
        clock,
        scheduler,
        tickMs: 1000,
        bucketSize: 50_000,
        segmentSize: 5_000,
        store: new BucketStore(dir),
        log: pino({ level: 'silent' }),
      });
      await again.whenReady();
      reopenMs = performance.now() - t0;
      result.reopenedMessages = again.size;
      result.reopenMs = Math.round(reopenMs);
      await again.close();
    }
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const results = [await measure(true), await measure(false)];
if (asJson) console.log(JSON.stringify(results, null, 2));
else {
  console.log(`delayed-delivery index, ${count.toLocaleString('en')} messages on one subscription`);
  for (const r of results) {
    console.log(`\n${r.mode}`);
    console.log(`  held messages            ${r.messages}`);
    console.log(`  index arrays (reported)  ${(r.indexBytes / MiB).toFixed(1)} MiB`);
    console.log(
      `  heap + arrayBuffers      +${r.residentDeltaMiB.toFixed(1)} MiB  (heap ${r.heapDeltaMiB.toFixed(1)}, arrays ${r.arrayBuffersDeltaMiB.toFixed(1)})`,
    );
    console.log(`  rss                      +${r.rssDeltaMiB.toFixed(1)} MiB`);
    if (r.buckets) console.log(`  buckets on disk          ${r.buckets} (${r.diskMiB.toFixed(1)} MiB)`);
    console.log(`  add time                 ${r.addMs} ms`);
    if (r.reopenMs !== undefined)
      console.log(`  reopen (restart)         ${r.reopenMs} ms, ${r.reopenedMessages} messages back`);
  }
}
