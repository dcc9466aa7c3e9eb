// Message priority (docs/design/0006), end to end against `magnetar standalone` in a child process:
//  1. throughput of a priority-enabled topic vs a plain one, same messages, same run (alternating);
//  2. publish-to-delivery latency of priority-9 messages published behind a priority-0 backlog
//     (1,000,000 entries by default) while a Shared consumer drains that backlog.
// Usage: npm run build && node bench/priority.mjs [--messages 100000] [--backlog 1000000]
//        [--samples 200] [--json]
import { performance } from 'node:perf_hooks';
import { makeDataDir, removeDir, startBroker } from './lib/broker.mjs';

const { Client } = await import('../packages/client/dist/index.js');

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const MESSAGES = arg('messages', 100_000);
const BACKLOG = arg('backlog', 1_000_000);
const SAMPLES = arg('samples', 200);
const asJson = args.includes('--json');
const PAYLOAD = Buffer.alloc(100, 'x');

async function admin(httpPort, method, path, body) {
  const res = await fetch(`http://127.0.0.1:${httpPort}/admin/v2${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

/** Sends `n` messages made by `make(i)` with at most `window` in flight. */
async function produce(producer, n, make, window = 2000) {
  const inflight = new Set();
  for (let i = 0; i < n; i++) {
    const p = producer.sendAsync(make(i));
    inflight.add(p);
    p.finally(() => inflight.delete(p));
    if (inflight.size >= window) await Promise.race(inflight);
  }
  await Promise.all(inflight);
}

/** Consumes until `n` messages arrived; resolves with the time the last one came. */
async function drain(consumer, n) {
  for (let got = 0; got < n; got++) {
    const m = await consumer.receive(30_000);
    void consumer.acknowledge(m);
  }
  return performance.now();
}

/** Produce and consume `MESSAGES` concurrently on a Shared subscription; messages per second. */
async function throughput(client, topic, batched) {
  const consumer = await client.subscribe({
    topic,
    subscription: 'tp',
    subscriptionType: 'Shared',
    subscriptionInitialPosition: 'Earliest',
  });
  const producer = await client.createProducer({ topic, batchingEnabled: batched, maxPendingMessages: 5000 });
  const t0 = performance.now();
  const done = drain(consumer, MESSAGES);
  // Unbatched: every message with a priority 0-9 as a property, as an official client sends it.
  await produce(producer, MESSAGES, (i) =>
    batched ? { data: PAYLOAD } : { data: PAYLOAD, properties: { 'magnetar.priority': String(i % 10) } },
  );
  const t1 = await done;
  await producer.close();
  await consumer.close();
  return Math.round(MESSAGES / ((t1 - t0) / 1000));
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * BACKLOG priority-0 entries, then a Shared consumer drains them while a priority-9 message is
 * published every 20 ms; each one's publish-to-receive time is recorded.
 */
async function latency(client, topic, backlog, paced = false) {
  const sub = await client.subscribe({ topic, subscription: 'lat', subscriptionType: 'Shared' });
  await sub.close();
  const producer = await client.createProducer({ topic, batchingEnabled: false, maxPendingMessages: 5000 });
  const tb = performance.now();
  await produce(producer, backlog, () => ({ data: PAYLOAD }));
  const backlogSecs = (performance.now() - tb) / 1000;
  // Paced: a worker-like consumer (small receiver queue, about 5,000 msg/s), so that the broker is
  // not saturated and the figure shows how soon the urgent message overtakes the backlog.
  const consumer = await client.subscribe({
    topic,
    subscription: 'lat',
    subscriptionType: 'Shared',
    receiverQueueSize: paced ? 20 : 1000,
  });
  const sentAt = new Map();
  const times = [];
  let first;
  const receiving = (async () => {
    let received = 0;
    while (times.length < SAMPLES) {
      const m = await consumer.receive(30_000);
      received++;
      void consumer.acknowledge(m);
      if (paced && received % 5 === 0) await new Promise((r) => setTimeout(r, 1));
      const id = m.getProperties()['bench.id'];
      if (id === undefined) continue;
      times.push(performance.now() - sentAt.get(id));
      if (id === '0') first = received;
    }
    return received;
  })();
  const receipts = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    sentAt.set(String(i), t);
    await producer.send({ data: PAYLOAD, priority: 9, properties: { 'bench.id': String(i) } });
    receipts.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 20));
  }
  const received = await receiving;
  await producer.close();
  await consumer.close();
  times.sort((a, b) => a - b);
  receipts.sort((a, b) => a - b);
  return {
    backlog,
    backlogPublishSecs: Number(backlogSecs.toFixed(1)),
    samples: times.length,
    p50Ms: Number(pct(times, 50).toFixed(2)),
    p99Ms: Number(pct(times, 99).toFixed(2)),
    maxMs: Number(times[times.length - 1].toFixed(2)),
    // The publish itself (send to receipt, fsync included), part of every sample above.
    sendReceiptP50Ms: Number(pct(receipts, 50).toFixed(2)),
    sendReceiptP99Ms: Number(pct(receipts, 99).toFixed(2)),
    firstUrgentWasMessageNo: first,
    backlogDeliveredMeanwhile: received - times.length,
  };
}

const dataDir = await makeDataDir();
const broker = await startBroker({ dataDir });
const client = new Client({ serviceUrl: broker.serviceUrl, operationTimeoutSeconds: 30 });
try {
  await admin(broker.httpPort, 'PUT', '/namespaces/public/plain', {});
  await admin(broker.httpPort, 'PUT', '/namespaces/public/prio', { priority: { enabled: true } });
  await new Promise((r) => setTimeout(r, 200));
  const rows = [];
  for (const batched of [false, true]) {
    const runs = { plain: [], prio: [] };
    // Alternate the order so warm-up and disk state favour neither.
    for (const [round, order] of [
      ['a', ['plain', 'prio']],
      ['b', ['prio', 'plain']],
    ]) {
      for (const ns of order) {
        const topic = `persistent://public/${ns}/tp-${batched ? 'b' : 'u'}-${round}`;
        runs[ns].push(await throughput(client, topic, batched));
      }
    }
    const best = (xs) => Math.max(...xs);
    rows.push({
      mode: batched ? 'batched, no priority set' : 'unbatched, priorities 0-9 as property',
      plainMsgPerSec: best(runs.plain),
      priorityMsgPerSec: best(runs.prio),
      ratio: Number((best(runs.prio) / best(runs.plain)).toFixed(3)),
      runs,
    });
  }
  // Baseline: the same samples on a plain topic with nothing in backlog (publish + fsync + delivery).
  const base = await latency(client, 'persistent://public/plain/latency-baseline', 0);
  const lat = await latency(client, 'persistent://public/prio/latency', BACKLOG);
  const paced = await latency(client, 'persistent://public/prio/latency-paced', BACKLOG, true);
  const result = {
    messages: MESSAGES,
    throughput: rows,
    latencyBaseline: base,
    latency: lat,
    latencyPaced: paced,
  };
  if (asJson) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    for (const r of rows)
      console.log(
        `throughput (${r.mode}): plain ${r.plainMsgPerSec} msg/s, priority ${r.priorityMsgPerSec} msg/s, ratio ${r.ratio}`,
      );
    console.log(
      `latency baseline (plain topic, no backlog): p50 ${base.p50Ms} ms, p99 ${base.p99Ms} ms, max ${base.maxMs} ms; send->receipt p50 ${base.sendReceiptP50Ms} ms, p99 ${base.sendReceiptP99Ms} ms`,
    );
    console.log(
      `latency, paced consumer (queue 20, ~5k msg/s): priority-9 behind ${paced.backlog} priority-0 entries: p50 ${paced.p50Ms} ms, p99 ${paced.p99Ms} ms, max ${paced.maxMs} ms; send->receipt p50 ${paced.sendReceiptP50Ms} ms, p99 ${paced.sendReceiptP99Ms} ms`,
    );
    console.log(
      `latency, consumer draining at full speed: priority-9 behind ${lat.backlog} priority-0 entries: p50 ${lat.p50Ms} ms, p99 ${lat.p99Ms} ms, max ${lat.maxMs} ms; of which send->receipt p50 ${lat.sendReceiptP50Ms} ms, p99 ${lat.sendReceiptP99Ms} ms (${lat.samples} samples; ${lat.backlogDeliveredMeanwhile} backlog messages delivered meanwhile)`,
    );
  }
} finally {
  await client.close();
  await broker.stop();
  await removeDir(dataDir);
}
