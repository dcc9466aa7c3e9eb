// Start-up on a data directory holding many topics with a backlog:
// `node bench/startup-backlog.mjs [--topics 10000] [--messages 5] [--runs 5]`.
//
// 1. A fresh standalone broker (child process, default durable settings) on an empty temp data dir.
// 2. For each of --topics topics (`persistent://public/default/backlog-<i>`), with --concurrency
//    topics in flight at once over the client's one pooled connection: subscribe `sb` (Earliest)
//    and close the consumer, so the subscription exists and holds the backlog; create a producer
//    (no batching), publish --messages messages of --size bytes one after another (each its own
//    entry, awaited), close it.
// 3. Stop the broker (SIGTERM, graceful), note the data dir's size and file count.
// 4. --runs times: spawn `magnetar standalone` on that data dir and measure, from spawn, the first
//    TCP connection it accepts (poll-connect every 2 ms, bench/startup.mjs's method), its own ready
//    line, and the first message received by a consumer of `sb` on a random topic (a client created
//    in this process as soon as the port accepts; nothing is acknowledged, so every run finds the
//    same backlog); the broker's RSS then and 3 s later. SIGTERM and wait for the exit each time.
// 5. For comparison, --baseline cold starts on an empty data dir (bench/startup.mjs).
// The data dir is removed at the end, also on failure. --profile DIR runs the restarted brokers
// under --cpu-prof (summarise with bench/cpu-profile-summary.mjs).
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { Client } from '@magnetar/client';
import { CLI, freePort, makeDataDir, removeDir, rssKiB, startBroker, tryConnect } from './lib/broker.mjs';
import { dirSize, loadNow, machine, median, mib, parseArgs, sleep } from './lib/proc.mjs';
import { measureStartup } from './startup.mjs';

const args = parseArgs(process.argv.slice(2));
const TOPICS = Number(args.topics ?? 10_000);
const MESSAGES = Number(args.messages ?? 5);
const SIZE = Number(args.size ?? 100);
const RUNS = Number(args.runs ?? 5);
const BASELINE = Number(args.baseline ?? 5);
const CONCURRENCY = Number(args.concurrency ?? 100);
const LIMIT_MS = 120_000;
/** --profile DIR: run the restarted brokers under --cpu-prof, profiles into DIR. */
const PROFILE = args.profile;
const SUB = 'sb';
const topicName = (i) => `persistent://public/default/backlog-${i}`;

async function populate(serviceUrl) {
  const client = new Client({ serviceUrl, operationTimeoutSeconds: 120 });
  const payload = Buffer.alloc(SIZE, 7);
  let next = 0;
  let done = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (let i = next++; i < TOPICS; i = next++) {
      const topic = topicName(i);
      const consumer = await client.subscribe({
        topic,
        subscription: SUB,
        subscriptionType: 'Exclusive',
        subscriptionInitialPosition: 'Earliest',
      });
      await consumer.close();
      const producer = await client.createProducer({ topic, batchingEnabled: false });
      for (let m = 0; m < MESSAGES; m++) await producer.send({ data: payload });
      await producer.close();
      if (++done % 1000 === 0) {
        process.stderr.write(
          `populated ${done} topics in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
        );
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    await client.close();
  }
  return (performance.now() - t0) / 1000;
}

/** One restart on `dataDir`: spawn → first accepted connection, ready line, first message. */
async function restartOnce(dataDir) {
  const port = await freePort();
  const httpPort = await freePort();
  const topic = topicName(Math.floor(Math.random() * TOPICS));
  const argv = [
    ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : []),
    CLI,
    'standalone',
    '--data-dir',
    dataDir,
    '--port',
    String(port),
    '--http-port',
    String(httpPort),
  ];
  argv.push('--bind-address', '127.0.0.1', '--log-level', 'warn');
  const started = performance.now();
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d.toString()));
  child.stderr.on('data', (d) => (err += d.toString()));
  let client;
  try {
    let connectMs;
    while (performance.now() - started < LIMIT_MS && child.exitCode === null) {
      if (await tryConnect(port)) {
        connectMs = performance.now() - started;
        break;
      }
      await sleep(2);
    }
    if (connectMs === undefined) throw new Error(`broker did not accept a connection: ${out}\n${err}`);
    client = new Client({ serviceUrl: `pulsar://127.0.0.1:${port}`, operationTimeoutSeconds: 120 });
    const consumer = await client.subscribe({ topic, subscription: SUB, subscriptionType: 'Exclusive' });
    const subscribedMs = performance.now() - started;
    const msg = await consumer.receive();
    const firstMessageMs = performance.now() - started;
    if (msg.getData().length !== SIZE) throw new Error(`unexpected message of ${msg.getData().length} B`);
    const rssAtFirst = await rssKiB(child.pid);
    await sleep(3_000);
    const rssLater = await rssKiB(child.pid);
    const m = /ready in (\d+) ms/.exec(out);
    await consumer.close();
    return {
      topic,
      connectMs,
      readyMs: m ? Number(m[1]) : undefined,
      subscribedMs,
      firstMessageMs,
      rssAtFirstMiB: mib(rssAtFirst),
      rss3sLaterMiB: mib(rssLater),
    };
  } finally {
    await client?.close().catch(() => undefined);
    const stopAt = performance.now();
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    process.stderr.write(`  (stopped in ${(performance.now() - stopAt).toFixed(0)} ms)\n`);
  }
}

async function main() {
  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    workload: { topics: TOPICS, messagesPerTopic: MESSAGES, size: SIZE, runs: RUNS },
  };
  const dataDir = await makeDataDir();
  try {
    const loadPop = loadNow();
    const broker = await startBroker({ dataDir });
    let populateS;
    try {
      populateS = await populate(broker.serviceUrl);
    } finally {
      const stopAt = performance.now();
      await broker.stop(60_000);
      report.firstShutdownMs = Math.round(performance.now() - stopAt);
    }
    const disk = await dirSize(dataDir);
    report.populate = { seconds: Math.round(populateS * 10) / 10, load: `${loadPop} / ${loadNow()}` };
    report.dataDir = { bytes: disk.bytes, files: disk.files };
    process.stderr.write(
      `populated ${TOPICS} topics × ${MESSAGES} messages in ${populateS.toFixed(1)} s; data dir ${(disk.bytes / 1e6).toFixed(1)} MB in ${disk.files} files; shutdown ${report.firstShutdownMs} ms\n`,
    );
    report.runs = [];
    const loadBefore = loadNow();
    for (let i = 0; i < RUNS; i++) {
      const r = await restartOnce(dataDir);
      report.runs.push(r);
      process.stderr.write(
        `restart ${i + 1}: first connection ${r.connectMs.toFixed(0)} ms, ready line ${r.readyMs} ms, subscribed ${r.subscribedMs.toFixed(0)} ms, first message on ${r.topic.split('/').pop()} ${r.firstMessageMs.toFixed(0)} ms; RSS ${r.rssAtFirstMiB} → ${r.rss3sLaterMiB} MiB 3 s later\n`,
      );
    }
    report.restartLoad = `${loadBefore} / ${loadNow()}`;
    report.median = {
      connectMs: Math.round(median(report.runs.map((r) => r.connectMs))),
      readyMs: median(report.runs.map((r) => r.readyMs)),
      firstMessageMs: Math.round(median(report.runs.map((r) => r.firstMessageMs))),
      rss3sLaterMiB: median(report.runs.map((r) => r.rss3sLaterMiB)),
    };
  } finally {
    await removeDir(dataDir);
  }
  if (BASELINE > 0) {
    const loadB = loadNow();
    const b = await measureStartup(BASELINE);
    report.baselineEmpty = {
      medianConnectMs: Math.round(b.medianConnectMs),
      medianReadyMs: b.medianReadyMs,
      load: `${loadB} / ${loadNow()}`,
    };
  }
  const m = report.median;
  const lines = [
    `start-up with ${TOPICS.toLocaleString('en-US')} topics × ${MESSAGES} messages of ${SIZE} B and a subscription each; ${report.date}`,
    `data dir ${(report.dataDir.bytes / 1e6).toFixed(1)} MB in ${report.dataDir.files} files, populated in ${report.populate.seconds} s (load ${report.populate.load}); load during restarts ${report.restartLoad}`,
    '',
    '| figure (median of restarts) | value | every run |',
    '| --- | ---: | --- |',
    `| spawn → first accepted TCP connection | ${m.connectMs} ms | ${report.runs.map((r) => r.connectMs.toFixed(0)).join(', ')} |`,
    `| broker's own ready line | ${m.readyMs} ms | ${report.runs.map((r) => r.readyMs).join(', ')} |`,
    `| spawn → first message on a random topic | ${m.firstMessageMs} ms | ${report.runs.map((r) => r.firstMessageMs.toFixed(0)).join(', ')} |`,
    `| broker RSS 3 s after that | ${m.rss3sLaterMiB} MiB | ${report.runs.map((r) => r.rss3sLaterMiB).join(', ')} |`,
  ];
  if (report.baselineEmpty) {
    lines.push(
      `| (empty data dir, same session: first connection) | ${report.baselineEmpty.medianConnectMs} ms | load ${report.baselineEmpty.load} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (args.json) await writeFile(args.json, JSON.stringify(report, null, 2));
}

await main();
