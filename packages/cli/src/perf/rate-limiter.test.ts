import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate-limiter.js';

/** Drives a bucket with a simulated clock: every `tickMs`, take as much as it grants. */
function simulate(rate: number, tickMs: number, durationMs: number, burstMs?: number): number {
  const bucket = new TokenBucket(rate, 0, burstMs);
  let sent = 0;
  for (let t = tickMs; t <= durationMs; t += tickMs) sent += bucket.take(Number.MAX_SAFE_INTEGER, t);
  return sent;
}

describe('TokenBucket', () => {
  it('grants exactly rate × time at steady ticks, whatever the tick', () => {
    expect(simulate(10_000, 1, 10_000)).toBe(100_000 + 1);
    expect(simulate(10_000, 7, 10_003)).toBe(100_030 + 1);
    expect(simulate(3, 1, 10_000)).toBe(30 + 1);
    expect(simulate(1_500_000, 1, 1_000)).toBe(1_500_000 + 1);
  });

  it('keeps the long-run rate within one token of the target for any rate and tick (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000_000 }), fc.integer({ min: 1, max: 50 }), (rate, tickMs) => {
        const duration = 5_000;
        const sent = simulate(rate, tickMs, duration - (duration % tickMs), 100);
        // Ticks shorter than the burst window lose nothing: exactly the tokens accrued, plus the first.
        const expected = Math.floor((rate * (duration - (duration % tickMs))) / 1000) + 1;
        expect(Math.abs(sent - expected)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('never grants more than requested and carries the remainder', () => {
    const b = new TokenBucket(1000, 0);
    expect(b.take(3, 10)).toBe(3); // 1 initial + 10 accrued, 3 taken
    expect(b.available(10)).toBe(8);
    expect(b.take(100, 10)).toBe(8);
    expect(b.take(1, 10)).toBe(0);
    expect(b.take(0, 20)).toBe(0);
    expect(b.take(-5, 20)).toBe(0);
  });

  it('accrues fractions of a token across refills', () => {
    const b = new TokenBucket(100, 0); // one token per 10 ms
    expect(b.take(1, 0)).toBe(1);
    let got = 0;
    for (let t = 1; t <= 100; t++) got += b.take(1, t);
    expect(got).toBe(10);
  });

  it('caps what a stall can save up at the burst window', () => {
    const b = new TokenBucket(10_000, 0, 100);
    expect(b.take(1, 0)).toBe(1);
    // A 5 s stall: only 100 ms worth (1,000 tokens) is kept.
    expect(b.take(Number.MAX_SAFE_INTEGER, 5_000)).toBe(1_000);
    // A slow rate still keeps at least one whole token.
    const slow = new TokenBucket(1, 0, 100);
    expect(slow.take(5, 0)).toBe(1);
    expect(slow.take(5, 10_000)).toBe(1);
  });

  it('ignores a clock that goes backwards', () => {
    const b = new TokenBucket(1000, 100);
    b.take(1, 100);
    expect(b.take(10, 50)).toBe(0);
    expect(b.take(10, 105)).toBe(5);
  });

  it('is unlimited at rate 0', () => {
    const b = new TokenBucket(0, 0);
    expect(b.unlimited).toBe(true);
    expect(b.available(0)).toBe(Infinity);
    expect(b.take(123_456, 0)).toBe(123_456);
  });

  it('refuses a negative or non-finite rate', () => {
    expect(() => new TokenBucket(-1, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(Infinity, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(Number.NaN, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(10, 0, 0)).toThrow(RangeError);
  });
});
