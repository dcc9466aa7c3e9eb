import { describe, expect, it } from 'vitest';
import { parsePerfOptions } from './options.js';
import { formatProgress, formatSetup, formatSummary, keptUp, setupTimes, type PerfResult } from './report.js';

const lat = { count: 10, mean: 1.5, p50: 1.234, p95: 2, p99: 12.34, p999: 123.4, max: 200 };

describe('report', () => {
  it('formats a progress line with both halves of an e2e run', () => {
    const line = formatProgress({
      elapsedS: 3.0004,
      warmingUp: false,
      publish: { rate: { msgPerSec: 512_345.6, mbPerSec: 51.23 }, latency: lat, inFlight: 1000, errors: 2 },
      consume: { rate: { msgPerSec: 500_000, mbPerSec: 50 }, latency: lat, backlog: 12_345 },
    });
    expect(line).toBe(
      '[   3s] pub 512,346 msg/s 51.23 MB/s | p50 1.23 p95 2.00 p99 12.3 p99.9 123 max 200 ms | ' +
        'in flight 1,000 | errors 2 | recv 500,000 msg/s 50.00 MB/s | ' +
        'e2e p50 1.23 p95 2.00 p99 12.3 p99.9 123 max 200 ms | backlog 12,345',
    );
    expect(formatProgress({ elapsedS: 1, warmingUp: true })).toBe('[   1s warm-up] ');
  });

  it('summarises a run in text', () => {
    const { json: _json, ...options } = parsePerfOptions('e2e', 't', { size: '100', rate: '10000' });
    const r: PerfResult = {
      mode: 'e2e',
      startedAt: '2026-01-01T00:00:00.000Z',
      options,
      warmupS: 1,
      measuredS: 20,
      setup: setupTimes(1, 12.4, 1, 3),
      publish: {
        messages: 200_000,
        bytes: 2e7,
        msgPerSec: 10_000,
        mbPerSec: 1,
        errors: 0,
        latencyMs: lat,
        drained: true,
      },
      consume: {
        messages: 199_000,
        bytes: 1.99e7,
        msgPerSec: 9_950,
        mbPerSec: 0.995,
        errors: 0,
        e2eLatencyMs: lat,
        backlogAtStop: 1_000,
        maxBacklog: 2_000,
        drained: true,
        drainS: 0.1,
        keptUp: true,
      },
    };
    const text = formatSummary(r);
    expect(text).toContain('magnetar perf e2e: 1 topic(s), 1 producer(s) and 1 consumer(s) per topic, 100 B');
    expect(text).toContain('rate 10,000 msg/s');
    expect(text).toContain('measured 20.0 s after 1 s warm-up');
    expect(text).toContain('published 200,000 msgs: 10,000 msg/s 1.00 MB/s, errors 0');
    expect(text).toContain('consumer kept up: yes (backlog at stop 1,000, max 2,000; drained in 0.1 s)');
    expect(text).toContain('set-up: 1 consumers subscribed in 0.01 s, 1 producers created in 0.00 s');
  });

  it('reports the time to create consumers and producers, for the sides a run has', () => {
    expect(setupTimes(10_000, 4_212.6, 10_000, 2_500)).toEqual({
      consumers: { count: 10_000, seconds: 4.213 },
      producers: { count: 10_000, seconds: 2.5 },
    });
    expect(setupTimes(undefined, 0.2, 3, 1_000)).toEqual({ producers: { count: 3, seconds: 1 } });
    expect(formatSetup(setupTimes(10_000, 4_212.6, 10_000, 2_500))).toBe(
      'set-up: 10,000 consumers subscribed in 4.21 s, 10,000 producers created in 2.50 s',
    );
    expect(formatSetup(setupTimes(2, 1_500, undefined, 0))).toBe('set-up: 2 consumers subscribed in 1.50 s');
  });

  it('calls a backlog under one second of publishing "kept up"', () => {
    expect(keptUp(999, 1000)).toBe(true);
    expect(keptUp(1001, 1000)).toBe(false);
    expect(keptUp(0, 0)).toBe(true);
  });
});
