import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RangeSet } from './range-set.js';

/** The naive model: a set of "ledger:entry" strings. */
function modelRanges(model: Set<string>): { ledgerId: number; first: number; last: number }[] {
  const ps = [...model].map((k) => k.split(':').map(Number)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: { ledgerId: number; first: number; last: number }[] = [];
  for (const [l, e] of ps) {
    const prev = out[out.length - 1];
    if (prev && prev.ledgerId === l && prev.last === e - 1) prev.last = e;
    else out.push({ ledgerId: l, first: e, last: e });
  }
  return out;
}

const op = fc.oneof(
  fc.record({
    kind: fc.constant('add' as const),
    l: fc.integer({ min: 1, max: 3 }),
    e: fc.integer({ min: 0, max: 30 }),
  }),
  fc.record({
    kind: fc.constant('addRange' as const),
    l: fc.integer({ min: 1, max: 3 }),
    e: fc.integer({ min: 0, max: 30 }),
    n: fc.integer({ min: 0, max: 8 }),
  }),
  fc.record({
    kind: fc.constant('cut' as const),
    l: fc.integer({ min: 0, max: 4 }),
    e: fc.integer({ min: -1, max: 31 }),
  }),
);

describe('RangeSet', () => {
  it('merges adjacent entries of one ledger but not across ledgers', () => {
    const s = new RangeSet();
    expect(s.add(1, 5)).toBe(true);
    expect(s.add(1, 7)).toBe(true);
    expect(s.rangeCount).toBe(2);
    expect(s.add(1, 6)).toBe(true);
    expect(s.add(1, 6)).toBe(false);
    expect(s.toArray()).toEqual([{ ledgerId: 1, first: 5, last: 7 }]);
    s.add(2, 0);
    expect(s.rangeCount).toBe(2);
    expect(s.size).toBe(4);
    s.removeUpTo(1, 6);
    expect(s.toArray()).toEqual([
      { ledgerId: 1, first: 7, last: 7 },
      { ledgerId: 2, first: 0, last: 0 },
    ]);
    expect(s.size).toBe(2);
  });

  it('behaves like a set of positions (model test)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const s = new RangeSet();
        const model = new Set<string>();
        for (const o of ops) {
          if (o.kind === 'add') {
            expect(s.add(o.l, o.e)).toBe(!model.has(`${o.l}:${o.e}`));
            model.add(`${o.l}:${o.e}`);
          } else if (o.kind === 'addRange') {
            let fresh = 0;
            for (let e = o.e; e < o.e + o.n; e++) {
              if (!model.has(`${o.l}:${e}`)) fresh++;
              model.add(`${o.l}:${e}`);
            }
            expect(s.addRange(o.l, o.e, o.e + o.n - 1)).toBe(fresh);
          } else {
            s.removeUpTo(o.l, o.e);
            for (const k of [...model]) {
              const [l, e] = k.split(':').map(Number);
              if (l < o.l || (l === o.l && e <= o.e)) model.delete(k);
            }
          }
          expect(s.toArray()).toEqual(modelRanges(model));
          expect(s.size).toBe(model.size);
          for (let l = 1; l <= 3; l++) {
            for (let e = 0; e <= 40; e += 3) expect(s.contains(l, e)).toBe(model.has(`${l}:${e}`));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
