/**
 * `magnetar perf produce|consume|e2e <topic>`: the counterpart of pulsar-perf. Option parsing lives
 * in perf/options.ts, the load in perf/*-load.ts; this file only declares the commands and loads
 * the rest when one of them runs, so `magnetar --help` stays fast.
 */
import { Option, type Command } from 'commander';
import { addClientSecurityOptions, describeClientError } from '../security-options.js';
import {
  DEFAULT_ADMIN_URL,
  DEFAULT_SERVICE_URL,
  PERF_DEFAULTS,
  PerfOptionError,
  optionWarnings,
  parsePerfOptions,
  type PerfFlags,
  type PerfMode,
} from '../perf/options.js';

/** Exit status for bad options, as for `magnetar standalone`. */
const EXIT_BAD_OPTIONS = 2;

const DESCRIPTIONS: Record<PerfMode, string> = {
  produce: 'publish as fast as allowed (or at --rate) and report throughput and send→receipt latency',
  consume: 'consume and acknowledge, reporting throughput and receive − publish-time latency',
  e2e: 'produce and consume at once: publish latency, end-to-end latency, and whether consumers keep up',
};

function addCommonOptions(cmd: Command, mode: PerfMode): Command {
  const d = PERF_DEFAULTS;
  cmd
    .argument('<topic>', 'topic name; with --topics N the topics are <topic>-0 … <topic>-(N-1)')
    .option('--service-url <url>', 'broker service URL', DEFAULT_SERVICE_URL)
    .option('-t, --duration <seconds>', 'stop after this many seconds (after the warm-up); 0 = no limit', '0')
    .option(
      '-m, --num-messages <n>',
      mode === 'consume'
        ? 'stop after receiving this many messages; 0 = no limit'
        : 'messages to publish in total; 0 = no limit',
      '0',
    )
    .option('--topics <n>', 'number of topics', d.topics)
    .option(
      '--setup-concurrency <n>',
      'producers (and consumers) created at once before the run; keep it under the broker’s maxPendingRequestsPerConnection',
      d.setupConcurrency,
    )
    .option(
      '--partitions <n>',
      'create each topic as a partitioned topic with n partitions first (via --admin-url); 0 = leave as is',
      d.partitions,
    )
    .option('--admin-url <url>', 'admin REST URL, used by --partitions', DEFAULT_ADMIN_URL)
    .option(
      '--warmup <seconds>',
      'discard the figures of the first seconds (messages still count for -m)',
      d.warmup,
    )
    .option('--json', 'print the result as one JSON object on stdout (progress stays on stderr)')
    .option(
      '--client <name>',
      'Pulsar client that drives the broker: magnetar (ours) or pulsar-flex (the npm pure-JS client; ' +
        'one connection per producer/consumer, no batching, compression, partitions, KeyShared or TLS, ' +
        'token auth only' +
        (mode === 'e2e' ? '; the consumer thread uses it too' : '') +
        ')',
      d.client,
    );
  // Credentials and TLS files serve the client and the admin calls of --partitions alike.
  addClientSecurityOptions(cmd);
  if (mode !== 'consume') {
    cmd
      .option('-r, --rate <msgPerSec>', 'publish rate across all producers; 0 = as fast as possible', d.rate)
      .option('-s, --size <bytes>', 'message payload size', d.size)
      .option('--producers-per-topic <n>', 'producers on each topic', d.producersPerTopic)
      .option('--max-pending <n>', 'messages each producer may have awaiting a receipt', d.maxPending)
      .option('--batch-max-messages <n>', 'most messages in one batch', d.batchMaxMessages)
      .option('--batch-max-bytes <n>', 'most payload bytes in one batch', d.batchMaxBytes)
      .option('--batch-delay-ms <ms>', 'longest a batch stays open', d.batchDelayMs)
      .option('--no-batching', 'send every message as its own entry')
      .addOption(
        new Option('--compression <type>', 'payload compression')
          .choices(['none', 'lz4', 'zlib', 'zstd', 'snappy'])
          .default(d.compression),
      );
  }
  if (mode !== 'produce') {
    cmd
      .option('--consumers-per-topic <n>', 'consumers on each topic’s subscription', d.consumersPerTopic)
      .option('--subscription <name>', 'subscription name', d.subscription)
      .option('--subscription-type <type>', 'Exclusive, Shared, Failover or KeyShared', d.subscriptionType)
      .option(
        '--subscription-position <pos>',
        'where a new subscription starts: Latest or Earliest',
        d.subscriptionPosition,
      )
      .option('--receiver-queue-size <n>', 'messages each consumer may have queued', d.receiverQueueSize);
  }
  if (mode === 'e2e') {
    cmd.option(
      '--single-thread',
      'run the consumers on the producers’ thread and client (by default they get a worker thread and a client of their own)',
    );
  }
  return cmd;
}

async function runPerfCommand(mode: PerfMode, topic: string, flags: PerfFlags): Promise<void> {
  let opts;
  try {
    opts = parsePerfOptions(mode, topic, flags);
  } catch (err) {
    if (!(err instanceof PerfOptionError)) throw err;
    process.stderr.write(`magnetar perf: ${err.message}\n`);
    process.exitCode = EXIT_BAD_OPTIONS;
    return;
  }
  const [{ runPerf }, { formatSummary }] = await Promise.all([
    import('../perf/run.js'),
    import('../perf/report.js'),
  ]);
  for (const w of optionWarnings(opts)) process.stderr.write(`magnetar perf: ${w}\n`);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const result = await runPerf(opts, {
      signal: abort.signal,
      progress: (line) => process.stderr.write(`${line}\n`),
    });
    const text = opts.json ? `${JSON.stringify(result)}\n` : `${formatSummary(result)}\n`;
    if (opts.client === 'pulsar-flex') {
      // pulsar-flex leaves a 10 s timer behind every request (its response timeout, never
      // cleared), which would hold the process that long after the run: exit once printed.
      process.stdout.write(text, () => process.exit());
      return;
    }
    process.stdout.write(text);
  } catch (err) {
    // A broker that cannot be reached or refuses the producer is an operating error: one line.
    process.stderr.write(`magnetar perf: ${describeClientError(err)}\n`);
    process.exitCode = 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export function registerPerf(program: Command): void {
  const perf = program
    .command('perf')
    .description('load generator and benchmark (pulsar-perf counterpart): produce, consume, e2e');
  for (const mode of ['produce', 'consume', 'e2e'] as const) {
    addCommonOptions(perf.command(mode).description(DESCRIPTIONS[mode]), mode).action(
      (topic: string, flags: PerfFlags) => runPerfCommand(mode, topic, flags),
    );
  }
}
