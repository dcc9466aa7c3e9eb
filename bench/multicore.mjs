// `node bench/multicore.mjs`: the same many-topics publish load against `magnetar standalone
// --workers 1` and `--workers 2` (docs/design/0001-multi-core-standalone.md), alternating, in
// pairs (A B, then B A, so that a drift of the machine does not favour one side). Each run gets a
// fresh data directory (durable defaults: fsync group commit) and a separate `magnetar perf
// produce --topics N` child as the load generator, which shares the machine's cores with the
// broker processes. Prints a markdown table and, with --json FILE, writes every result.
//
// Options: --duration S (default 20), --warmup S (default 3), --topics N (default 16),
//          --pairs N (default 2), --only batched|nobatch, --json FILE.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { CLI, makeDataDir, removeDir, startBroker } from './lib/broker.mjs';
import { cpuSeconds, loadNow, parseArgs } from './lib/proc.mjs';

const args = parseArgs(process.argv.slice(2));
const DURATION_S = Number(args.duration ?? 20);
const WARMUP_S = Number(args.warmup ?? 3);
const TOPICS = Number(args.topics ?? 16);
const PAIRS = Number(args.pairs ?? 2);

const WORKLOADS = [
  {
    name: 'batched',
    title: `publish 100 B, batching, ${TOPICS} topics, 10,000 in flight per producer`,
    perf: ['--size', '100', '--max-pending', '10000'],
  },
  {
    name: 'nobatch',
    title: `publish 100 B, no batching, ${TOPICS} topics, ~1,000 in flight in all`,
    perf: ['--size', '100', '--no-batching', '--max-pending', String(Math.max(1, Math.floor(1000 / TOPICS)))],
  },
].filter((w) => args.only === undefined || args.only.split(',').includes(w.name));

/** The pids of a process and all its descendants (the primary and its workers). */
async function processTree(pid) {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const children = await readFile(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').catch(() => '');
    for (const c of children.trim().split(/\s+/).filter(Boolean)) out.push(Number(c));
  }
  return out;
}

async function treeCpuSeconds(pids) {
  let total = 0;
  for (const pid of pids) total += (await cpuSeconds(pid)) ?? 0;
  return total;
}

function runPerf(argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let lastCpu;
    const sampler = setInterval(async () => {
      const c = await cpuSeconds(child.pid);
      if (c) lastCpu = c;
    }, 200);
    child.stdout.on('data', (d) => (out += d.toString()));
    child.stderr.on('data', (d) => (err += d.toString()));
    child.once('exit', (code) => {
      clearInterval(sampler);
      if (code !== 0) return reject(new Error(`perf exited with ${code}\n${err.slice(-2000)}`));
      resolve({ result: JSON.parse(out.trim().split('\n').pop()), perfCpuS: lastCpu });
    });
  });
}

async function runOne(w, workers) {
  const dataDir = await makeDataDir();
  const broker = await startBroker({ dataDir, args: ['--workers', String(workers)] }).catch(async (err) => {
    await removeDir(dataDir);
    throw err;
  });
  const loadBefore = loadNow();
  try {
    const perfArgv = [
      CLI,
      'perf',
      'produce',
      ...w.perf,
      '--topics',
      String(TOPICS),
      `bench-mc-${w.name}`,
      '--service-url',
      broker.serviceUrl,
      '--duration',
      String(DURATION_S),
      '--warmup',
      String(WARMUP_S),
      '--json',
    ];
    const pids = await processTree(broker.child.pid);
    const cpu0 = await treeCpuSeconds(pids);
    const started = performance.now();
    const { result, perfCpuS } = await runPerf(perfArgv);
    const wallS = (performance.now() - started) / 1000;
    const died = broker.exitInfo();
    if (died) throw new Error(died);
    const brokerCpuS = (await treeCpuSeconds(pids)) - cpu0;
    return {
      workload: w.name,
      workers,
      command: `magnetar standalone --workers ${workers} … ; magnetar perf produce ${perfArgv.slice(3, perfArgv.indexOf('--service-url')).join(' ')} --duration ${DURATION_S} --warmup ${WARMUP_S} --json`,
      msgPerSec: Math.round(result.publish.msgPerSec),
      p99Ms: result.publish.latencyMs.p99,
      brokerCpuPct: Math.round((100 * brokerCpuS) / wallS),
      perfCpuPct: perfCpuS === undefined ? undefined : Math.round((100 * perfCpuS) / wallS),
      loadBefore,
      loadAfter: loadNow(),
    };
  } finally {
    await broker.stop();
    await removeDir(dataDir);
  }
}

const results = [];
for (const w of WORKLOADS) {
  for (let pair = 0; pair < PAIRS; pair++) {
    const order = pair % 2 === 0 ? [1, 2] : [2, 1];
    for (const workers of order) {
      process.stderr.write(`== ${w.title}: --workers ${workers} (pair ${pair + 1})\n`);
      // One retry: on a shared machine another job may end a broker mid-run; the report says so.
      const r = await runOne(w, workers).catch(async (err) => {
        process.stderr.write(`   run failed, retrying once: ${err.message.split('\n')[0]}\n`);
        return { ...(await runOne(w, workers)), retried: true };
      });
      process.stderr.write(`   ${r.msgPerSec} msg/s, p99 ${r.p99Ms} ms, broker CPU ${r.brokerCpuPct}%\n`);
      results.push(r);
    }
  }
}

const rows = results.map(
  (r) =>
    `| ${r.workload} | ${r.workers}${r.retried ? ' (retried)' : ''} | ${r.msgPerSec.toLocaleString('en-US')} | ${r.p99Ms} | ${r.brokerCpuPct}% | ${r.perfCpuPct ?? '?'}% | ${r.loadBefore} → ${r.loadAfter} |`,
);
const mean = (xs) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
const summary = WORKLOADS.map((w) => {
  const one = mean(results.filter((r) => r.workload === w.name && r.workers === 1).map((r) => r.msgPerSec));
  const two = mean(results.filter((r) => r.workload === w.name && r.workers === 2).map((r) => r.msgPerSec));
  return `- ${w.title}: --workers 1 ${one.toLocaleString('en-US')} msg/s, --workers 2 ${two.toLocaleString('en-US')} msg/s (${(two / one).toFixed(2)}x)`;
});
process.stdout.write(
  [
    `${new Date().toISOString()}, ${cpus().length} vCPU (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    `${DURATION_S} s per run after ${WARMUP_S} s warm-up, ${TOPICS} topics, ${PAIRS} pairs`,
    '',
    '| workload | workers | msg/s | publish p99 ms | broker CPU (all processes) | generator CPU | load 1/5/15 before → after |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...summary,
    '',
  ].join('\n'),
);
if (args.json) await writeFile(args.json, JSON.stringify(results, null, 2));
