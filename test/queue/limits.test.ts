import { afterEach, describe, expect, it } from 'vitest';
import { CommandType, SubType, type Frame } from '@magnetar/protocol';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { startHarness, TestConnection, type Harness } from './harness.js';
import { ack, createProducer, drainMessages, flow, send, subscribe, until } from './raw-helpers.js';

let broker: TestBroker | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await broker?.destroy();
  await h?.close();
  broker = undefined;
  h = undefined;
});

const idOf = (f: Frame) => f.command.message!.message_id;
/** Long enough for a dispatcher that should stay blocked to have sent something if it were not. */
const QUIET_MS = 150;

describe('maxUnackedMessagesPerConsumer (over the wire)', () => {
  it('blocks a Shared consumer at the limit and unblocks it when acks bring it to half', async () => {
    broker = await startTestBroker({ maxUnackedMessagesPerConsumer: 10 });
    const topic = 'persistent://public/default/unacked-limit';
    const p = await RawClient.connected(broker.port);
    await createProducer(p, topic);
    for (let i = 0; i < 40; i++) await send(p, `m${i}`);
    const c = await RawClient.connected(broker.port);
    expect(
      (await subscribe(c, { topic, subscription: 's', subType: SubType.Shared, consumer_id: 1 })).command
        .type,
    ).toBe(CommandType.SUCCESS);
    flow(c, 1, 1000);
    const first = await c.messages(1, 10);
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(drainMessages(c, 1)).toEqual([]);
    // 10 → 6 unacked: still above half, still blocked.
    ack(c, 1, first.slice(0, 4).map(idOf));
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(drainMessages(c, 1)).toEqual([]);
    // 6 → 5 = half: unblocked, and it fills up to the limit again.
    ack(c, 1, [idOf(first[4])]);
    const more = await c.messages(1, 5);
    expect(more.map((f) => f.payload!.payload.toString())).toEqual(['m10', 'm11', 'm12', 'm13', 'm14']);
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(drainMessages(c, 1)).toEqual([]);
    p.close();
    c.close();
  });
});

async function shared(overrides = {}) {
  h = await startHarness(overrides);
  return h;
}

describe('limits and priorities (in process)', () => {
  it('maxUnackedMessagesPerSubscription stops the whole subscription, resuming at half', async () => {
    const h = await shared({ maxUnackedMessagesPerSubscription: 10, maxUnackedMessagesPerConsumer: 0 });
    const conn = new TestConnection(h.broker);
    const a = await h.subscribe(conn, { consumerId: 1, type: SubType.Shared });
    const b = await h.subscribe(conn, { consumerId: 2, type: SubType.Shared });
    for (let i = 0; i < 30; i++) await h.publish({}, `m${i}`);
    h.subscription().flow(a, 100);
    h.subscription().flow(b, 100);
    await h.settle();
    const got = () => conn.messagesOf(1).length + conn.messagesOf(2).length;
    expect(got()).toBe(10);
    expect(h.subscription().dispatcher!.blockedOnUnackedMessages).toBe(true);
    const ackN = (c: typeof a, id: number, n: number) =>
      h.subscription().ack(c, {
        consumer_id: id,
        ack_type: 0,
        message_id: conn
          .messagesOf(id)
          .slice(0, n)
          .map((r) => r.position),
      });
    ackN(a, 1, 3);
    await h.settle();
    expect(got()).toBe(10);
    ackN(b, 2, 2);
    await h.settle();
    // 5 unacked = half the limit: dispatch resumes up to the limit again.
    expect(got()).toBe(15);
  });

  it('applies maxUnackedMessagesPerConsumer to Key_Shared but not to Exclusive', async () => {
    for (const [type, expected] of [
      [SubType.Key_Shared, 4],
      [SubType.Exclusive, 12],
    ] as const) {
      const h = await startHarness({ maxUnackedMessagesPerConsumer: 4 });
      const conn = new TestConnection(h.broker);
      const c = await h.subscribe(conn, { consumerId: 1, type });
      for (let i = 0; i < 12; i++) await h.publish({ partition_key: `k${i % 3}` }, `m${i}`);
      h.subscription().flow(c, 100);
      await h.settle();
      expect(conn.messagesOf(1).length).toBe(expected);
      expect(c.blockedOnUnacked).toBe(type === SubType.Key_Shared);
      await h.close();
    }
  });

  it('serves the best priority level first while it has permits, round-robin within a level', async () => {
    const h = await shared();
    const conn = new TestConnection(h.broker);
    const hi1 = await h.subscribe(conn, { consumerId: 1, type: SubType.Shared, priority: 0 });
    const lo = await h.subscribe(conn, { consumerId: 2, type: SubType.Shared, priority: 1 });
    const hi2 = await h.subscribe(conn, { consumerId: 3, type: SubType.Shared, priority: 0 });
    const sub = h.subscription();
    sub.flow(hi1, 5);
    sub.flow(hi2, 5);
    sub.flow(lo, 100);
    for (let i = 0; i < 8; i++) await h.publish({}, `m${i}`);
    await h.settle();
    expect(conn.messagesOf(2)).toHaveLength(0);
    expect(conn.messagesOf(1)).toHaveLength(4);
    expect(conn.messagesOf(3)).toHaveLength(4);
    // The high level has 2 permits left in total; beyond them the low level takes over.
    for (let i = 8; i < 14; i++) await h.publish({}, `m${i}`);
    await h.settle();
    expect(conn.messagesOf(1).length + conn.messagesOf(3).length).toBe(10);
    expect(conn.messagesOf(2)).toHaveLength(4);
    // Permits back at the high level: it is served first again.
    sub.flow(hi1, 3);
    for (let i = 14; i < 17; i++) await h.publish({}, `m${i}`);
    await h.settle();
    expect(conn.messagesOf(1)).toHaveLength(8);
    expect(conn.messagesOf(2)).toHaveLength(4);
  });

  it('ignores a redelivery of ids not pending, and applies an ack of a never-delivered id to the cursor', async () => {
    const h = await shared();
    const conn = new TestConnection(h.broker);
    const c = await h.subscribe(conn, { consumerId: 1, type: SubType.Shared });
    const ps = [];
    for (let i = 0; i < 4; i++) ps.push(await h.publish({}, `m${i}`));
    const sub = h.subscription();
    // Ack of m3 before anything was delivered; redelivery of ids nobody holds.
    sub.ack(c, { consumer_id: 1, ack_type: 0, message_id: [ps[3]] });
    sub.redeliver(c, [ps[0], { ledgerId: 999, entryId: 5 }]);
    sub.flow(c, 10);
    await h.settle();
    expect(conn.messagesOf(1).map((r) => r.payload)).toEqual(['m0', 'm1', 'm2']);
    expect(conn.messagesOf(1).every((r) => r.redeliveryCount === 0)).toBe(true);
    expect(sub.backlog()).toBe(3);
    sub.ack(c, { consumer_id: 1, ack_type: 0, message_id: ps.slice(0, 3) });
    expect(sub.backlog()).toBe(0);
  });
});

describe('maxUnackedMessagesPerConsumer on a live Shared subscription with two consumers', () => {
  it('keeps delivering to the other consumer while one is blocked', async () => {
    broker = await startTestBroker({ maxUnackedMessagesPerConsumer: 5 });
    const topic = 'persistent://public/default/unacked-two';
    const p = await RawClient.connected(broker.port);
    await createProducer(p, topic);
    const [a, b] = [await RawClient.connected(broker.port), await RawClient.connected(broker.port)];
    for (const [c, n] of [
      [a, 'a'],
      [b, 'b'],
    ] as const) {
      await subscribe(c, {
        topic,
        subscription: 's',
        subType: SubType.Shared,
        consumer_id: 1,
        consumer_name: n,
      });
      flow(c, 1, 100);
    }
    for (let i = 0; i < 20; i++) await send(p, `m${i}`);
    const gotA: Frame[] = [];
    const gotB: Frame[] = [];
    await until(() => {
      gotA.push(...drainMessages(a, 1));
      gotB.push(...drainMessages(b, 1));
      return gotA.length === 5 && gotB.length === 5;
    });
    // b acks everything it has: it gets more, a (blocked, not acking) gets nothing.
    ack(b, 1, gotB.map(idOf));
    await until(() => {
      gotB.push(...drainMessages(b, 1));
      return gotB.length === 10;
    });
    expect(drainMessages(a, 1)).toEqual([]);
    for (const c of [p, a, b]) c.close();
  });
});
