import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessageIdData, encodeMessageIdData } from '../messages.js';
import type { MessageIdData } from '../schema/types-common.js';
import {
  EARLIEST,
  LATEST,
  compareMessageIds,
  isEarliest,
  isLatest,
  messageIdToString,
} from './message-id.js';

const idArb: fc.Arbitrary<MessageIdData> = fc.record(
  {
    ledgerId: fc.integer({ min: -1, max: 50 }),
    entryId: fc.integer({ min: -1, max: 50 }),
    batch_index: fc.integer({ min: -1, max: 5 }),
  },
  { requiredKeys: ['ledgerId', 'entryId'] },
);

describe('compareMessageIds', () => {
  it('orders by ledger, entry, then batch index with the whole entry first', () => {
    const ids: MessageIdData[] = [
      { ledgerId: 2, entryId: 0 },
      { ledgerId: 1, entryId: 5, batch_index: 1 },
      { ledgerId: 1, entryId: 5 },
      { ledgerId: 1, entryId: 5, batch_index: 0 },
      { ledgerId: 1, entryId: 4, batch_index: 9 },
    ];
    expect([...ids].sort(compareMessageIds).map(messageIdToString)).toEqual([
      '1:4:-1:9',
      '1:5:-1',
      '1:5:-1:0',
      '1:5:-1:1',
      '2:0:-1',
    ]);
  });

  it('is a total order consistent with equality (property)', () => {
    fc.assert(
      fc.property(idArb, idArb, idArb, (a, b, c) => {
        expect(compareMessageIds(a, a)).toBe(0);
        expect(compareMessageIds(a, b)).toBe(-compareMessageIds(b, a) || 0);
        if (compareMessageIds(a, b) <= 0 && compareMessageIds(b, c) <= 0) {
          expect(compareMessageIds(a, c)).toBeLessThanOrEqual(0);
        }
      }),
    );
  });

  it('puts EARLIEST before and LATEST after every real id', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 52 }), fc.integer({ min: 0, max: 2 ** 52 }), (l, e) => {
        expect(compareMessageIds(EARLIEST, { ledgerId: l, entryId: e })).toBe(-1);
        expect(compareMessageIds(LATEST, { ledgerId: l, entryId: e })).toBe(1);
      }),
    );
  });
});

describe('EARLIEST and LATEST on the wire', () => {
  it('EARLIEST encodes as uint64 -1, as the C++ reader sends it', () => {
    const bytes = encodeMessageIdData(EARLIEST);
    expect(bytes.toString('hex')).toBe('08ffffffffffffffffff0110ffffffffffffffffff01');
    expect(isEarliest(decodeMessageIdData(bytes))).toBe(true);
  });

  it('LATEST encodes as Long.MAX_VALUE and decodes back to LATEST', () => {
    const bytes = encodeMessageIdData(LATEST);
    expect(bytes.toString('hex')).toBe('08ffffffffffffffff7f10ffffffffffffffff7f');
    expect(isLatest(decodeMessageIdData(bytes))).toBe(true);
  });

  it('prints partition and batch index like Java MessageIdImpl', () => {
    expect(messageIdToString({ ledgerId: 3, entryId: 4, partition: 2 })).toBe('3:4:2');
    expect(messageIdToString({ ledgerId: 3, entryId: 4, partition: 2, batch_index: 7 })).toBe('3:4:2:7');
  });
});
