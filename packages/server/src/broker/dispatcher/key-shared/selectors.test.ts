import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KeySharedMode, ServerError, murmur3_32, stickyKeyHashSlot, stickyKeyOf } from '@magnetar/protocol';
import { BrokerError } from '../../errors.js';
import type { Consumer } from '../../subscription/consumer.js';
import { ConsistentHashSelector } from './consistent-hash-selector.js';
import { StickyRangeSelector } from './sticky-range-selector.js';

interface Vector {
  key: string;
  key_shared_slot_consistent_hashing: number;
  key_shared_slot_sticky_ranges: number;
}

const vectors = (
  JSON.parse(
    readFileSync(new URL('../../../../../../test/fixtures/hash-vectors.json', import.meta.url), 'utf8'),
  ) as {
    vectors: Vector[];
  }
).vectors;

/** The selectors only look at a consumer's name and KeySharedMeta. */
const consumer = (name: string, ranges: [number, number][] = []): Consumer =>
  ({
    name,
    keySharedMeta: {
      keySharedMode: KeySharedMode.STICKY,
      hashRanges: ranges.map(([start, end]) => ({ start, end })),
    },
  }) as unknown as Consumer;

const meta = (extra: object) => ({ producer_name: 'p', sequence_id: 0, publish_time: 0, ...extra });

describe('Key_Shared slots', () => {
  it('match the hash vectors for every key, ASCII and not, however the key is carried', () => {
    const ring = new ConsistentHashSelector(100);
    const sticky = new StickyRangeSelector();
    expect(vectors.some((v) => [...v.key].some((ch) => ch.charCodeAt(0) > 127))).toBe(true);
    for (const v of vectors) {
      const carriers = [
        meta({ partition_key: v.key }),
        meta({ ordering_key: Buffer.from(v.key, 'utf8') }),
        meta({
          partition_key: Buffer.from(v.key, 'utf8').toString('base64'),
          partition_key_b64_encoded: true,
        }),
      ];
      for (const m of carriers) {
        const h = murmur3_32(stickyKeyOf(m));
        expect(ring.slotOf(h), v.key).toBe(v.key_shared_slot_consistent_hashing);
        expect(sticky.slotOf(h), v.key).toBe(v.key_shared_slot_sticky_ranges);
      }
    }
  });

  it('take ordering_key over partition_key, and "NONE_KEY" when neither is set', () => {
    const ring = new ConsistentHashSelector(100);
    const slot = (m: object) => ring.slotOf(murmur3_32(stickyKeyOf(meta(m))));
    const none = vectors.find((v) => v.key === 'NONE_KEY')!;
    expect(slot({})).toBe(none.key_shared_slot_consistent_hashing);
    const a = vectors.find((v) => v.key === 'a')!;
    expect(slot({ partition_key: 'zzz', ordering_key: Buffer.from('a') })).toBe(
      a.key_shared_slot_consistent_hashing,
    );
  });
});

describe('ConsistentHashSelector', () => {
  /** The ring points of a consumer, computed from the documented formula. */
  const points = (name: string, index: number) =>
    Array.from({ length: 100 }, (_, i) => stickyKeyHashSlot(murmur3_32(`${name}\0${index}\0${i}`)));

  it('maps a slot to the owner of the first ring point at or after it, wrapping around', () => {
    const ring = new ConsistentHashSelector(100);
    const cs = ['alpha', 'beta', 'gamma'].map((n) => consumer(n));
    for (const c of cs) ring.addConsumer(c);
    const marks = new Map<number, Consumer>();
    for (const c of cs) for (const p of points(c.name, 0)) if (!marks.has(p)) marks.set(p, c);
    const sorted = [...marks.keys()].sort((a, b) => a - b);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), (slot) => {
        const at = sorted.find((p) => p >= slot) ?? sorted[0];
        expect(ring.select(slot)).toBe(marks.get(at));
      }),
    );
  });

  it('covers [1, 65535] with contiguous ranges and moves only some keys when a consumer joins', () => {
    const ring = new ConsistentHashSelector(100);
    const a = consumer('a');
    const b = consumer('b');
    ring.addConsumer(a);
    const before = Array.from({ length: 2000 }, (_, i) => ring.select(1 + i * 32));
    ring.addConsumer(b);
    const after = Array.from({ length: 2000 }, (_, i) => ring.select(1 + i * 32));
    expect(before.every((c) => c === a)).toBe(true);
    // Keys that moved all went to the newcomer, and about half of them moved.
    const moved = after.filter((c, i) => c !== before[i]);
    expect(moved.every((c) => c === b)).toBe(true);
    expect(moved.length).toBeGreaterThan(400);
    expect(moved.length).toBeLessThan(1600);
    const ranges = [...ring.assignments().values()].flat().sort((x, y) => x.start - y.start);
    expect(ranges[0].start).toBe(1);
    expect(ranges[ranges.length - 1].end).toBe(65535);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i].start).toBe(ranges[i - 1].end + 1);
  });

  it('gives consumers sharing a name distinct name indexes, reused after one leaves', () => {
    const ring = new ConsistentHashSelector(100);
    const x1 = consumer('same');
    const x2 = consumer('same');
    ring.addConsumer(x1);
    ring.addConsumer(x2);
    const owned = (c: Consumer) =>
      new Set(points('same', c === x1 ? 0 : 1).filter((p) => ring.select(p) === c));
    expect(owned(x1).size).toBeGreaterThan(50);
    expect(owned(x2).size).toBeGreaterThan(50);
    ring.removeConsumer(x1);
    const x3 = consumer('same');
    ring.addConsumer(x3);
    // x3 took the free index 0, so it owns exactly x1's former points.
    for (const p of points('same', 0)) expect([x3, x2]).toContain(ring.select(p));
    expect(points('same', 0).filter((p) => ring.select(p) === x3).length).toBeGreaterThan(50);
  });

  it('keeps a colliding ring point with its first owner; the next takes over when it leaves', () => {
    const first = points('first', 0);
    const name = Array.from({ length: 5000 }, (_, i) => `other-${i}`).find((n) =>
      points(n, 0).some((p) => first.includes(p)),
    )!;
    const shared = points(name, 0).find((p) => first.includes(p))!;
    const ring = new ConsistentHashSelector(100);
    const a = consumer('first');
    const b = consumer(name);
    ring.addConsumer(a);
    ring.addConsumer(b);
    expect(ring.select(shared)).toBe(a);
    ring.removeConsumer(a);
    expect(ring.select(shared)).toBe(b);
  });
});

describe('StickyRangeSelector', () => {
  it('serves explicit ranges and leaves uncovered slots without a consumer', () => {
    const s = new StickyRangeSelector();
    const a = consumer('a', [
      [0, 99],
      [200, 299],
    ]);
    const b = consumer('b', [[100, 199]]);
    s.addConsumer(a);
    s.addConsumer(b);
    expect(s.select(0)).toBe(a);
    expect(s.select(150)).toBe(b);
    expect(s.select(250)).toBe(a);
    expect(s.select(300)).toBeUndefined();
    s.removeConsumer(b);
    expect(s.select(150)).toBeUndefined();
  });

  it('refuses overlapping, empty and out-of-range ranges with ConsumerAssignError', () => {
    const s = new StickyRangeSelector();
    s.addConsumer(consumer('a', [[0, 32767]]));
    const refused = (c: Consumer) => {
      try {
        s.addConsumer(c);
      } catch (err) {
        return err instanceof BrokerError ? err.serverError : -1;
      }
      return undefined;
    };
    expect(refused(consumer('b', [[32767, 65535]]))).toBe(ServerError.ConsumerAssignError);
    expect(refused(consumer('c', []))).toBe(ServerError.ConsumerAssignError);
    expect(refused(consumer('d', [[40000, 70000]]))).toBe(ServerError.ConsumerAssignError);
    expect(
      refused(
        consumer('e', [
          [40000, 50000],
          [45000, 46000],
        ]),
      ),
    ).toBe(ServerError.ConsumerAssignError);
    expect(refused(consumer('f', [[32768, 65535]]))).toBeUndefined();
    expect(s.select(65535)).toBeDefined();
  });
});
