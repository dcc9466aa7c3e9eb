import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { comparePositions } from '../position.js';
import type { Position } from '../types.js';
import { LedgerIndex } from './ledger-index.js';

const listArb = fc
  .array(fc.record({ gap: fc.integer({ min: 1, max: 3 }), entries: fc.integer({ min: 0, max: 4 }) }), {
    minLength: 1,
    maxLength: 6,
  })
  .map((ls) => {
    let id = 0;
    return ls.map((l) => ({
      ledgerId: (id += l.gap),
      entries: l.entries,
      size: l.entries * 10,
      timestamp: 0,
    }));
  });
const posArb = fc.record({
  ledgerId: fc.integer({ min: 0, max: 20 }),
  entryId: fc.integer({ min: -1, max: 6 }),
});

describe('LedgerIndex (against a flat list of existing positions)', () => {
  it('agrees with the model on ceiling, before, after, contains and countBetween', () => {
    fc.assert(
      fc.property(listArb, posArb, posArb, (ledgers, p, q) => {
        const index = new LedgerIndex(ledgers);
        const all: Position[] = ledgers.flatMap((l) =>
          Array.from({ length: l.entries }, (_, e) => ({ ledgerId: l.ledgerId, entryId: e })),
        );
        const ge = all.filter((x) => comparePositions(x, p) >= 0);
        const lt = all.filter((x) => comparePositions(x, p) < 0);
        expect(index.ceiling(p)).toEqual(ge[0] ?? null);
        expect(index.before(p)).toEqual(lt[lt.length - 1] ?? null);
        expect(index.contains(p)).toBe(all.some((x) => comparePositions(x, p) === 0));
        const gt = all.filter((x) => comparePositions(x, p) > 0);
        const after = index.after(p);
        if (gt.length > 0) expect(after).toEqual(gt[0]);
        else expect(comparePositions(after, p)).toBeGreaterThan(0);
        const between = all.filter((x) => comparePositions(x, p) > 0 && comparePositions(x, q) <= 0).length;
        expect(index.countBetween(p, q)).toBe(between);
        expect(index.totalEntries()).toBe(all.length);
        expect(index.firstPosition()).toEqual(all[0] ?? null);
        expect(index.lastConfirmed()).toEqual(all[all.length - 1] ?? null);
        all.forEach((x, i) => expect(index.positionAt(i)).toEqual(x));
        expect(index.positionAt(all.length)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('points past the end at the slot the next append fills', () => {
    const index = new LedgerIndex([
      { ledgerId: 1, entries: 3, size: 3, timestamp: 0 },
      { ledgerId: 4, entries: 0, size: 0, timestamp: 0 },
    ]);
    expect(index.after({ ledgerId: 1, entryId: 2 })).toEqual({ ledgerId: 4, entryId: 0 });
    expect(index.after({ ledgerId: 4, entryId: -1 })).toEqual({ ledgerId: 4, entryId: 0 });
  });
});
