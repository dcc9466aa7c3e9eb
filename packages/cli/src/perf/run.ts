/**
 * Runs one `magnetar perf` workload: subscribes the consumers first (consume, e2e), starts the
 * producers (produce, e2e), prints a progress line every second, stops at --duration, -m or an
 * abort, waits for what is in flight, and returns the figures of the measured window. In e2e the
 * consumers run in a worker thread with their own client (consume-thread.ts) unless
 * --single-thread; the producers always run here.
 */
import { AdminClient } from '../admin/http.js';
import type { ClientSecurity } from '../security-options.js';
import { ConsumeLoad } from './consume-load.js';
import { LocalConsume, type ConsumeFinal, type ConsumeSide } from './consume-side.js';
import { ConsumeThread } from './consume-thread.js';
import { createPerfClient, type PerfClient } from './driver.js';
import type { PerfOptions } from './options.js';
import { ensurePartitioned, type FetchLike } from './partitions.js';
import { PublishLoad } from './publish-load.js';
import {
  formatProgress,
  formatSetup,
  keptUp,
  setupTimes,
  type PerfResult,
  type ProgressSample,
  type SetupTimes,
} from './report.js';
import { throughput } from './stats.js';

/** How long, at most, to wait for receipts once production stops. */
const DRAIN_TIMEOUT_MS = 30_000;
/** e2e: how long the consumers may go without a message before the catch-up wait gives up. */
const CONSUMER_IDLE_MS = 5_000;
/** e2e: the longest the consumers may take to catch up after production stops. */
const CONSUMER_DRAIN_LIMIT_MS = 30_000;
const PROGRESS_INTERVAL_MS = 1_000;

export interface PerfIO {
  /** Progress lines go here (stderr), so that --json output on stdout stays one object. */
  progress: (line: string) => void;
  signal: AbortSignal;
  /** Monotonic milliseconds; performance.now by default. */
  now?: () => number;
  /**
   * For the admin calls of --partitions; by default an admin client for --admin-url with the
   * run's credentials and TLS files, as pulsar-perf builds its PulsarAdmin from the same options.
   */
  fetch?: FetchLike;
}

/** What happened when production stopped, and while in-flight work drained. */
interface StopRecord {
  stoppedAt: number;
  backlogAtStop: number;
  receivedAtStop: { messages: number; bytes: number } | undefined;
  publishDrained: boolean;
  consumerDrained: boolean | undefined;
  drainS: number;
  /** The consumers' errors and latencies, taken after the catch-up. */
  consumed: ConsumeFinal | undefined;
}

/** Resolves when any stop condition happens; `cancel` removes its timer and listener. */
function stopTrigger(
  opts: PerfOptions,
  signal: AbortSignal,
  limits: Promise<void>[],
): { stopped: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => {
    if (opts.durationS > 0) timer = setTimeout(resolve, (opts.warmupS + opts.durationS) * 1000);
    onAbort = () => resolve();
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', onAbort, { once: true });
    for (const l of limits) void l.then(resolve);
  });
  return {
    stopped,
    cancel: () => {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    },
  };
}

class PerfRun {
  private readonly publish: PublishLoad | undefined;
  private ticker: NodeJS.Timeout | undefined;
  /** The progress line being completed (the consumer thread answers a message later). */
  private ticking: Promise<void> | undefined;
  private startedAt = 0;
  private measureFrom = 0;
  private warmingUp: boolean;
  private maxBacklog = 0;
  /** Bumped when the measured figures restart, so a sample taken before does not count after. */
  private statsEpoch = 0;
  private setup: SetupTimes = {};

  constructor(
    private readonly opts: PerfOptions,
    private readonly io: PerfIO,
    private readonly now: () => number,
    private readonly consume: ConsumeSide | undefined,
  ) {
    this.publish = opts.mode === 'consume' ? undefined : new PublishLoad(opts, now);
    this.warmingUp = opts.warmupS > 0;
  }

  async run(client: PerfClient): Promise<PerfResult> {
    try {
      // Subscribe before producing so that a Latest subscription sees every message of the run.
      const t0 = this.now();
      await this.consume?.start();
      const t1 = this.now();
      await this.publish?.start(client);
      const t2 = this.now();
      this.setup = setupTimes(this.consume?.count, t1 - t0, this.publish?.count, t2 - t1);
      this.io.progress(formatSetup(this.setup));
      this.startedAt = this.measureFrom = this.now();
      this.ticker = setInterval(this.tick, PROGRESS_INTERVAL_MS);
      const limits = [this.publish?.limitReached];
      if (this.opts.mode === 'consume') limits.push(this.consume?.limitReached);
      // A consumer thread that dies stops the run; stopAndDrain then fails with its error.
      limits.push(this.consume?.failed?.then(() => undefined));
      const trigger = stopTrigger(
        this.opts,
        this.io.signal,
        limits.filter((l): l is Promise<void> => l !== undefined),
      );
      await trigger.stopped;
      trigger.cancel();
      const stop = await this.stopAndDrain();
      return this.result(stop);
    } finally {
      clearInterval(this.ticker);
      await this.ticking;
      await this.publish?.close();
      await this.consume?.close();
    }
  }

  /** Published − received: from the receipts counted here and the consumers' count. */
  private backlog(acked: number, received: number): number {
    return Math.max(0, acked - received);
  }

  /** One progress line, unless the consumers have not answered for the previous one yet. */
  private readonly tick = (): void => {
    if (this.ticking) return;
    this.ticking = this.progress()
      .catch(() => undefined) // a dead consumer thread stops the run; the line is just lost
      .finally(() => (this.ticking = undefined));
  };

  /**
   * The warm-up ends at the first tick after --warmup seconds, right after that tick's sample, so
   * every printed interval is whole and the measured window starts on a tick.
   */
  private async progress(): Promise<void> {
    const t = this.now();
    const sample: ProgressSample = { elapsedS: (t - this.startedAt) / 1000, warmingUp: this.warmingUp };
    const { publish, consume } = this;
    const acked = publish?.totalAcked ?? 0;
    if (publish) {
      sample.publish = {
        rate: publish.meter.interval(t),
        latency: publish.latency.roll(),
        inFlight: publish.inFlight,
        errors: publish.errors,
      };
    }
    const endWarmup = this.warmingUp && t - this.startedAt >= this.opts.warmupS * 1000;
    const epoch = this.statsEpoch;
    // Asked before the reset below: the consumers reset their own figures right after this sample.
    const consumed = consume?.sample(t, endWarmup);
    if (endWarmup) {
      this.warmingUp = false;
      this.measureFrom = t;
      this.publish?.resetStats(t);
      this.maxBacklog = 0;
      this.statsEpoch++;
    }
    if (consumed) {
      const c = await consumed;
      const backlog = publish ? this.backlog(acked, c.totalReceived) : undefined;
      if (backlog !== undefined && epoch === this.statsEpoch && backlog > this.maxBacklog) {
        this.maxBacklog = backlog;
      }
      sample.consume = { rate: c.rate, latency: c.latency, backlog };
    }
    this.io.progress(formatProgress(sample));
  }

  /** Stops producing, waits for receipts, then (e2e) for the consumers to catch up. */
  private async stopAndDrain(): Promise<StopRecord> {
    const stoppedAt = this.now();
    // A stop inside the warm-up reports the whole run rather than nothing.
    this.warmingUp = false;
    this.publish?.stop();
    const acked = this.publish?.totalAcked ?? 0;
    const c = this.consume;
    const atStop = await c?.snapshot();
    const backlogAtStop = this.publish && atStop ? this.backlog(acked, atStop.totalReceived) : 0;
    const receivedAtStop = atStop ? { messages: atStop.messages, bytes: atStop.bytes } : undefined;
    const publishDrained = this.publish ? await this.publish.drain(DRAIN_TIMEOUT_MS) : true;
    const drainFrom = this.now();
    const consumerDrained =
      this.publish && c
        ? await c.waitFor(this.publish.totalAcked, CONSUMER_IDLE_MS, CONSUMER_DRAIN_LIMIT_MS)
        : undefined;
    const drainS = Math.round((this.now() - drainFrom) / 100) / 10;
    const consumed = await c?.finish();
    return { stoppedAt, backlogAtStop, receivedAtStop, publishDrained, consumerDrained, drainS, consumed };
  }

  private result(stop: StopRecord): PerfResult {
    const { json: _json, security: _security, client, ...rest } = this.opts;
    // The default client is left out, so a default run prints what it did before --client.
    const options = client === 'magnetar' ? rest : { ...rest, client };
    const result: PerfResult = {
      mode: this.opts.mode,
      startedAt: new Date(Date.now() - (this.now() - this.startedAt)).toISOString(),
      options,
      warmupS: this.opts.warmupS,
      measuredS: 0,
      setup: this.setup,
    };
    let end = stop.stoppedAt;
    const p = this.publish;
    if (p) {
      // Publishing counts every receipt, so its window ends at the last one (after the stop).
      const pubEnd = Math.max(p.lastAckAt, this.measureFrom);
      end = Math.max(end, pubEnd);
      result.publish = {
        messages: p.meter.messages,
        bytes: p.meter.bytes,
        ...throughput(p.meter.messages, p.meter.bytes, pubEnd - this.measureFrom),
        errors: p.errors,
        ...(p.firstError ? { firstError: p.firstError } : {}),
        latencyMs: p.latency.summary(),
        drained: stop.publishDrained,
      };
    }
    const c = stop.consumed;
    if (c && stop.receivedAtStop) {
      // Receiving counts up to the stop; the e2e catch-up afterwards is reported on its own.
      const { messages, bytes } = stop.receivedAtStop;
      result.consume = {
        messages,
        bytes,
        ...throughput(messages, bytes, stop.stoppedAt - this.measureFrom),
        errors: c.errors,
        ...(c.firstError ? { firstError: c.firstError } : {}),
        e2eLatencyMs: c.latency,
      };
      if (result.publish) {
        Object.assign(result.consume, {
          backlogAtStop: stop.backlogAtStop,
          maxBacklog: Math.max(this.maxBacklog, stop.backlogAtStop),
          drained: stop.consumerDrained,
          drainS: stop.drainS,
          keptUp: keptUp(stop.backlogAtStop, result.publish.msgPerSec),
        });
      }
    }
    result.measuredS = Math.round((end - this.measureFrom) / 100) / 10;
    return result;
  }
}

/** A FetchLike over the admin client, so --partitions sends the credentials and trusts the CA. */
export function adminFetch(adminUrl: string, security: ClientSecurity): FetchLike {
  const admin = new AdminClient(adminUrl, {
    auth: security.credentials,
    tls: {
      trustCertsFile: security.trustCertsFile,
      allowInsecure: security.allowInsecureConnection,
      certFile: security.certFile,
      keyFile: security.keyFile,
    },
  });
  return async (url, init) => {
    const body = init?.body === undefined ? undefined : (JSON.parse(init.body) as unknown);
    // An absolute URL replaces the admin client's base.
    const res = await admin.send(init?.method ?? 'GET', url, body);
    const text = res.body.toString('utf8');
    return { status: res.status, text: () => Promise.resolve(text) };
  };
}

export async function runPerf(opts: PerfOptions, io: PerfIO): Promise<PerfResult> {
  if (opts.partitions > 0) {
    const fetchFn = io.fetch ?? adminFetch(opts.adminUrl, opts.security);
    for (const topic of opts.topics) {
      const how = await ensurePartitioned(opts.adminUrl, topic, opts.partitions, fetchFn);
      io.progress(
        `${topic}: ${how === 'created' ? 'created with' : 'already has'} ${opts.partitions} partitions`,
      );
    }
  }
  const client = await createPerfClient(opts);
  const now = io.now ?? (() => performance.now());
  try {
    return await new PerfRun(opts, io, now, consumeSide(opts, client, now)).run(client);
  } finally {
    await client.close();
  }
}

/**
 * Where the consumers run: none in produce; in e2e a worker thread with its own client (the run's
 * options, credentials included, cross as data and the worker builds its own client config), so
 * receiving gets a core of its own; on this thread and client in consume and `e2e --single-thread`.
 */
function consumeSide(opts: PerfOptions, client: PerfClient, now: () => number): ConsumeSide | undefined {
  if (opts.mode === 'produce') return undefined;
  if (opts.mode === 'e2e' && !opts.singleThread) return new ConsumeThread(opts);
  return new LocalConsume(new ConsumeLoad(opts, now), client);
}
