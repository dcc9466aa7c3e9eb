/**
 * The arithmetic of a benchmark run: latency histograms (HdrHistogram, microsecond values, three
 * significant digits) summarised as percentiles in milliseconds, and message/byte counters turned
 * into rates. Nothing here reads a clock; callers pass times in.
 */
import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from 'hdr-histogram-js';

/** Percentiles in milliseconds (µs resolution; e2e latencies only have the 1 ms of publish_time). */
export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** One hour in µs: anything slower is clamped, which a benchmark would report as broken anyway. */
export const HIGHEST_TRACKABLE_US = 3_600_000_000;

export function newHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
  });
}

/**
 * A histogram in HdrHistogram's portable form (compressed, base64), to carry the counts of one
 * thread's histogram to another: percentiles cannot be averaged, counts can be added.
 */
export function encodeHistogram(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

/** The histogram `encodeHistogram` wrote, with at least newHistogram's range. */
export function decodeHistogram(encoded: string): Histogram {
  return decodeFromCompressedBase64(encoded, 32, false, HIGHEST_TRACKABLE_US);
}

const round3 = (ms: number) => Math.round(ms * 1000) / 1000;

/** Percentiles of a histogram of µs values, in ms; all zeros for an empty histogram. */
export function summarize(h: Histogram): LatencySummary {
  const count = h.totalCount;
  if (count === 0) return { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const at = (p: number) => round3(h.getValueAtPercentile(p) / 1000);
  return {
    count,
    mean: round3(h.mean / 1000),
    p50: at(50),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    // The top of the highest bucket, as HdrHistogram's Java getMaxValue (pulsar-perf's max) reports
    // it: the same value whether the counts were recorded here or added from another thread's
    // encoded histogram, which keeps only counts (the exact maxValue would differ by <0.1%).
    max: at(100),
  };
}

/** Clamps a latency to what the histogram can hold (negative clock skew counts as 0). */
export function clampLatencyUs(us: number): number {
  if (!(us > 0)) return 0;
  return us > HIGHEST_TRACKABLE_US ? HIGHEST_TRACKABLE_US : Math.round(us);
}

/**
 * Latencies recorded into an interval histogram that `roll()` summarises (the per-second line)
 * and folds into the run's total, as pulsar-perf's Recorder does.
 */
export class LatencyRecorder {
  private interval = newHistogram();
  private readonly total = newHistogram();

  record(us: number): void {
    this.interval.recordValue(clampLatencyUs(us));
  }

  /** Summary of what was recorded since the last roll; it then joins the total. */
  roll(): LatencySummary {
    const s = summarize(this.interval);
    this.total.add(this.interval);
    this.interval.reset();
    return s;
  }

  /** Summary of everything rolled so far plus the current interval. */
  summary(): LatencySummary {
    this.roll();
    return summarize(this.total);
  }

  /** Forgets everything (the end of the warm-up). */
  reset(): void {
    this.interval.reset();
    this.total.reset();
  }

  /**
   * The current interval, encoded, for a recorder in another thread; it is then cleared without
   * joining this recorder's total (the other recorder keeps the total).
   */
  takeInterval(): string {
    const encoded = encodeHistogram(this.interval);
    this.interval.reset();
    return encoded;
  }

  /** Adds another thread's interval (from `takeInterval`) to the current interval. */
  addInterval(encoded: string): void {
    this.interval.add(decodeHistogram(encoded));
  }
}

export interface Throughput {
  msgPerSec: number;
  /** Payload megabytes (10^6 bytes) per second. */
  mbPerSec: number;
}

export function throughput(messages: number, bytes: number, elapsedMs: number): Throughput {
  if (!(elapsedMs > 0)) return { msgPerSec: 0, mbPerSec: 0 };
  const secs = elapsedMs / 1000;
  return {
    msgPerSec: Math.round((messages / secs) * 10) / 10,
    mbPerSec: Math.round((bytes / secs / 1e6) * 1000) / 1000,
  };
}

/** Message and byte counts with a per-interval view for the progress line. */
export class Meter {
  messages = 0;
  bytes = 0;
  private lastMessages = 0;
  private lastBytes = 0;
  private lastAt: number;

  constructor(nowMs: number) {
    this.lastAt = nowMs;
  }

  add(messages: number, bytes: number): void {
    this.messages += messages;
    this.bytes += bytes;
  }

  /** The rate since the previous call. */
  interval(nowMs: number): Throughput {
    const t = throughput(this.messages - this.lastMessages, this.bytes - this.lastBytes, nowMs - this.lastAt);
    this.lastMessages = this.messages;
    this.lastBytes = this.bytes;
    this.lastAt = nowMs;
    return t;
  }

  /** Zeroes the counts (the end of the warm-up). */
  reset(nowMs: number): void {
    this.messages = 0;
    this.bytes = 0;
    this.lastMessages = 0;
    this.lastBytes = 0;
    this.lastAt = nowMs;
  }
}
