import { describe, expect, it } from 'vitest';
import { mapLimited } from './concurrency.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('mapLimited', () => {
  it('keeps at most `limit` calls pending and returns results in order', async () => {
    let pending = 0;
    let most = 0;
    const out = await mapLimited([5, 4, 3, 2, 1, 0, 9], 3, async (n, i) => {
      pending++;
      most = Math.max(most, pending);
      for (let k = 0; k < n; k++) await tick();
      pending--;
      return `${i}:${n}`;
    });
    expect(out).toEqual(['0:5', '1:4', '2:3', '3:2', '4:1', '5:0', '6:9']);
    expect(most).toBe(3);
  });

  it('starts nothing after a failure and rejects once the started calls settled', async () => {
    const started: number[] = [];
    let settled = 0;
    const run = mapLimited([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await tick();
      settled++;
      if (n === 1) throw new Error('boom');
      return n;
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([0, 1, 2]);
    expect(settled).toBe(started.length);
  });

  it('handles no items and a limit above the item count', async () => {
    expect(await mapLimited([], 10, () => Promise.resolve(1))).toEqual([]);
    expect(await mapLimited([1, 2], 100, (n) => Promise.resolve(n * 2))).toEqual([2, 4]);
    await expect(mapLimited([1], 0, () => Promise.resolve(1))).rejects.toThrow(RangeError);
  });
});
