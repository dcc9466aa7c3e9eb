/**
 * What a perf run prints: one progress line per second, a final summary in text, or the result as
 * one JSON object (`--json`). Pure formatting over plain data.
 */
import type { PerfClientName, PerfMode, PerfOptions } from './options.js';
import type { LatencySummary, Throughput } from './stats.js';

export interface PublishResult extends Throughput {
  messages: number;
  bytes: number;
  errors: number;
  firstError?: string;
  /** send() → SEND_RECEIPT, per message. */
  latencyMs: LatencySummary;
  /** Whether every message in flight at the stop got its receipt in time. */
  drained: boolean;
}

export interface ConsumeResult extends Throughput {
  messages: number;
  bytes: number;
  errors: number;
  firstError?: string;
  /** Receive time − publish_time, per message (1 ms resolution). */
  e2eLatencyMs: LatencySummary;
  /** e2e only: messages acknowledged to the producers but not yet received when production stopped. */
  backlogAtStop?: number;
  /** e2e only: the largest such backlog seen at the once-a-second samples. */
  maxBacklog?: number;
  /** e2e only: whether the consumers received everything produced before giving up waiting. */
  drained?: boolean;
  /** e2e only: seconds the consumers took after the stop to catch up (or until giving up). */
  drainS?: number;
  /** e2e only: backlog at the stop under one second of the measured publish rate. */
  keptUp?: boolean;
}

/** How long creating the consumers and the producers took, before the measured run started. */
export interface SetupTimes {
  consumers?: { count: number; seconds: number };
  producers?: { count: number; seconds: number };
}

/** The set-up figures from counts and elapsed milliseconds (an absent count: that side is absent). */
export function setupTimes(
  consumers: number | undefined,
  consumersMs: number,
  producers: number | undefined,
  producersMs: number,
): SetupTimes {
  const secs = (ms: number) => Math.round(ms) / 1000;
  const out: SetupTimes = {};
  if (consumers !== undefined) out.consumers = { count: consumers, seconds: secs(consumersMs) };
  if (producers !== undefined) out.producers = { count: producers, seconds: secs(producersMs) };
  return out;
}

/** `set-up: 10,000 consumers subscribed in 4.21 s, 10,000 producers created in 2.50 s`. */
export function formatSetup(s: SetupTimes): string {
  const parts: string[] = [];
  if (s.consumers)
    parts.push(`${int(s.consumers.count)} consumers subscribed in ${s.consumers.seconds.toFixed(2)} s`);
  if (s.producers)
    parts.push(`${int(s.producers.count)} producers created in ${s.producers.seconds.toFixed(2)} s`);
  return `set-up: ${parts.join(', ')}`;
}

export interface PerfResult {
  mode: PerfMode;
  startedAt: string;
  /**
   * The options of the run, without `json` and without the credentials (`security`); `client` only
   * when it is not the default (magnetar).
   */
  options: Omit<PerfOptions, 'json' | 'security' | 'client'> & { client?: PerfClientName };
  warmupS: number;
  /** Length of the measured window (after warm-up, up to the last receipt or message). */
  measuredS: number;
  /** Time to create the consumers and then the producers (--setup-concurrency topics at once). */
  setup: SetupTimes;
  publish?: PublishResult;
  consume?: ConsumeResult;
}

export interface ProgressSample {
  elapsedS: number;
  warmingUp: boolean;
  publish?: { rate: Throughput; latency: LatencySummary; inFlight: number; errors: number };
  consume?: { rate: Throughput; latency: LatencySummary; backlog?: number };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

export function formatLatency(l: LatencySummary): string {
  return `p50 ${ms(l.p50)} p95 ${ms(l.p95)} p99 ${ms(l.p99)} p99.9 ${ms(l.p999)} max ${ms(l.max)} ms`;
}

function formatRate(t: Throughput): string {
  return `${int(t.msgPerSec)} msg/s ${t.mbPerSec.toFixed(2)} MB/s`;
}

export function formatProgress(s: ProgressSample): string {
  const head = `[${s.elapsedS.toFixed(0).padStart(4)}s${s.warmingUp ? ' warm-up' : ''}]`;
  const parts: string[] = [];
  if (s.publish) {
    const p = s.publish;
    parts.push(`pub ${formatRate(p.rate)} | ${formatLatency(p.latency)} | in flight ${int(p.inFlight)}`);
    if (p.errors > 0) parts.push(`errors ${int(p.errors)}`);
  }
  if (s.consume) {
    const c = s.consume;
    parts.push(`recv ${formatRate(c.rate)} | e2e ${formatLatency(c.latency)}`);
    if (c.backlog !== undefined) parts.push(`backlog ${int(c.backlog)}`);
  }
  return `${head} ${parts.join(' | ')}`;
}

function describeRun(r: PerfResult): string {
  const o = r.options;
  const batching = o.batching.enabled
    ? `batching ${o.batching.maxMessages} msgs / ${o.batching.maxBytes} B / ${o.batching.delayMs} ms`
    : 'no batching';
  const rate = o.rate > 0 ? `${int(o.rate)} msg/s` : 'max';
  return (
    `magnetar perf ${r.mode}${o.client && o.client !== 'magnetar' ? ` (client ${o.client})` : ''}: ${o.topics.length} topic(s), ${o.producersPerTopic} producer(s) and ` +
    `${o.consumersPerTopic} consumer(s) per topic, ${o.sizeBytes} B, ${batching}, compression ` +
    `${o.compression}, rate ${rate}, window ${o.maxPending}; measured ${r.measuredS.toFixed(1)} s` +
    (r.warmupS > 0 ? ` after ${r.warmupS} s warm-up` : '')
  );
}

export function formatSummary(r: PerfResult): string {
  const lines = [describeRun(r)];
  if (r.setup.consumers || r.setup.producers) lines.push(formatSetup(r.setup));
  if (r.publish) {
    const p = r.publish;
    lines.push(`published ${int(p.messages)} msgs: ${formatRate(p)}, errors ${int(p.errors)}`);
    lines.push(`  publish latency ${formatLatency(p.latencyMs)}`);
    if (p.firstError) lines.push(`  first error: ${p.firstError}`);
    if (!p.drained) lines.push('  some messages were still awaiting receipts when the run gave up');
  }
  if (r.consume) {
    const c = r.consume;
    lines.push(`received ${int(c.messages)} msgs: ${formatRate(c)}, errors ${int(c.errors)}`);
    lines.push(`  end-to-end latency ${formatLatency(c.e2eLatencyMs)}`);
    if (c.firstError) lines.push(`  first error: ${c.firstError}`);
    if (c.keptUp !== undefined) {
      lines.push(
        `  consumer kept up: ${c.keptUp ? 'yes' : 'no'} (backlog at stop ${int(c.backlogAtStop ?? 0)}, ` +
          `max ${int(c.maxBacklog ?? 0)}; ${c.drained ? 'drained' : 'NOT drained'} in ${c.drainS ?? 0} s)`,
      );
    }
  }
  return lines.join('\n');
}

/** Whether the consumers kept up: the backlog at the stop is under one second of publishing. */
export function keptUp(backlogAtStop: number, publishMsgPerSec: number): boolean {
  return backlogAtStop <= Math.max(publishMsgPerSec, 1);
}
