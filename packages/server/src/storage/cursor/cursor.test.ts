import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryMetadataStore } from '../../metadata/memory-metadata-store.js';
import { ManualClock } from '../../util/clock.js';
import { MemoryLedgerStore } from '../memory/memory-ledger-store.js';
import { ManagedLedgerFactoryImpl } from '../managed-ledger/managed-ledger-factory.js';
import { comparePositions } from '../position.js';
import type { Cursor, ManagedLedger, Position } from '../types.js';

const TOPIC = 'persistent://public/default/cursor-model';

type Op =
  | { kind: 'append'; n: number }
  | { kind: 'ackIndividual'; picks: number[] }
  | { kind: 'ackCumulative'; pick: number }
  | { kind: 'reset'; pick: number }
  | { kind: 'trim' }
  | { kind: 'reopen' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('append' as const), n: fc.integer({ min: 1, max: 6 }) }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('ackIndividual' as const),
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('ackCumulative' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reset' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('trim' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const) }) },
);

/** The model: entries by index, and the set of acknowledged indexes. */
class Model {
  readonly positions: Position[] = [];
  acked = new Set<number>();

  prefix(): number {
    let m = -1;
    while (this.acked.has(m + 1)) m++;
    return m;
  }
}

describe('Cursor (model test against a set of acknowledged entries)', () => {
  it('matches the model under random individual, cumulative and reset acks, trims and reopens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), async (ops) => {
        const clock = new ManualClock();
        const ledgerStore = new MemoryLedgerStore();
        const metadataStore = new MemoryMetadataStore({ clock });
        const newFactory = () =>
          new ManagedLedgerFactoryImpl({
            ledgerStore,
            metadataStore,
            clock,
            scheduler: clock,
            defaults: { maxLedgerSizeBytes: 30 },
          });
        let factory = newFactory();
        let ml: ManagedLedger = await factory.open(TOPIC);
        let cursor: Cursor = await ml.openCursor('sub', 'earliest');
        const model = new Model();
        for (const op of ops) {
          const n = model.positions.length;
          switch (op.kind) {
            case 'append':
              model.positions.push(
                ...(await Promise.all(
                  Array.from({ length: op.n }, (_, i) => ml.append(Buffer.alloc(12, n + i))),
                )),
              );
              break;
            case 'ackIndividual':
              if (n === 0) break;
              cursor.ackIndividual(op.picks.map((k) => model.positions[k % n]));
              for (const k of op.picks) model.acked.add(k % n);
              break;
            case 'ackCumulative':
              if (n === 0) break;
              cursor.ackCumulative(model.positions[op.pick % n]);
              for (let k = 0; k <= op.pick % n; k++) model.acked.add(k);
              break;
            case 'reset': {
              if (n === 0) break;
              cursor.resetTo(model.positions[op.pick % n]);
              // Trimmed entries are gone: a reset before the first entry that still exists lands on
              // that entry (as in Pulsar), so the deleted ones stay consumed.
              const first = ml.firstPosition();
              const firstIdx = first ? model.positions.findIndex((p) => comparePositions(p, first) >= 0) : n;
              const target = Math.max(op.pick % n, firstIdx < 0 ? n : firstIdx);
              model.acked = new Set(Array.from({ length: target }, (_, k) => k));
              break;
            }
            case 'trim':
              await ml.trimConsumedLedgers();
              break;
            case 'reopen':
              await factory.close();
              factory = newFactory();
              ml = await factory.open(TOPIC);
              cursor = ml.cursors().get('sub')!;
              break;
          }
          check(cursor, model, ml.firstPosition());
        }
        await factory.close();
      }),
      {
        numRuns: 150,
        ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}),
      },
    );
  });
});

function check(cursor: Cursor, model: Model, firstExisting: Position | null): void {
  const n = model.positions.length;
  expect(cursor.backlog()).toBe(n - model.acked.size);
  for (let k = 0; k < n; k++) expect(cursor.isAcked(model.positions[k])).toBe(model.acked.has(k));
  const m = model.prefix();
  if (m >= 0) {
    // markDelete names the last consumed entry while it exists; once trimmed, any position between it
    // and the next entry describes the same state (the cursor keeps "just before the first entry").
    const exists = firstExisting !== null && comparePositions(model.positions[m], firstExisting) >= 0;
    if (exists) expect(cursor.markDeletePosition).toEqual(model.positions[m]);
    else expect(comparePositions(cursor.markDeletePosition, model.positions[m])).toBeGreaterThanOrEqual(0);
  }
  if (m + 1 < n) expect(comparePositions(cursor.markDeletePosition, model.positions[m + 1])).toBeLessThan(0);
  const individually = cursor.ackedRanges().reduce((s, [a, b]) => s + b.entryId - a.entryId + 1, 0);
  expect(individually).toBe(model.acked.size - (m + 1));
}
