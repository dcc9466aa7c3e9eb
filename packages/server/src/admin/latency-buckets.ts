/**
 * Pulsar's "bucket per metric name" latency histogram (`pulsar_storage_write_latency_le_*`): each
 * bucket counts the samples above the previous bound and up to its own, so buckets are not
 * cumulative as Prometheus histograms are. Bounds in milliseconds, as in Pulsar's
 * `ENTRY_LATENCY_BUCKETS_USEC` (0.5, 1, 5, 10, 20, 50, 100, 200, 1000 ms, then overflow).
 */

export const WRITE_LATENCY_BOUNDS_MS = [0.5, 1, 5, 10, 20, 50, 100, 200, 1000] as const;

/**
 * Metric-name suffixes in bound order: `le_0_5`, `le_1`, … `le_1000`, then `overflow`. The last is
 * `pulsar_storage_write_latency_overflow`, without `le_`, as Pulsar's broker writes it (its metrics
 * reference page says `le_overflow`, but dashboards follow what the broker emits).
 */
export const WRITE_LATENCY_SUFFIXES: readonly string[] = [
  ...WRITE_LATENCY_BOUNDS_MS.map((b) => `le_${String(b).replace('.', '_')}`),
  'overflow',
];

export interface BucketCounts {
  /** One count per suffix in WRITE_LATENCY_SUFFIXES. */
  counts: number[];
  count: number;
  sumMs: number;
}

export function bucketLatencies(samplesMs: readonly number[]): BucketCounts {
  const counts = new Array<number>(WRITE_LATENCY_SUFFIXES.length).fill(0);
  let sumMs = 0;
  for (const sample of samplesMs) {
    sumMs += sample;
    const i = WRITE_LATENCY_BOUNDS_MS.findIndex((bound) => sample <= bound);
    counts[i < 0 ? counts.length - 1 : i]!++;
  }
  return { counts, count: samplesMs.length, sumMs };
}
