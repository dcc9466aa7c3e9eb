// Catch-up read of a large backlog: `node bench/catchup.mjs [--size 10GB] [--reads warm,cold]`.
//
// 1. A fresh standalone broker (child process, default durable settings) on an empty temp data dir.
// 2. One durable subscription per planned read is created on the topic first (Earliest, then the
//    consumer is closed), so the backlog they hold is never trimmed.
// 3. `magnetar perf produce` publishes --size bytes of --msg-size payloads (default 1 KiB, batching,
//    10,000 in flight, as the publish-1kib workload of run.mjs) and exits.
// 4. For each read in --reads (`warm`: page cache as the publish left it; `cold`: the data dir's
//    files are first dropped from the page cache with POSIX_FADV_DONTNEED, `dd iflag=nocache
//    count=0`, which touches nothing else on the machine), `magnetar perf consume` reads that
//    subscription from the backlog's start to its end (-m = messages published) while the broker's
//    RSS and CPU are sampled every second. `warm:10000` sets that read's --receiver-queue-size.
// 5. Broker stopped, data dir removed (always, also on failure).
//
// --broker-set key=value[,…] passes `--set` options to the broker (for diagnostics; the workload
// itself runs on the defaults). Prints a summary and, with --json FILE, writes every figure (per-second MB/s, RSS samples, page
// cache residency from `fincore` before each read, free memory) to FILE.
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { makeDataDir, removeDir, startBroker } from './lib/broker.mjs';
import {
  cpuPct,
  dirSize,
  ioCounters,
  gib,
  loadNow,
  machine,
  median,
  meminfo,
  parseArgs,
  parseProgress,
  parseSize,
  rssStats,
  runPerf,
  sampleProcess,
  sleep,
} from './lib/proc.mjs';

const args = parseArgs(process.argv.slice(2), ['keep-going']);
const SIZE = parseSize(args.size ?? '10GB');
const MSG = Number(args['msg-size'] ?? 1024);
const MESSAGES = Math.ceil(SIZE / MSG);
const READS = (args.reads ?? 'warm,cold').split(',').map((spec, i) => {
  const [cache, rq] = spec.split(':');
  if (cache !== 'warm' && cache !== 'cold') throw new Error(`--reads: "${spec}" is not warm[:n] or cold[:n]`);
  return {
    cache,
    receiverQueue: Number(rq ?? args['receiver-queue-size'] ?? 1000),
    sub: `catchup-${i}-${cache}`,
  };
});
const TOPIC = 'persistent://public/default/catchup';
const SETTLE_MS = Number(args.settle ?? 5) * 1000;
/** `--broker-set key=value[,key=value]`: `--set` options for the broker (diagnostics only). */
const BROKER_SET = (args['broker-set'] ?? '').split(',').filter(Boolean);

/** Bytes of `files` resident in the page cache, from util-linux `fincore` (undefined if absent). */
function residentBytes(dir) {
  try {
    const files = execFileSync('find', [dir, '-type', 'f'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    let res = 0;
    let size = 0;
    for (let i = 0; i < files.length; i += 200) {
      const out = execFileSync(
        'fincore',
        ['--bytes', '--noheadings', '--raw', '-o', 'RES,SIZE', ...files.slice(i, i + 200)],
        {
          encoding: 'utf8',
        },
      );
      for (const line of out.split('\n').filter(Boolean)) {
        const [r, s] = line.trim().split(/\s+/).map(Number);
        res += r;
        size += s;
      }
    }
    return { residentBytes: res, fileBytes: size };
  } catch {
    return undefined;
  }
}

/** Drops the clean page-cache pages of every file under `dir` (POSIX_FADV_DONTNEED via GNU dd). */
function dropDirFromCache(dir) {
  const files = execFileSync('find', [dir, '-type', 'f'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const f of files) execFileSync('dd', [`if=${f}`, 'iflag=nocache', 'count=0', 'status=none']);
}

async function subscribeAll(serviceUrl) {
  const { Client } = await import('@magnetar/client');
  const client = new Client({ serviceUrl });
  try {
    for (const r of READS) {
      const c = await client.subscribe({
        topic: TOPIC,
        subscription: r.sub,
        subscriptionType: 'Exclusive',
        subscriptionInitialPosition: 'Earliest',
      });
      await c.close();
    }
  } finally {
    await client.close();
  }
}

const fmt = (n, d = 1) => (n === undefined ? 'n/a' : Number(n).toFixed(d));

async function main() {
  const mem0 = await meminfo();
  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    sizeBytes: SIZE,
    msgSize: MSG,
    messages: MESSAGES,
    brokerSet: BROKER_SET,
    memBefore: {
      totalGiB: gib(mem0.MemTotal),
      freeGiB: gib(mem0.MemFree),
      availableGiB: gib(mem0.MemAvailable),
      cachedGiB: gib(mem0.Cached),
    },
    reads: [],
  };
  process.stderr.write(
    `catch-up: ${MESSAGES.toLocaleString('en-US')} messages of ${MSG} B (${(SIZE / 1e9).toFixed(2)} GB), reads ${READS.map((r) => `${r.cache}:rq${r.receiverQueue}`).join(', ')}; load ${loadNow()}\n`,
  );
  const dataDir = await makeDataDir();
  let broker;
  try {
    broker = await startBroker({ dataDir, args: BROKER_SET.flatMap((kv) => ['--set', kv]) });
    await subscribeAll(broker.serviceUrl);

    // Publish the backlog.
    const loadBeforePub = loadNow();
    const brokerPub = sampleProcess(broker.child.pid);
    const pub = await runPerf(
      [
        'produce',
        TOPIC,
        '--service-url',
        broker.serviceUrl,
        '--size',
        String(MSG),
        '--max-pending',
        '10000',
        '--num-messages',
        String(MESSAGES),
      ],
      { label: 'produce', echo: args.quiet === undefined },
    );
    const pubSamples = await brokerPub.stop();
    if (broker.exitInfo()) throw new Error(broker.exitInfo());
    report.publish = {
      load: `${loadBeforePub} / ${loadNow()}`,
      messages: pub.result.publish.messages,
      mbPerSec: pub.result.publish.mbPerSec,
      msgPerSec: pub.result.publish.msgPerSec,
      seconds: pub.result.measuredS,
      errors: pub.result.publish.errors,
      p99Ms: pub.result.publish.latencyMs.p99,
      brokerRss: rssStats(pubSamples),
      brokerCpuPct: cpuPct(pubSamples),
    };
    if (pub.result.publish.messages !== MESSAGES || pub.result.publish.errors > 0) {
      throw new Error(`publish incomplete: ${JSON.stringify(report.publish)}`);
    }
    const disk = await dirSize(dataDir);
    report.dataDir = { bytes: disk.bytes, files: disk.files };
    process.stderr.write(
      `published ${(SIZE / 1e9).toFixed(2)} GB at ${pub.result.publish.mbPerSec} MB/s; data dir ${(disk.bytes / 1e9).toFixed(2)} GB in ${disk.files} files\n`,
    );

    for (const read of READS) {
      await sleep(SETTLE_MS); // let the publish's write-back and GC settle before each read
      if (read.cache === 'cold') dropDirFromCache(dataDir);
      const cache = residentBytes(dataDir);
      const mem = await meminfo();
      const loadBefore = loadNow();
      process.stderr.write(
        `\n== read ${read.sub} (${read.cache}, receiver queue ${read.receiverQueue}): page cache holds ${cache ? (cache.residentBytes / 1e9).toFixed(2) : '?'} of ${cache ? (cache.fileBytes / 1e9).toFixed(2) : '?'} GB of the data dir; free ${gib(mem.MemFree)} GiB, cached ${gib(mem.Cached)} GiB; load ${loadBefore}\n`,
      );
      const sampler = sampleProcess(broker.child.pid);
      const io0 = await ioCounters(broker.child.pid);
      const con = await runPerf(
        [
          'consume',
          TOPIC,
          '--service-url',
          broker.serviceUrl,
          '--subscription',
          read.sub,
          '--subscription-position',
          'Earliest',
          '--receiver-queue-size',
          String(read.receiverQueue),
          '--num-messages',
          String(MESSAGES),
        ],
        { label: `read ${read.cache}`, echo: args.quiet === undefined },
      );
      const samples = await sampler.stop();
      const io1 = await ioCounters(broker.child.pid);
      if (broker.exitInfo()) throw new Error(broker.exitInfo());
      // The read window: from the perf run's first progress tick - 1 s to its exit.
      const ticks = con.lines.map((l) => ({ t: l.t, p: parseProgress(l.line) })).filter((x) => x.p?.recv);
      const from = ticks.length ? ticks[0].t - 1000 : 0;
      const perSecond = ticks.map((x) => x.p.recv.mbPerSec);
      const c = con.result.consume;
      const r = {
        subscription: read.sub,
        cache: read.cache,
        receiverQueue: read.receiverQueue,
        load: `${loadBefore} / ${loadNow()}`,
        pageCacheBefore: cache,
        memBefore: { freeGiB: gib(mem.MemFree), cachedGiB: gib(mem.Cached) },
        messages: c.messages,
        bytes: c.bytes,
        seconds: con.result.measuredS,
        mbPerSec: c.mbPerSec,
        msgPerSec: c.msgPerSec,
        errors: c.errors,
        complete: c.messages >= MESSAGES,
        perSecondMbPerSec: perSecond,
        perSecond: {
          min: perSecond.length ? Math.min(...perSecond) : undefined,
          median: median(perSecond),
          max: perSecond.length ? Math.max(...perSecond) : undefined,
        },
        setupS: con.result.setup?.consumers?.seconds,
        brokerRss: rssStats(samples, from),
        brokerRssSeries: samples.filter((s) => s.t >= from).map((s) => Math.round(s.rssKiB / 1024)),
        brokerCpuPct: cpuPct(samples, from),
        generatorCpuPct: con.cpuS === undefined ? undefined : Math.round((100 * con.cpuS) / con.wallS),
        generatorPeakRssMiB: Math.round(con.peakRssKiB / 1024),
        // What the broker read to deliver it: rchar counts every byte read()/pread() returned
        // (page cache included), read_bytes what came from the disk itself.
        brokerReadGB: io0 && io1 ? Math.round((io1.rchar - io0.rchar) / 1e7) / 100 : undefined,
        brokerDiskReadGB: io0 && io1 ? Math.round((io1.read_bytes - io0.read_bytes) / 1e7) / 100 : undefined,
        readAmplification:
          io0 && io1 && c.bytes > 0 ? Math.round(((io1.rchar - io0.rchar) / c.bytes) * 10) / 10 : undefined,
      };
      report.reads.push(r);
      process.stderr.write(
        `read ${read.sub}: ${r.mbPerSec} MB/s over ${r.seconds} s (per second min ${fmt(r.perSecond.min)} median ${fmt(r.perSecond.median)} max ${fmt(r.perSecond.max)}); broker RSS min ${r.brokerRss?.minMiB} max ${r.brokerRss?.maxMiB} last ${r.brokerRss?.lastMiB} MiB, CPU ${r.brokerCpuPct}%; generator CPU ${r.generatorCpuPct}%; broker read ${r.brokerReadGB} GB (${r.readAmplification}× what it delivered), ${r.brokerDiskReadGB} GB of it from the disk\n`,
      );
    }
  } finally {
    if (broker) await broker.stop();
    await removeDir(dataDir);
  }
  const mem1 = await meminfo();
  report.memAfter = { freeGiB: gib(mem1.MemFree), cachedGiB: gib(mem1.Cached) };
  const lines = [
    `catch-up read, ${MESSAGES.toLocaleString('en-US')} × ${MSG} B = ${(SIZE / 1e9).toFixed(2)} GB; ${report.date}; machine ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.ramGiB} GiB; free ${report.memBefore.freeGiB} GiB before`,
    `publish: ${report.publish.mbPerSec} MB/s (${report.publish.seconds} s, p99 ${report.publish.p99Ms} ms, broker RSS max ${report.publish.brokerRss?.maxMiB} MiB, load ${report.publish.load}); data dir ${(report.dataDir.bytes / 1e9).toFixed(2)} GB, ${report.dataDir.files} files`,
    '',
    '| read | page cache before | MB/s (whole read) | per second min / median / max | s | broker RSS min / max / last MiB | broker CPU | generator CPU | broker read GB (× delivered) / from disk | load before / after |',
    '| --- | ---: | ---: | --- | ---: | --- | ---: | ---: | --- | --- |',
  ];
  for (const r of report.reads) {
    const pc = r.pageCacheBefore
      ? `${(r.pageCacheBefore.residentBytes / 1e9).toFixed(2)} of ${(r.pageCacheBefore.fileBytes / 1e9).toFixed(2)} GB`
      : 'n/a';
    lines.push(
      `| ${r.cache}, rq ${r.receiverQueue}${r.complete ? '' : ' (INCOMPLETE)'} | ${pc} | ${r.mbPerSec} | ${fmt(r.perSecond.min)} / ${fmt(r.perSecond.median)} / ${fmt(r.perSecond.max)} | ${r.seconds} | ${r.brokerRss?.minMiB} / ${r.brokerRss?.maxMiB} / ${r.brokerRss?.lastMiB} | ${r.brokerCpuPct}% | ${r.generatorCpuPct}% | ${r.brokerReadGB} (${r.readAmplification}×) / ${r.brokerDiskReadGB} | ${r.load} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (args.json) await writeFile(args.json, JSON.stringify(report, null, 2));
}

await main();
