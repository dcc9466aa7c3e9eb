import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryMetadataStore } from '../../metadata/memory-metadata-store.js';
import { ManualClock } from '../../util/clock.js';
import { MemoryLedgerStore } from '../memory/memory-ledger-store.js';
import { ManagedLedgerFactoryImpl } from '../managed-ledger/managed-ledger-factory.js';
import { BatchAcks } from './batch-acks.js';
import { decodeCursorState, encodeCursorState } from './cursor-codec.js';

/** Words with bit i set for each index in `unacked`. */
const words = (...unacked: number[]) => {
  let w = 0n;
  for (const i of unacked) w |= 1n << BigInt(i);
  return [w];
};

function factory(ledgerStore = new MemoryLedgerStore(), metadataStore = new MemoryMetadataStore()) {
  const clock = new ManualClock();
  return {
    ledgerStore,
    metadataStore,
    f: new ManagedLedgerFactoryImpl({ ledgerStore, metadataStore, clock, scheduler: clock }),
  };
}

describe('batch-index acknowledgements in the cursor', () => {
  it('intersects ack sets, completes the entry when no index is left, and advances markDelete', async () => {
    const { f } = factory();
    const ml = await f.open('persistent://public/default/batch');
    const p0 = await ml.append(Buffer.from('batch-of-5'));
    await ml.append(Buffer.from('next'));
    const cursor = await ml.openCursor('s', 'earliest');
    // Java clients ack one index at a time: all bits set except the acked one.
    expect(cursor.ackBatchIndexes(p0, words(0, 2, 3, 4))).toBe(false);
    expect(cursor.ackBatchIndexes(p0, words(0, 1, 2, 4))).toBe(false);
    expect(cursor.batchAckSet(p0)).toEqual(words(0, 2, 4));
    expect(cursor.isAcked(p0)).toBe(false);
    expect(cursor.ackBatchIndexes(p0, words(0, 1, 3))).toBe(false);
    expect(cursor.batchAckSet(p0)).toEqual(words(0));
    expect(cursor.ackBatchIndexes(p0, words())).toBe(true);
    expect(cursor.isAcked(p0)).toBe(true);
    expect(cursor.batchAckSet(p0)).toBeUndefined();
    expect(cursor.markDeletePosition).toEqual(p0);
    await f.close();
  });

  it('persists partly acked batches exactly (all 64 bits) and recovers them', async () => {
    const a = factory();
    const ml = await a.f.open('persistent://public/default/batch-persist');
    const ps = [
      await ml.append(Buffer.from('a')),
      await ml.append(Buffer.from('b')),
      await ml.append(Buffer.from('c')),
    ];
    const cursor = await ml.openCursor('s', 'earliest');
    const high = [(1n << 63n) | 5n, 3n];
    cursor.ackBatchIndexes(ps[1], high);
    cursor.ackBatchIndexes(ps[2], words(1));
    cursor.ackIndividual([ps[2]]);
    await a.f.close();
    const b = factory(a.ledgerStore, a.metadataStore);
    const again = (await b.f.open('persistent://public/default/batch-persist')).cursors().get('s')!;
    expect(again.batchAckSet(ps[1])).toEqual(high);
    expect(again.batchAckSet(ps[2])).toBeUndefined();
    // Cumulative ack past an entry and SEEK both forget its partial state.
    again.ackCumulative(ps[1]);
    expect(again.batchAckSet(ps[1])).toBeUndefined();
    again.ackBatchIndexes(ps[2], words(3));
    again.resetTo(ps[0]);
    expect(again.batchAckSet(ps[2])).toBeUndefined();
    await b.f.close();
  });

  it('encodes and decodes cursor records with batch acks, and reads records without them', () => {
    const state = {
      markDelete: { ledgerId: 3, entryId: 4 },
      ranges: [{ ledgerId: 3, first: 6, last: 8 }],
      properties: { a: 'b' },
      truncated: false,
      batchAcks: [{ ledgerId: 3, entryId: 5, unacked: [(1n << 64n) - 1n, 1n] }],
    };
    expect(decodeCursorState(encodeCursorState(state))).toEqual(state);
    const old = Buffer.from(
      JSON.stringify({ v: 1, markDelete: '3:4', ranges: [], properties: {}, truncated: false }),
    );
    expect(decodeCursorState(old).batchAcks).toEqual([]);
    const bad = Buffer.from(JSON.stringify({ v: 1, markDelete: '3:4', ranges: [], batch: [[3, 5, '-1']] }));
    expect(() => decodeCursorState(bad)).toThrow(/batch ack word/);
  });

  it('BatchAcks.merge behaves like intersecting sets of unacked indexes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.nat(127), { maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        (acks) => {
          const b = new BatchAcks();
          const p = { ledgerId: 1, entryId: 1 };
          let model: Set<number> | undefined;
          for (const unacked of acks) {
            const ws = [0n, 0n];
            for (const i of unacked) ws[i >> 6] |= 1n << BigInt(i & 63);
            const r = b.merge(p, ws);
            model = model ? new Set([...model].filter((i) => unacked.includes(i))) : new Set(unacked);
            expect(r === 'full').toBe(model.size === 0);
            if (r === 'full') return;
            const got = b.get(p)!;
            for (let i = 0; i < 128; i++)
              expect(((got[i >> 6] ?? 0n) >> BigInt(i & 63)) & 1n).toBe(model.has(i) ? 1n : 0n);
          }
        },
      ),
    );
  });
});
