import { describe, expect, it } from 'vitest';
import {
  clampLatencyUs,
  decodeHistogram,
  encodeHistogram,
  HIGHEST_TRACKABLE_US,
  LatencyRecorder,
  Meter,
  newHistogram,
  summarize,
  throughput,
} from './stats.js';

describe('latency percentiles', () => {
  it('reads percentiles of a uniform distribution within the histogram resolution', () => {
    const h = newHistogram();
    for (let us = 1; us <= 10_000; us++) h.recordValue(us); // 1 µs … 10 ms
    const s = summarize(h);
    expect(s.count).toBe(10_000);
    // Three significant digits: each value is within 0.1 % of the exact rank.
    expect(s.p50).toBeCloseTo(5, 2);
    expect(s.p95).toBeCloseTo(9.5, 1);
    expect(s.p99).toBeCloseTo(9.9, 1);
    expect(s.p999).toBeCloseTo(9.99, 1);
    expect(s.max).toBeCloseTo(10, 1);
    expect(s.mean).toBeCloseTo(5, 1);
  });

  it('puts a rare outlier in p99.9 and max but not in p99', () => {
    const h = newHistogram();
    for (let i = 0; i < 9_990; i++) h.recordValue(1_000); // 1 ms
    for (let i = 0; i < 10; i++) h.recordValue(250_000); // 250 ms
    const s = summarize(h);
    expect(s.p50).toBe(1);
    expect(s.p99).toBe(1);
    expect(s.p999).toBe(1);
    for (let i = 0; i < 10; i++) h.recordValue(250_000);
    const t = summarize(h);
    expect(t.p999).toBeCloseTo(250, 0);
    expect(t.max).toBeCloseTo(250, 0);
  });

  it('summarises an empty histogram as zeros', () => {
    expect(summarize(newHistogram())).toEqual({ count: 0, mean: 0, p50: 0, p95: 0, p99: 0, p999: 0, max: 0 });
  });

  it('clamps negative, fractional and huge latencies', () => {
    expect(clampLatencyUs(-5)).toBe(0);
    expect(clampLatencyUs(Number.NaN)).toBe(0);
    expect(clampLatencyUs(12.6)).toBe(13);
    expect(clampLatencyUs(1e12)).toBe(HIGHEST_TRACKABLE_US);
  });
});

describe('LatencyRecorder', () => {
  it('summarises each interval alone and the total across intervals', () => {
    const r = new LatencyRecorder();
    for (let i = 0; i < 100; i++) r.record(1_000);
    const first = r.roll();
    expect(first).toMatchObject({ count: 100, p50: 1, max: 1 });
    for (let i = 0; i < 100; i++) r.record(2_000);
    const second = r.roll();
    expect(second).toMatchObject({ count: 100, p50: 2, max: 2 });
    r.record(9_000); // not rolled yet: summary() includes it
    const total = r.summary();
    expect(total.count).toBe(201);
    expect(total.p50).toBe(2); // the 101st of 201 values
    expect(total.max).toBeCloseTo(9, 1); // HdrHistogram keeps 3 significant digits
    r.reset();
    expect(r.summary().count).toBe(0);
  });
});

describe('rates', () => {
  it('turns counts and time into msg/s and MB/s (10^6 bytes)', () => {
    expect(throughput(1_000_000, 100_000_000, 2_000)).toEqual({ msgPerSec: 500_000, mbPerSec: 50 });
    expect(throughput(3, 1024, 1_500)).toEqual({ msgPerSec: 2, mbPerSec: 0.001 });
    expect(throughput(5, 5, 0)).toEqual({ msgPerSec: 0, mbPerSec: 0 });
  });

  it('meters intervals and resets at the end of the warm-up', () => {
    const m = new Meter(0);
    m.add(100, 10_000);
    expect(m.interval(1_000)).toEqual({ msgPerSec: 100, mbPerSec: 0.01 });
    m.add(50, 5_000);
    expect(m.interval(1_500)).toEqual({ msgPerSec: 100, mbPerSec: 0.01 });
    expect(m.messages).toBe(150);
    m.reset(2_000);
    expect(m.messages).toBe(0);
    m.add(10, 10);
    expect(m.interval(3_000).msgPerSec).toBe(10);
  });
});

describe('histograms from another thread', () => {
  /** A deterministic spread of latencies in µs: mostly around 2 ms, a tail up to seconds. */
  function values(seed: number, n: number): number[] {
    let x = seed;
    return Array.from({ length: n }, () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const u = x / 2 ** 31;
      return Math.round(u < 0.99 ? 500 + u * 3000 : 50_000 + u * 2_000_000);
    });
  }

  it('two histograms added through their encoded form equal one histogram fed every value', () => {
    const a = values(1, 20_000);
    const b = values(7, 5_000).map((v) => v * 3); // another thread, a slower distribution
    const ha = newHistogram();
    const hb = newHistogram();
    const all = newHistogram();
    for (const v of a) ha.recordValue(v);
    for (const v of b) hb.recordValue(v);
    for (const v of [...a, ...b]) all.recordValue(v);
    const merged = decodeHistogram(encodeHistogram(ha));
    merged.add(decodeHistogram(encodeHistogram(hb)));
    expect(summarize(merged)).toEqual(summarize(all));
    expect(summarize(merged).count).toBe(25_000);
    // What averaging the two sides' percentiles would give is not the merged percentile.
    const avgP99 = (summarize(ha).p99 + summarize(hb).p99) / 2;
    expect(avgP99).not.toBeCloseTo(summarize(all).p99, 0);
  });

  it('LatencyRecorder.takeInterval ships an interval once; addInterval rolls it into the total', () => {
    const worker = new LatencyRecorder();
    const run = new LatencyRecorder();
    const direct = new LatencyRecorder();
    for (const batch of [values(3, 1000), values(4, 10), values(5, 3000)]) {
      for (const v of batch) {
        worker.record(v);
        direct.record(v);
      }
      run.addInterval(worker.takeInterval());
      expect(run.roll()).toEqual(direct.roll());
    }
    // Nothing is left behind in the worker, and nothing is counted twice.
    run.addInterval(worker.takeInterval());
    expect(run.summary()).toEqual(direct.summary());
    expect(run.summary().count).toBe(4010);
  });
});
