import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparePositions } from '../../storage/position.js';
import type { Cursor, LedgerSummary, ManagedLedger, Position } from '../../storage/types.js';
import { advance, nthUnacked, positionBefore } from './positions.js';

/** Every position of the log, in order. */
function allPositions(ledgers: LedgerSummary[]): Position[] {
  return ledgers.flatMap((l) =>
    Array.from({ length: l.entries }, (_, entryId) => ({ ledgerId: l.ledgerId, entryId })),
  );
}

/** The few members of ManagedLedger and Cursor the functions use, computed the slow way. */
function fakes(ledgers: LedgerSummary[], markDelete: Position, acked: Position[]) {
  const all = allPositions(ledgers);
  const ml = {
    ledgerInfos: () => ledgers,
    countBetween: (from: Position, to: Position) =>
      all.filter((p) => comparePositions(p, from) > 0 && comparePositions(p, to) <= 0).length,
  } as unknown as ManagedLedger;
  // Acked runs of consecutive entries in one ledger, as the cursor reports them.
  const ranges: [Position, Position][] = [];
  for (const p of acked) {
    const last = ranges[ranges.length - 1];
    if (last && last[1].ledgerId === p.ledgerId && last[1].entryId + 1 === p.entryId) last[1] = p;
    else ranges.push([p, p]);
  }
  const cursor = { markDeletePosition: markDelete, ackedRanges: () => ranges } as unknown as Cursor;
  return { all, ml, cursor };
}

const logArb = fc
  .array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 5 })
  .map((counts) =>
    counts.map((entries, i) => ({ ledgerId: 10 + i * 3, entries, size: entries * 100, timestamp: 0 })),
  );

describe('admin position arithmetic', () => {
  it('nthUnacked counts unacknowledged entries after markDelete, as a walk over the log does', () => {
    fc.assert(
      fc.property(
        logArb,
        fc.nat(),
        fc.array(fc.boolean(), { maxLength: 40 }),
        fc.integer({ min: 1, max: 40 }),
        (ledgers, mdIndex, ackBits, n) => {
          const positions = allPositions(ledgers);
          const md =
            positions.length === 0 || mdIndex % (positions.length + 1) === 0
              ? { ledgerId: ledgers[0]!.ledgerId, entryId: -1 }
              : positions[(mdIndex % (positions.length + 1)) - 1]!;
          const after = positions.filter((p) => comparePositions(p, md) > 0);
          const acked = after.filter((_, i) => ackBits[i] === true);
          const { ml, cursor } = fakes(ledgers, md, acked);
          const unacked = after.filter((p) => !acked.includes(p));
          expect(nthUnacked(ml, cursor, n)).toEqual(unacked[n - 1] ?? null);
        },
      ),
    );
  });

  it('advance and positionBefore step across ledgers, empty ones skipped', () => {
    const ledgers = [
      { ledgerId: 1, entries: 2, size: 0, timestamp: 0 },
      { ledgerId: 2, entries: 0, size: 0, timestamp: 0 },
      { ledgerId: 3, entries: 1, size: 0, timestamp: 0 },
    ];
    expect(advance(ledgers, { ledgerId: 1, entryId: -1 }, 1)).toEqual({ ledgerId: 1, entryId: 0 });
    expect(advance(ledgers, { ledgerId: 1, entryId: 1 }, 1)).toEqual({ ledgerId: 3, entryId: 0 });
    expect(advance(ledgers, { ledgerId: 1, entryId: 0 }, 3)).toBeNull();
    expect(positionBefore(ledgers, { ledgerId: 3, entryId: 0 })).toEqual({ ledgerId: 1, entryId: 1 });
    expect(positionBefore(ledgers, { ledgerId: 1, entryId: 0 })).toBeNull();
    expect(positionBefore(ledgers, { ledgerId: 3, entryId: 7 })).toEqual({ ledgerId: 3, entryId: 0 });
  });
});
