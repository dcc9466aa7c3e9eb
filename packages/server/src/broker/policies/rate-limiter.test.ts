import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../util/clock.js';
import { PeriodRateLimiter } from './rate-limiter.js';

describe('PeriodRateLimiter', () => {
  it('allows the message budget per period and refills at the next period', () => {
    const clock = new ManualClock(0);
    const l = new PeriodRateLimiter(clock, clock);
    l.setLimit({ messages: 10, bytes: -1, periodMs: 1000 });
    expect(l.availableMessages()).toBe(10);
    l.record(7, 70);
    expect(l.availableMessages()).toBe(3);
    l.record(4, 40);
    expect(l.exhausted()).toBe(true);
    let woken = 0;
    l.onNextPeriod(() => woken++);
    clock.advance(999);
    expect(woken).toBe(0);
    clock.advance(1);
    expect(woken).toBe(1);
    expect(l.availableMessages()).toBe(10);
  });

  it('limits by bytes too, and is unlimited once the limit is removed (waiters released)', () => {
    const clock = new ManualClock(0);
    const l = new PeriodRateLimiter(clock, clock);
    l.setLimit({ messages: -1, bytes: 100, periodMs: 1000 });
    expect(l.availableMessages()).toBe(Infinity);
    l.record(1, 100);
    expect(l.availableMessages()).toBe(0);
    let woken = false;
    l.onNextPeriod(() => (woken = true));
    l.setLimit(null);
    expect(woken).toBe(true);
    expect(l.enabled).toBe(false);
    expect(l.availableMessages()).toBe(Infinity);
  });
});
