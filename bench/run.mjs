// `npm run bench`: end-to-end benchmarks of the built CLI. Each workload gets a fresh standalone
// broker (its own child process, default durable settings: fsync group commit) on a temporary data
// directory and a separate `magnetar perf … --json` child process as the load generator, so the two
// share the machine's cores as they would in production. Prints a markdown table.
//
// Options: --duration S (seconds per workload, default 20), --warmup S (default 2),
//          --only name[,name] (workload names below), --json FILE (write all results),
//          --profile DIR (run the broker and generator under --cpu-prof and summarise the profiles).
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { CLI, makeDataDir, removeDir, rssKiB, startBroker } from './lib/broker.mjs';
import { formatSummary, summarise } from './cpu-profile-summary.mjs';
import { mib } from './lib/proc.mjs';
import { measureStartup } from './startup.mjs';

const args = parseArgs(process.argv.slice(2));
const DURATION_S = Number(args.duration ?? 20);
const WARMUP_S = Number(args.warmup ?? 2);
/** Messages each producer may have awaiting a receipt in the batched throughput runs (10 batches). */
const BATCHED_WINDOW = 10_000;

/**
 * The workloads. `perf` is the perf subcommand and its flags (topic, duration and --json are added);
 * `figures` picks the numbers that go into the table, each with its target from the issue.
 */
const WORKLOADS = [
  {
    name: 'publish-100b',
    title: 'publish 100 B, batching, 1 producer',
    perf: ['produce', '--size', '100', '--max-pending', String(BATCHED_WINDOW)],
    figures: (r) => [
      fig('msg/s', r.publish.msgPerSec, '>= 2,000,000', r.publish.msgPerSec >= 2_000_000),
      fig('MB/s', r.publish.mbPerSec),
      fig('publish p99 ms', r.publish.latencyMs.p99),
    ],
  },
  {
    name: 'publish-1kib',
    title: 'publish 1 KiB, batching, 1 producer',
    perf: ['produce', '--size', '1024', '--max-pending', String(BATCHED_WINDOW)],
    figures: (r) => [
      fig('MB/s', r.publish.mbPerSec, '>= 500', r.publish.mbPerSec >= 500),
      fig('msg/s', r.publish.msgPerSec),
      fig('publish p99 ms', r.publish.latencyMs.p99),
    ],
  },
  {
    name: 'publish-nobatch',
    title: 'publish 100 B, no batching, 1,000 in flight',
    perf: ['produce', '--size', '100', '--no-batching', '--max-pending', '1000'],
    figures: (r) => [
      fig('msg/s', r.publish.msgPerSec, '>= 200,000', r.publish.msgPerSec >= 200_000),
      fig('publish p99 ms', r.publish.latencyMs.p99),
    ],
  },
  {
    name: 'e2e-100b',
    title: 'e2e 100 B, batching (produce + consume at once)',
    perf: ['e2e', '--size', '100', '--max-pending', String(BATCHED_WINDOW)],
    figures: (r) => [
      fig('received msg/s', r.consume.msgPerSec, '>= 1,000,000', r.consume.msgPerSec >= 1_000_000),
      fig('published msg/s', r.publish.msgPerSec),
      fig('consumer kept up', r.consume.keptUp ? 'yes' : 'no'),
      fig('backlog at stop', r.consume.backlogAtStop),
      fig('e2e p99 ms', r.consume.e2eLatencyMs.p99),
    ],
  },
  {
    // The same workload with a deeper receiver queue: shows how much of the e2e shortfall is the
    // FLOW round trip (1,000 permits cover one 1,000-message batch) rather than raw speed.
    name: 'e2e-100b-rq10k',
    title: 'e2e 100 B, batching, receiver queue 10,000',
    perf: ['e2e', '--size', '100', '--max-pending', String(BATCHED_WINDOW), '--receiver-queue-size', '10000'],
    figures: (r) => [
      fig('received msg/s', r.consume.msgPerSec, '>= 1,000,000', r.consume.msgPerSec >= 1_000_000),
      fig('published msg/s', r.publish.msgPerSec),
      fig('consumer kept up', r.consume.keptUp ? 'yes' : 'no'),
      fig('backlog at stop', r.consume.backlogAtStop),
      fig('e2e p99 ms', r.consume.e2eLatencyMs.p99),
    ],
  },
  {
    name: 'latency-10k',
    title: 'latency at 10,000 msg/s, 100 B, batch delay 1 ms',
    perf: ['e2e', '--size', '100', '--rate', '10000', '--batch-delay-ms', '1'],
    figures: (r) => [
      fig('achieved msg/s', r.publish.msgPerSec),
      fig('publish p50 ms', r.publish.latencyMs.p50),
      fig('publish p99 ms', r.publish.latencyMs.p99, '<= 10', r.publish.latencyMs.p99 <= 10),
      fig('publish p99.9 ms', r.publish.latencyMs.p999),
      fig('e2e p50 ms', r.consume.e2eLatencyMs.p50),
      fig('e2e p99 ms', r.consume.e2eLatencyMs.p99, '<= 15', r.consume.e2eLatencyMs.p99 <= 15),
      fig('e2e p99.9 ms', r.consume.e2eLatencyMs.p999),
    ],
  },
];

function fig(label, value, target = '', met = undefined) {
  return { label, value, target, met };
}

function parseArgs(list) {
  const out = {};
  for (let i = 0; i < list.length; i++) {
    const m = /^--([a-z-]+)$/.exec(list[i]);
    if (!m) throw new Error(`unknown argument ${list[i]}`);
    out[m[1]] = list[i + 1];
    i++;
  }
  return out;
}

/** Runs a child process to completion; resolves with its stdout (stderr is passed through). */
function runChild(argv, { onSpawn } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn?.(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    child.stderr.on('data', (d) => {
      err += d.toString();
      process.stderr.write(d);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${argv.join(' ')} exited with ${code}\n${err.slice(-2000)}`));
    });
  });
}

/** utime + stime of a process in seconds, from /proc (Linux). */
async function cpuSeconds(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks, USER_HZ = 100 on Linux
  } catch {
    return undefined;
  }
}

const load = () => loadavg()[0].toFixed(2);

async function runWorkload(w, profileDir) {
  const dataDir = await makeDataDir();
  const nodeArgs = (who) =>
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, `${w.name}-${who}`)}`] : [];
  const broker = await startBroker({ dataDir, nodeArgs: nodeArgs('broker') }).catch(async (err) => {
    await removeDir(dataDir);
    throw err;
  });
  const loadBefore = load();
  try {
    const perfArgv = [
      ...nodeArgs('perf'),
      CLI,
      'perf',
      ...w.perf,
      `bench-${w.name}`,
      '--service-url',
      broker.serviceUrl,
      '--duration',
      String(DURATION_S),
      '--warmup',
      String(WARMUP_S),
      '--json',
    ];
    process.stderr.write(
      `\n== ${w.title}\n$ magnetar ${perfArgv.slice(perfArgv.indexOf('perf')).join(' ')}\n`,
    );
    const brokerCpu0 = await cpuSeconds(broker.child.pid);
    let perfPid;
    let perfCpu;
    const started = performance.now();
    // Sample the generator's CPU just before it exits: /proc/<pid> is gone afterwards.
    const sampler = setInterval(async () => {
      const c = perfPid && (await cpuSeconds(perfPid));
      if (c !== undefined && c !== 0) perfCpu = c;
    }, 200);
    let out;
    try {
      out = await runChild(perfArgv, { onSpawn: (c) => (perfPid = c.pid) });
    } catch (err) {
      const died = broker.exitInfo();
      throw died ? new Error(`${died}\n${err.message}`) : err;
    } finally {
      clearInterval(sampler);
    }
    const wallS = (performance.now() - started) / 1000;
    const died = broker.exitInfo();
    if (died) throw new Error(died);
    const brokerCpu = (await cpuSeconds(broker.child.pid)) - brokerCpu0;
    const result = JSON.parse(out.trim().split('\n').pop());
    return {
      name: w.name,
      title: w.title,
      command: `magnetar perf ${w.perf.join(' ')} TOPIC --duration ${DURATION_S} --warmup ${WARMUP_S} --json`,
      loadBefore,
      loadAfter: load(),
      brokerCpuPct: Math.round((100 * brokerCpu) / wallS),
      perfCpuPct: perfCpu === undefined ? undefined : Math.round((100 * perfCpu) / wallS),
      figures: w.figures(result),
      result,
    };
  } finally {
    await broker.stop();
    await removeDir(dataDir);
  }
}

async function idleRss() {
  const dataDir = await makeDataDir();
  const broker = await startBroker({ dataDir }).catch(async (err) => {
    await removeDir(dataDir);
    throw err;
  });
  try {
    // Right after start, and once V8's memory reducer has run: it shrinks the heap after ~10 s
    // without allocation, so a standalone that stays idle settles lower than it starts.
    await new Promise((r) => setTimeout(r, 2_000));
    const early = mib(await rssKiB(broker.child.pid));
    const loadEarly = load();
    await new Promise((r) => setTimeout(r, 28_000));
    const settled = mib(await rssKiB(broker.child.pid));
    return { mib: early, load: loadEarly, settledMib: settled, settledLoad: load() };
  } finally {
    await broker.stop();
    await removeDir(dataDir);
  }
}

async function summariseProfiles(profileDir) {
  const out = [];
  for (const sub of (await readdir(profileDir)).sort()) {
    for (const f of await readdir(join(profileDir, sub))) {
      if (!f.endsWith('.cpuprofile')) continue;
      const s = summarise(JSON.parse(await readFile(join(profileDir, sub, f), 'utf8')), 20);
      out.push(`### ${sub}\n\n${formatSummary(s)}\n`);
    }
  }
  return out.join('\n');
}

function table(rows, startup, rss) {
  const lines = [
    '| workload | figure | result | target | met | load 1m before/after | broker CPU | generator CPU |',
    '| --- | --- | ---: | --- | --- | --- | ---: | ---: |',
  ];
  const show = (v) => (typeof v === 'number' ? v.toLocaleString('en-US') : String(v));
  for (const r of rows) {
    r.figures.forEach((f, i) => {
      const first = i === 0;
      lines.push(
        `| ${first ? r.title : ''} | ${f.label} | ${show(f.value)} | ${f.target} | ${
          f.met === undefined ? '' : f.met ? 'yes' : 'NO'
        } | ${first ? `${r.loadBefore} / ${r.loadAfter}` : ''} | ${first ? `${r.brokerCpuPct}%` : ''} | ${
          first && r.perfCpuPct !== undefined ? `${r.perfCpuPct}%` : ''
        } |`,
      );
    });
  }
  if (startup) {
    const met = startup.medianConnectMs <= 300;
    lines.push(
      `| standalone start-up (spawn → first accepted TCP connection, empty data dir, median of ${startup.samples.length}) | ms | ${startup.medianConnectMs.toFixed(0)} | <= 300 | ${met ? 'yes' : 'NO'} | ${startup.load} | | |`,
    );
  }
  if (rss) {
    const met = (v) => (v !== undefined && v <= 80 ? 'yes' : 'NO');
    lines.push(
      `| idle RSS after start (+2 s idle) | MiB | ${rss.mib ?? 'n/a'} | <= 80 | ${met(rss.mib)} | ${rss.load} | | |`,
      `| idle RSS of the same broker after 30 s idle | MiB | ${rss.settledMib ?? 'n/a'} | <= 80 | ${met(rss.settledMib)} | ${rss.settledLoad} | | |`,
    );
  }
  return lines.join('\n');
}

async function main() {
  const only = args.only ? new Set(args.only.split(',')) : undefined;
  const wanted = (name) => !only || only.has(name);
  const profileDir = args.profile;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const machine = {
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    ramGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  process.stderr.write(`machine: ${JSON.stringify(machine)}\n`);
  const rows = [];
  for (const w of WORKLOADS) {
    if (!wanted(w.name)) continue;
    try {
      rows.push(await runWorkload(w, profileDir));
    } catch (err) {
      // One failed workload is reported in its row; the others still run.
      process.stderr.write(`${w.name} failed: ${err.stack ?? err}\n`);
      rows.push({
        title: w.title,
        figures: [fig('failed', String(err.message).split('\n')[0])],
        loadBefore: load(),
        loadAfter: load(),
        brokerCpuPct: '',
      });
    }
  }
  let startup;
  if (wanted('startup')) {
    const loadBefore = load();
    startup = { ...(await measureStartup(5)), load: `${loadBefore} / ${load()}` };
  }
  const rss = wanted('rss') ? await idleRss() : undefined;
  const md = table(rows, startup, rss);
  process.stdout.write(
    `\nMagnetar benchmarks, ${machine.date}, ${machine.cpus} × ${machine.cpuModel}, ${machine.ramGiB} GiB RAM, node ${machine.node}; ` +
      `${DURATION_S} s per workload after ${WARMUP_S} s warm-up\n\n${md}\n`,
  );
  if (profileDir)
    process.stdout.write(`\n## CPU profiles (self time)\n\n${await summariseProfiles(profileDir)}`);
  if (args.json) await writeFile(args.json, JSON.stringify({ machine, rows, startup, rss }, null, 2));
}

await main();
