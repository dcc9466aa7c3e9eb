import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandType, KeySharedMode, ServerError, SubType, type Frame } from '@magnetar/protocol';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { ack, createProducer, drainMessages, flow, send, subscribe, until } from './raw-helpers.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.destroy();
});

const KEYS = Array.from({ length: 12 }, (_, i) => `key-${i}`);
const keyOf = (f: Frame) => f.payload!.metadata.partition_key!;
const seqOf = (f: Frame) => Number(f.payload!.payload.toString().split(':')[1]);
const idOf = (f: Frame) => f.command.message!.message_id;

/** Per key, the sequence numbers a consumer received, in arrival order. */
function byKey(frames: Frame[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const f of frames) m.set(keyOf(f), [...(m.get(keyOf(f)) ?? []), seqOf(f)]);
  return m;
}

describe('Key_Shared over the wire', () => {
  it('sends each key to one consumer, in order', async () => {
    const topic = 'persistent://public/default/ks-two';
    const p = await RawClient.connected(broker.port);
    await createProducer(p, topic);
    const cs = [await RawClient.connected(broker.port), await RawClient.connected(broker.port)];
    for (const [i, c] of cs.entries()) {
      const r = await subscribe(c, {
        topic,
        subscription: 'ks',
        subType: SubType.Key_Shared,
        consumer_id: 1,
        consumer_name: `c${i}`,
      });
      expect(r.command.type).toBe(CommandType.SUCCESS);
      flow(c, 1, 1000);
    }
    for (let i = 0; i < 240; i++)
      await send(p, `${KEYS[i % KEYS.length]}:${i}`, { partition_key: KEYS[i % KEYS.length] });
    const got: Frame[][] = [[], []];
    await until(() => {
      for (const [i, c] of cs.entries()) got[i].push(...drainMessages(c, 1));
      return got[0].length + got[1].length === 240;
    });
    const keysA = new Set(got[0].map(keyOf));
    const keysB = new Set(got[1].map(keyOf));
    expect(keysA.size).toBeGreaterThan(0);
    expect(keysB.size).toBeGreaterThan(0);
    expect([...keysA].filter((k) => keysB.has(k))).toEqual([]);
    for (const list of got)
      for (const seqs of byKey(list).values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (const c of [p, ...cs]) c.close();
  });

  it('keeps every key flowing when a third consumer joins mid-stream', async () => {
    const topic = 'persistent://public/default/ks-join';
    const p = await RawClient.connected(broker.port);
    await createProducer(p, topic);
    const cs: RawClient[] = [];
    const got: Frame[][] = [];
    const join = async (i: number) => {
      const c = await RawClient.connected(broker.port);
      const r = await subscribe(c, {
        topic,
        subscription: 'ks',
        subType: SubType.Key_Shared,
        consumer_id: 1,
        consumer_name: `c${i}`,
      });
      expect(r.command.type).toBe(CommandType.SUCCESS);
      flow(c, 1, 1000);
      cs.push(c);
      got.push([]);
    };
    // Each consumer acks what it got so far before more is published: keys that move to the
    // newcomer can drain, and the stream must never stop.
    const pump = () => {
      for (const [i, c] of cs.entries()) {
        const fresh = drainMessages(c, 1);
        got[i].push(...fresh);
        if (fresh.length > 0) ack(c, 1, fresh.map(idOf));
      }
      return got.reduce((n, l) => n + l.length, 0);
    };
    await join(0);
    await join(1);
    let sent = 0;
    for (; sent < 150; sent++)
      await send(p, `${KEYS[sent % KEYS.length]}:${sent}`, { partition_key: KEYS[sent % KEYS.length] });
    await join(2);
    for (; sent < 300; sent++) {
      await send(p, `${KEYS[sent % KEYS.length]}:${sent}`, { partition_key: KEYS[sent % KEYS.length] });
      if (sent % 10 === 0) pump();
    }
    await until(() => pump() === 300, 15_000, 'all 300 messages');
    expect(got[2].length).toBeGreaterThan(0);
    // No message twice, and each key's messages arrived in publish order at whichever consumer.
    const all = got.flat();
    expect(new Set(all.map(seqOf)).size).toBe(300);
    for (const list of got)
      for (const seqs of byKey(list).values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (const c of [p, ...cs]) c.close();
  });

  it('refuses a STICKY consumer whose ranges overlap another one with ConsumerAssignError', async () => {
    const topic = 'persistent://public/default/ks-sticky';
    const a = await RawClient.connected(broker.port);
    const b = await RawClient.connected(broker.port);
    const sticky = (start: number, end: number) => ({
      keySharedMode: KeySharedMode.STICKY,
      hashRanges: [{ start, end }],
    });
    const ra = await subscribe(a, {
      topic,
      subscription: 'st',
      subType: SubType.Key_Shared,
      consumer_id: 1,
      keySharedMeta: sticky(0, 40_000),
    });
    expect(ra.command.type).toBe(CommandType.SUCCESS);
    const rb = await subscribe(b, {
      topic,
      subscription: 'st',
      subType: SubType.Key_Shared,
      consumer_id: 1,
      keySharedMeta: sticky(30_000, 65_535),
    });
    expect(rb.command.type).toBe(CommandType.ERROR);
    expect(rb.command.error!.error).toBe(ServerError.ConsumerAssignError);
    const rc = await subscribe(b, {
      topic,
      subscription: 'st',
      subType: SubType.Key_Shared,
      consumer_id: 2,
      keySharedMeta: sticky(40_001, 65_535),
    });
    expect(rc.command.type).toBe(CommandType.SUCCESS);
    a.close();
    b.close();
  });
});
