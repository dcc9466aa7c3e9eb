import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MessageIdData } from '../connection/wire.js';
import { MessageId } from '../message-id.js';
import { AckGroupingTracker } from './ack-grouping.js';
import { BatchAckTracker } from './batch-ack-tracker.js';
import { ManualClock } from '../util/clock.js';
import { multiplierBackoff } from './redelivery-backoff.js';
import { RedeliveryTracker } from './redelivery-tracker.js';
import { ackSetHas } from './unpack.js';

describe('RedeliveryTracker', () => {
  it('returns entries once they are due, once each, and honours removal', () => {
    const clock = new ManualClock(1000);
    const t = new RedeliveryTracker(500, () => undefined, clock, 50);
    t.add(new MessageId(1, 1));
    t.add(new MessageId(1, 1, -1, 3)); // same entry: not added twice
    t.add(new MessageId(1, 2));
    t.add(new MessageId(1, 3));
    t.remove(new MessageId(1, 3).entryKey());
    expect(t.size).toBe(2);
    clock.advance(499);
    expect(t.sweep()).toEqual([]);
    t.stop();
    clock.advance(1);
    expect(t.sweep().map(String)).toEqual(['1:1:-1:-1', '1:2:-1:-1']);
    expect(t.sweep()).toEqual([]);
  });

  it('hands every entry due in one tick over together, each with its own delay', () => {
    const clock = new ManualClock(0);
    const batches: string[][] = [];
    const t = new RedeliveryTracker(1000, (ids) => batches.push(ids.map(String)), clock, 100);
    t.add(new MessageId(1, 1), { delayMs: 150 });
    t.add(new MessageId(1, 2), { delayMs: 180 });
    t.add(new MessageId(1, 3), { delayMs: 450 });
    t.add(new MessageId(1, 4)); // the default delay
    clock.advance(199); // ticks at 100: nothing due yet
    expect(batches).toEqual([]);
    clock.advance(1); // the tick at 200 finds both early ones due and sends them together
    expect(batches).toEqual([['1:1:-1:-1', '1:2:-1:-1']]);
    clock.advance(300);
    expect(batches).toEqual([['1:1:-1:-1', '1:2:-1:-1'], ['1:3:-1:-1']]);
    clock.advance(600);
    expect(batches.at(-1)).toEqual(['1:4:-1:-1']);
    // Nothing is waiting any more, so no timer is left behind.
    expect(clock.pendingTasks).toBe(0);
  });

  it('drops everything up to a cumulative ack', () => {
    const t = new RedeliveryTracker(500, () => undefined, new ManualClock(), 50);
    for (let e = 0; e < 5; e++) t.add(new MessageId(1, e));
    t.removeUpTo(new MessageId(1, 2));
    expect(t.size).toBe(2);
    t.stop();
  });
});

describe('multiplierBackoff', () => {
  it('grows the nack delay with the redelivery count up to the cap, as Java does', () => {
    const next = multiplierBackoff({ minDelayMs: 100, maxDelayMs: 1000, multiplier: 2 });
    expect([0, 1, 2, 3, 4, 5, 100, 5000].map(next)).toEqual([100, 200, 400, 800, 1000, 1000, 1000, 1000]);
    expect(() => multiplierBackoff({ minDelayMs: 10, maxDelayMs: 5, multiplier: 2 })).toThrow(/backoff/i);
  });
});

describe('BatchAckTracker', () => {
  it('acks the entry only when every delivered message of the batch is acked', () => {
    const t = new BatchAckTracker();
    const ids = [0, 1, 2].map((i) => new MessageId(4, 7, -1, i, 3));
    t.register(ids[0].entryKey(), [0, 1, 2]);
    expect(t.ack(ids[1])).toBe(false);
    expect(t.ack(ids[0])).toBe(false);
    expect(t.ack(ids[1])).toBe(false); // a duplicate ack changes nothing
    expect(t.ack(ids[2])).toBe(true);
    expect(t.ack(new MessageId(4, 8))).toBe(true); // not a batch
  });

  it('answers as a map of index sets would, whatever the order of registers, acks and forgets', () => {
    // Few distinct entries, so that acks, forgets and registers of one entry follow each other.
    const entry = fc.record({
      ledger: fc.nat(1),
      entry: fc.nat(1),
      partition: fc.integer({ min: -1, max: 0 }),
    });
    // Small index ranges too, so that acks hit delivered indexes; clear is rare.
    const op = fc.oneof(
      {
        arbitrary: fc.record({
          op: fc.constant('register' as const),
          e: entry,
          indexes: fc.array(fc.nat(7), { maxLength: 5 }),
        }),
        weight: 3,
      },
      {
        arbitrary: fc.record({
          op: fc.constant('ack' as const),
          e: entry,
          index: fc.integer({ min: -1, max: 7 }),
        }),
        weight: 6,
      },
      { arbitrary: fc.record({ op: fc.constant('forget' as const), e: entry }), weight: 2 },
      { arbitrary: fc.record({ op: fc.constant('clear' as const) }), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 30, maxLength: 80 }), (ops) => {
        const t = new BatchAckTracker();
        const model = new Map<string, Set<number>>();
        for (const o of ops) {
          if (o.op === 'clear') {
            t.clear();
            model.clear();
            continue;
          }
          const key = new MessageId(o.e.ledger, o.e.entry, o.e.partition).entryKey();
          if (o.op === 'register') {
            t.register(key, o.indexes);
            if (o.indexes.length > 0) {
              const set = model.get(key) ?? new Set<number>();
              for (const i of o.indexes) set.add(i);
              model.set(key, set);
            }
          } else if (o.op === 'forget') {
            t.forget(key);
            model.delete(key);
          } else {
            const id = new MessageId(o.e.ledger, o.e.entry, o.e.partition, o.index, 81);
            let expected = true;
            const set = model.get(key);
            if (o.index >= 0 && set) {
              set.delete(o.index);
              if (set.size > 0) expected = false;
              else model.delete(key);
            }
            expect(t.ack(id)).toBe(expected);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('AckGroupingTracker', () => {
  it('groups individual acks into one frame and keeps the highest cumulative id', () => {
    const clock = new ManualClock();
    const sent: { type: number; ids: MessageIdData[] }[] = [];
    const t = new AckGroupingTracker({ sendAck: (type, ids) => (sent.push({ type, ids }), true) }, 30, clock);
    t.addIndividual({ ledgerId: 1, entryId: 1 });
    t.addIndividual({ ledgerId: 1, entryId: 2 });
    t.addIndividual({ ledgerId: 1, entryId: 2 });
    t.addCumulative({ ledgerId: 1, entryId: 5 });
    t.addCumulative({ ledgerId: 1, entryId: 3 });
    clock.advance(29);
    expect(sent).toHaveLength(0);
    clock.advance(1);
    expect(sent).toEqual([
      { type: 1, ids: [{ ledgerId: 1, entryId: 5 }] },
      {
        type: 0,
        ids: [
          { ledgerId: 1, entryId: 1 },
          { ledgerId: 1, entryId: 2 },
        ],
      },
    ]);
    t.close();
  });

  it('keeps acks while disconnected and sends them on the next flush', () => {
    let connected = false;
    const sent: MessageIdData[][] = [];
    const t = new AckGroupingTracker({ sendAck: (_t, ids) => connected && sent.push(ids) > 0 }, 0);
    t.addIndividual({ ledgerId: 2, entryId: 0 });
    expect(sent).toHaveLength(0);
    connected = true;
    t.flush();
    expect(sent).toEqual([[{ ledgerId: 2, entryId: 0 }]]);
    t.close();
  });
});

describe('ackSetHas', () => {
  it('reads bits of signed 64-bit words', () => {
    expect(ackSetHas([0b101], 0)).toBe(true);
    expect(ackSetHas([0b101], 1)).toBe(false);
    expect(ackSetHas([-1], 63)).toBe(true);
    expect(ackSetHas([0, 1], 64)).toBe(true);
    expect(ackSetHas([1], 70)).toBe(false);
  });
});
