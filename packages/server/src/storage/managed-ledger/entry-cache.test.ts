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
      }),
    );
  });
});
