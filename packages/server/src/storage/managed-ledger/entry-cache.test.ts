import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EntryCache } from './entry-cache.js';

describe('EntryCache', () => {
  it('evicts the oldest entries first and stays within its budget', () => {
    const cache = new EntryCache(30);
    for (let e = 0; e < 5; e++) cache.put(1, e, Buffer.alloc(10, e));
    expect(cache.sizeBytes).toBe(30);
    expect(cache.get(1, 0)).toBeUndefined();
    expect(cache.get(1, 1)).toBeUndefined();
    expect(cache.get(1, 4)![0]).toBe(4);
    cache.put(2, 0, Buffer.alloc(10));
    expect(cache.get(1, 2)).toBeUndefined();
    cache.invalidateLedger(1);
    expect(cache.count).toBe(1);
    expect(cache.sizeBytes).toBe(10);
    cache.put(3, 0, Buffer.alloc(31)); // larger than the whole budget: not cached
    expect(cache.get(3, 0)).toBeUndefined();
  });

  it('keeps byte accounting exact under interleaved ledgers and invalidations', () => {
    const op = fc.oneof(
      fc.record({ put: fc.integer({ min: 1, max: 3 }), size: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ invalidate: fc.integer({ min: 1, max: 3 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const cache = new EntryCache(50);
        const next = new Map<number, number>();
        const model = new Map<string, number>(); // insertion-ordered, like the cache
        for (const o of ops) {
          if ('put' in o) {
            const e = next.get(o.put) ?? 0;
            next.set(o.put, e + 1);
            cache.put(o.put, e, Buffer.alloc(o.size));
            model.set(`${o.put}:${e}`, o.size);
            let total = [...model.values()].reduce((a, b) => a + b, 0);
            for (const [k, v] of model) {
              if (total <= 50) break;
              model.delete(k);
              total -= v;
            }
          } else {
            cache.invalidateLedger(o.invalidate);
            for (const k of [...model.keys()]) if (k.startsWith(`${o.invalidate}:`)) model.delete(k);
          }
          expect(cache.sizeBytes).toBe([...model.values()].reduce((a, b) => a + b, 0));
          expect(cache.count).toBe(model.size);
        }
        // What the model keeps is exactly what the cache returns.
        for (const [l, n] of next) {
          for (let e = 0; e < n; e++) {
            const got = cache.get(l, e);
            const size = model.get(`${l}:${e}`);
            expect(got?.length).toBe(size);
          }
        }
      }),
    );
  });

  it('returns only what was put, within budget, for puts in any order', () => {
    const op = fc.oneof(
      fc.record({
        ledger: fc.integer({ min: 1, max: 3 }),
        entry: fc.integer({ min: 0, max: 200 }),
        size: fc.integer({ min: 1, max: 30 }),
      }),
      fc.record({ invalidate: fc.integer({ min: 1, max: 3 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const cache = new EntryCache(60);
        const written = new Map<string, Buffer>();
        let tag = 0;
        for (const o of ops) {
          if ('invalidate' in o) {
            cache.invalidateLedger(o.invalidate);
            for (let e = 0; e <= 200; e++) expect(cache.get(o.invalidate, e)).toBeUndefined();
            continue;
          }
          const key = `${o.ledger}:${o.entry}`;
          const data = Buffer.alloc(o.size, ++tag & 0xff);
          const before = cache.get(o.ledger, o.entry);
          cache.put(o.ledger, o.entry, data);
          // A cached entry is never replaced by a second put of the same id.
          if (before) expect(cache.get(o.ledger, o.entry)).toBe(before);
          else if (cache.get(o.ledger, o.entry)) written.set(key, data);
          let bytes = 0;
          let count = 0;
          for (let l = 1; l <= 3; l++) {
            for (let e = 0; e <= 200; e++) {
              const got = cache.get(l, e);
              if (!got) continue;
              expect(got).toBe(written.get(`${l}:${e}`));
              bytes += got.length;
              count++;
            }
          }
          expect(cache.sizeBytes).toBe(bytes);
          expect(cache.count).toBe(count);
          expect(bytes).toBeLessThanOrEqual(60);
        }
      }),
    );
  });

  it('evicts in O(1) per entry under a long run of small entries', () => {
    const cache = new EntryCache(100 * 1000);
    const data = Buffer.alloc(100);
    const started = performance.now();
    for (let l = 0; l < 4; l++) for (let e = 0; e < 100_000; e++) cache.put(l, e, data);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(cache.count).toBe(1000);
    expect(cache.get(3, 99_999)).toBe(data);
    expect(cache.get(3, 98_999)).toBe(undefined);
    expect(cache.get(3, 99_000)).toBe(data);
  });
});
