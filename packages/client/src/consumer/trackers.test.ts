import { describe, expect, it } from 'vitest';
import type { MessageIdData } from '../connection/wire.js';
import { MessageId } from '../message-id.js';
import { AckGroupingTracker } from './ack-grouping.js';
import { BatchAckTracker } from './batch-ack-tracker.js';
import { RedeliveryTracker } from './redelivery-tracker.js';
import { ackSetHas } from './unpack.js';

describe('RedeliveryTracker', () => {
  it('returns entries once they are due, once each, and honours removal', () => {
    let now = 1000;
    const t = new RedeliveryTracker(
      500,
      () => undefined,
      50,
      () => now,
    );
    t.add(new MessageId(1, 1));
    t.add(new MessageId(1, 1, -1, 3)); // same entry: not added twice
    t.add(new MessageId(1, 2));
    t.add(new MessageId(1, 3));
    t.remove(new MessageId(1, 3).entryKey());
    expect(t.size).toBe(2);
    now = 1499;
    expect(t.sweep()).toEqual([]);
    now = 1500;
    expect(t.sweep().map(String)).toEqual(['1:1:-1:-1', '1:2:-1:-1']);
    expect(t.sweep()).toEqual([]);
    t.stop();
  });

  it('drops everything up to a cumulative ack', () => {
    const t = new RedeliveryTracker(
      500,
      () => undefined,
      50,
      () => 0,
    );
    for (let e = 0; e < 5; e++) t.add(new MessageId(1, e));
    t.removeUpTo(new MessageId(1, 2));
    expect(t.size).toBe(2);
    t.stop();
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
});

describe('AckGroupingTracker', () => {
  it('groups individual acks into one frame and keeps the highest cumulative id', async () => {
    const sent: { type: number; ids: MessageIdData[] }[] = [];
    const t = new AckGroupingTracker({ sendAck: (type, ids) => (sent.push({ type, ids }), true) }, 30);
    t.addIndividual({ ledgerId: 1, entryId: 1 });
    t.addIndividual({ ledgerId: 1, entryId: 2 });
    t.addIndividual({ ledgerId: 1, entryId: 2 });
    t.addCumulative({ ledgerId: 1, entryId: 5 });
    t.addCumulative({ ledgerId: 1, entryId: 3 });
    expect(sent).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 80));
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
