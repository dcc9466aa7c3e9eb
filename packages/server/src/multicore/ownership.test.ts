import { TopicName } from '@magnetar/protocol';
import { describe, expect, it } from 'vitest';
import { BUNDLES, bundleOf, ownerOf } from './ownership.js';

describe('topic ownership by worker', () => {
  it('is stable: pinned bundles, which data directories depend on', () => {
    // Changing these moves topics away from the worker directory that holds their ledgers.
    const pinned = Object.fromEntries(
      [
        'persistent://public/default/a',
        'persistent://public/default/orders',
        'persistent://t/ns/x-partition-3',
      ].map((t) => [t, bundleOf(TopicName.parse(t))]),
    );
    expect(pinned).toMatchInlineSnapshot(`
      {
        "persistent://public/default/a": 51,
        "persistent://public/default/orders": 10,
        "persistent://t/ns/x-partition-3": 129,
      }
    `);
    expect(BUNDLES).toBe(256);
  });

  it('ignores the domain, so persistent and non-persistent topics of one name meet on one worker', () => {
    for (let i = 0; i < 100; i++) {
      expect(ownerOf(`persistent://public/default/t${i}`, 4)).toBe(
        ownerOf(`non-persistent://public/default/t${i}`, 4),
      );
    }
    expect(ownerOf('public/default/t1', 3)).toBe(ownerOf('persistent://public/default/t1', 3));
  });

  it('spreads many topics evenly over 2, 3 and 4 workers', () => {
    for (const workers of [2, 3, 4]) {
      const counts = new Array<number>(workers).fill(0);
      for (let i = 0; i < 20_000; i++) counts[ownerOf(`persistent://public/default/topic-${i}`, workers)]++;
      const even = 20_000 / workers;
      for (const c of counts) expect(Math.abs(c - even) / even).toBeLessThan(0.06);
    }
  });

  it('spreads the partitions of a partitioned topic', () => {
    const owners = new Set(
      Array.from({ length: 16 }, (_, i) => ownerOf(`persistent://public/default/p-partition-${i}`, 2)),
    );
    expect(owners).toEqual(new Set([0, 1]));
  });

  it('refuses a bad worker count', () => {
    expect(() => ownerOf('persistent://public/default/a', 0)).toThrow(RangeError);
    expect(() => ownerOf('persistent://public/default/a', 1.5)).toThrow(RangeError);
  });
});
