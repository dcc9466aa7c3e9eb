// Many topics: `node bench/topics-10k.mjs [--topics 10000] [--rate 100000] [--generators 1]`.
//
// A fresh standalone broker (child process, default durable settings, empty temp data dir), then
// --generators `magnetar perf e2e` processes, each with --topics ÷ generators topics (one producer
// and one Exclusive consumer each; the consumers subscribe first, then the producers are created,
// perf's --setup-concurrency (default 100) topics at a time) sharing --rate ÷ generators msg/s of --size-byte messages
// (default 100 B; the client's default batching, 1 ms delay, so at 10 msg/s per topic every
// message is its own entry). Each generator runs --duration seconds (default 60) after all of its
// producers and consumers are connected; the rate is spread message by message over the producers
// (perf's round-robin pump), so every topic really gets rate ÷ topics msg/s.
//
// Reports per generator and in total: set-up time (consumers, producers), achieved publish and
// receive rates, publish latency (send → receipt) and publish-to-receive latency (receive time −
// publish_time, 1 ms resolution) p50/p99/max, errors, whether consumers kept up; per second the
// rates and p99s; the broker's RSS (when everything was connected, max and last of the measured
// window) and CPU share over that window, and each generator's CPU. With two generators the
// combined p99 lies between the two generators' p99s (a percentile of a mixture lies between
// those of its parts), so the larger one is quoted as the bound.
//
// Broker settings are the defaults: maxProducersPerConnection and maxConsumersPerConnection are
// 10,000, which one generator's single pooled connection reaches exactly (10,000 of each).
// `--broker-set key=value[,key=value]` passes `--set` options to the broker if ever needed;
// `--profile DIR` runs the broker and the generators under --cpu-prof; `--broker-node-args "…"`
// adds Node options to the broker (e.g. --heapsnapshot-signal=SIGUSR2 for a heap snapshot).
import { writeFile } from 'node:fs/promises';
import { makeDataDir, removeDir, startBroker } from './lib/broker.mjs';
import {
  cpuPct,
  gib,
  loadNow,
  machine,
  median,
  meminfo,
  parseArgs,
  parseProgress,
  rssStats,
  runPerf,
  sampleProcess,
} from './lib/proc.mjs';

const args = parseArgs(process.argv.slice(2));
const TOPICS = Number(args.topics ?? 10_000);
const RATE = Number(args.rate ?? 100_000);
const SIZE = Number(args.size ?? 100);
const DURATION = Number(args.duration ?? 60);
const GENERATORS = Number(args.generators ?? 1);
/** perf's --setup-concurrency: topics whose producer (consumer) is being created at once. */
const SETUP_CONCURRENCY = Number(args['setup-concurrency'] ?? 100);
const BROKER_SET = (args['broker-set'] ?? '').split(',').filter(Boolean);
/** --profile DIR: run the broker and the generators under --cpu-prof, profiles into DIR/<who>. */
const PROFILE = args.profile;
const profArgs = (who) => (PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}/${who}`] : []);
/** --broker-node-args "…": extra Node options for the broker (e.g. --heapsnapshot-signal=SIGUSR2). */
const BROKER_NODE_ARGS = (args['broker-node-args'] ?? '').split(' ').filter(Boolean);
if (TOPICS % GENERATORS !== 0) throw new Error('--topics must divide evenly by --generators');

const perGen = TOPICS / GENERATORS;
const ratePerGen = RATE / GENERATORS;

function generatorArgv(i, serviceUrl) {
  return [
    'e2e',
    `persistent://public/default/many-g${i}`,
    '--service-url',
    serviceUrl,
    '--topics',
    String(perGen),
    '--rate',
    String(ratePerGen),
    '--size',
    String(SIZE),
    '--duration',
    String(DURATION),
    '--setup-concurrency',
    String(SETUP_CONCURRENCY),
  ];
}

async function main() {
  const mem = await meminfo();
  const report = {
    date: new Date().toISOString(),
    machine: { ...machine(), freeGiB: gib(mem.MemFree) },
    workload: {
      topics: TOPICS,
      rate: RATE,
      size: SIZE,
      durationS: DURATION,
      generators: GENERATORS,
      setupConcurrency: SETUP_CONCURRENCY,
      brokerSet: BROKER_SET,
    },
    loadBefore: loadNow(),
  };
  process.stderr.write(`many topics: ${JSON.stringify(report.workload)}; load ${report.loadBefore}\n`);
  const dataDir = await makeDataDir();
  let broker;
  try {
    broker = await startBroker({
      dataDir,
      nodeArgs: [...profArgs('broker'), ...BROKER_NODE_ARGS],
      args: BROKER_SET.flatMap((kv) => ['--set', kv]),
    });
    const sampler = sampleProcess(broker.child.pid);
    const argvs = Array.from({ length: GENERATORS }, (_, i) => generatorArgv(i, broker.serviceUrl));
    for (const a of argvs) process.stderr.write(`$ magnetar perf ${a.join(' ')} --json\n`);
    let runs;
    try {
      runs = await Promise.all(
        argvs.map((a, i) => runPerf(a, { label: `gen${i}`, nodeArgs: profArgs(`gen${i}`) })),
      );
    } finally {
      await sampler.stop();
    }
    report.loadAfter = loadNow();
    if (broker.exitInfo()) throw new Error(broker.exitInfo());
    const abs = (run, t) => run.startedAt + t - sampler.startedAt; // generator time → sampler time
    const gens = runs.map((run, i) => {
      const setupLine = run.lines.find((l) => l.line.startsWith('set-up:'));
      const ticks = run.lines.map((l) => ({ t: l.t, p: parseProgress(l.line) })).filter((x) => x.p);
      const r = run.result;
      const from = setupLine ? setupLine.t : 0;
      const to = ticks.length ? ticks[ticks.length - 1].t : run.wallS * 1000;
      const genCpu = run.samples.filter((s) => s.t >= from && s.t <= to);
      return {
        generator: i,
        setup: r.setup,
        measuredS: r.measuredS,
        publish: {
          messages: r.publish.messages,
          msgPerSec: r.publish.msgPerSec,
          errors: r.publish.errors,
          firstError: r.publish.firstError,
          latencyMs: r.publish.latencyMs,
          drained: r.publish.drained,
        },
        consume: {
          messages: r.consume.messages,
          msgPerSec: r.consume.msgPerSec,
          errors: r.consume.errors,
          firstError: r.consume.firstError,
          e2eLatencyMs: r.consume.e2eLatencyMs,
          keptUp: r.consume.keptUp,
          backlogAtStop: r.consume.backlogAtStop,
          maxBacklog: r.consume.maxBacklog,
          drained: r.consume.drained,
        },
        perSecond: ticks.map((x) => ({
          s: x.p.s,
          pub: x.p.pub?.msgPerSec,
          recv: x.p.recv?.msgPerSec,
          pubP99: x.p.pub?.p99,
          e2eP99: x.p.recv?.p99,
        })),
        cpuPctSteady:
          genCpu.length >= 2
            ? Math.round(
                (100 * (genCpu.at(-1).cpuS - genCpu[0].cpuS)) / ((genCpu.at(-1).t - genCpu[0].t) / 1000),
              )
            : undefined,
        cpuPctLife: run.cpuS === undefined ? undefined : Math.round((100 * run.cpuS) / run.wallS),
        peakRssMiB: Math.round(run.peakRssKiB / 1024),
        window: { from: abs(run, from), to: abs(run, to) },
      };
    });
    const from = Math.max(...gens.map((g) => g.window.from));
    const to = Math.min(...gens.map((g) => g.window.to));
    const samples = sampler.samples;
    const atConnected = samples.filter((s) => s.t <= from).at(-1);
    report.broker = {
      rssWhenConnectedMiB: atConnected ? Math.round(atConnected.rssKiB / 1024) : undefined,
      rssSteady: rssStats(samples, from, to),
      rssPeakMiB: rssStats(samples)?.maxMiB,
      cpuPctSetup: cpuPct(samples, 0, from),
      cpuPctSteady: cpuPct(samples, from, to),
      rssSeriesMiB: samples.map((s) => Math.round(s.rssKiB / 1024)),
    };
    report.generators = gens;
    const sum = (f) => Math.round(gens.reduce((a, g) => a + f(g), 0));
    const worst = (f) => Math.max(...gens.map(f));
    // Per second over the measured window only (the ticks of the drain after it are left out).
    const steady = gens[0].perSecond
      .filter((x) => x.s <= DURATION)
      .map((_, k) => ({
        pub: sum((g) => g.perSecond[k]?.pub ?? 0),
        recv: sum((g) => g.perSecond[k]?.recv ?? 0),
        pubP99: worst((g) => g.perSecond[k]?.pubP99 ?? 0),
        e2eP99: worst((g) => g.perSecond[k]?.e2eP99 ?? 0),
      }));
    report.total = {
      publishMsgPerSec: sum((g) => g.publish.msgPerSec),
      receiveMsgPerSec: sum((g) => g.consume.msgPerSec),
      errors: sum((g) => g.publish.errors + g.consume.errors),
      keptUp: gens.every((g) => g.consume.keptUp),
      publishP50Ms: worst((g) => g.publish.latencyMs.p50),
      publishP99Ms: worst((g) => g.publish.latencyMs.p99),
      publishMaxMs: worst((g) => g.publish.latencyMs.max),
      e2eP50Ms: worst((g) => g.consume.e2eLatencyMs.p50),
      e2eP99Ms: worst((g) => g.consume.e2eLatencyMs.p99),
      e2eMaxMs: worst((g) => g.consume.e2eLatencyMs.max),
      setupConsumersS: worst((g) => g.setup.consumers?.seconds ?? 0),
      setupProducersS: worst((g) => g.setup.producers?.seconds ?? 0),
      perSecond: steady,
      perSecondPubMin: Math.min(...steady.map((x) => x.pub)),
      perSecondPubMedian: median(steady.map((x) => x.pub)),
      perSecondPubP99Median: median(steady.map((x) => x.pubP99)),
      perSecondPubP99Max: Math.max(...steady.map((x) => x.pubP99)),
      perSecondE2eP99Median: median(steady.map((x) => x.e2eP99)),
      perSecondE2eP99Max: Math.max(...steady.map((x) => x.e2eP99)),
    };
  } finally {
    if (broker) await broker.stop();
    await removeDir(dataDir);
  }
  const t = report.total;
  const b = report.broker;
  const n = (v) => (typeof v === 'number' ? v.toLocaleString('en-US') : String(v));
  const lines = [
    `${TOPICS.toLocaleString('en-US')} topics × (1 producer + 1 consumer), ${n(RATE)} msg/s of ${SIZE} B, ${DURATION} s after connecting, ${GENERATORS} generator process(es); ${report.date}; load ${report.loadBefore} / ${report.loadAfter}`,
    '',
    '| figure | value |',
    '| --- | ---: |',
    `| consumers subscribed (${SETUP_CONCURRENCY} at a time) | ${t.setupConsumersS} s |`,
    `| producers created (${SETUP_CONCURRENCY} at a time) | ${t.setupProducersS} s |`,
    `| published msg/s (target ${n(RATE)}) | ${n(t.publishMsgPerSec)} |`,
    `| received msg/s | ${n(t.receiveMsgPerSec)} |`,
    `| per second published: min / median | ${n(t.perSecondPubMin)} / ${n(t.perSecondPubMedian)} |`,
    `| publish latency p50 / p99 / max ms | ${t.publishP50Ms} / ${t.publishP99Ms} / ${t.publishMaxMs} |`,
    `| publish-to-receive p50 / p99 / max ms | ${t.e2eP50Ms} / ${t.e2eP99Ms} / ${t.e2eMaxMs} |`,
    `| per-second p99 publish: median / max ms | ${t.perSecondPubP99Median} / ${t.perSecondPubP99Max} |`,
    `| per-second p99 publish-to-receive: median / max ms | ${t.perSecondE2eP99Median} / ${t.perSecondE2eP99Max} |`,
    `| errors; consumers kept up | ${t.errors}; ${t.keptUp ? 'yes' : 'no'} |`,
    `| broker RSS when connected / max / last of the run (MiB) | ${b.rssWhenConnectedMiB} / ${b.rssSteady?.maxMiB} / ${b.rssSteady?.lastMiB} |`,
    `| broker CPU during set-up / the run | ${b.cpuPctSetup}% / ${b.cpuPctSteady}% |`,
    `| generator CPU during the run (each) | ${report.generators.map((g) => `${g.cpuPctSteady}%`).join(', ')} |`,
    `| generator peak RSS (each) | ${report.generators.map((g) => `${g.peakRssMiB} MiB`).join(', ')} |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (args.json) await writeFile(args.json, JSON.stringify(report, null, 2));
}

await main();
