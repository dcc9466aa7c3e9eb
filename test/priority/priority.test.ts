// Message priority (docs/design/0006) against a real broker: the priority set only as the
// `magnetar.priority` property (as an official client would), or through our client's option.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubType } from '@magnetar/protocol';
import { Client } from '@magnetar/client';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { api } from '../admin/http.js';
import { flow } from '../queue/raw-helpers.js';
import {
  consumerOn,
  loadedTopic,
  namespaceWith,
  payloadOf,
  priorityOf,
  producerOn,
  publishRaw,
  range,
  take,
} from './helpers.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
  await namespaceWith(broker, 'prio', { enabled: true });
  await namespaceWith(broker, 'plain');
  await namespaceWith(broker, 'fair', { enabled: true, weights: [1, 1, 1, 1, 1, 1, 1, 1, 1, 3] });
});
afterAll(async () => {
  await broker?.destroy();
});

const BACKLOG = 10_000;
const low = (i: number) => ({ payload: `low-${i}` });

describe('priority on a Shared subscription', () => {
  it('delivers a priority-9 message published after 10,000 priority-0 ones next (property only)', async () => {
    const topic = 'persistent://public/prio/after-backlog';
    await loadedTopic(broker, topic, true);
    const c = await consumerOn(broker, topic);
    const p = await producerOn(broker, topic);
    await publishRaw(p, range(BACKLOG, low));
    await publishRaw(p, [{ payload: 'urgent', priority: 9 }]);
    const stats = (await api(broker.webServiceUrl).get('/persistent/public/prio/after-backlog/stats'))
      .body as { subscriptions: Record<string, { priorityBacklog?: Record<string, number> }> };
    expect(stats.subscriptions.s.priorityBacklog).toMatchObject({ '0': BACKLOG, '9': 1 });
    // No permits yet, so nothing has been delivered.
    expect(c.frames.filter((f) => f.payload)).toEqual([]);
    expect(await take(c, 1)).toEqual(['urgent']);
    // Then the priority-0 backlog in log order.
    expect(await take(c, 5)).toEqual(range(5, low).map((m) => m.payload));
    // Live: with permits outstanding and the backlog still there, a new priority-9 message comes next.
    flow(c, 1, 1);
    await c.messages(1, 1, 5000);
    await publishRaw(p, [{ payload: 'urgent-2', priority: 9 }]);
    expect(await take(c, 1)).toEqual(['urgent-2']);
    p.close();
    c.close();
  });

  it("our client's send({ priority }) sets the property and is honoured, batching on", async () => {
    const topic = 'persistent://public/prio/client-option';
    await loadedTopic(broker, topic, true);
    const client = new Client({ serviceUrl: broker.brokerServiceUrl, operationTimeoutSeconds: 10 });
    try {
      const producer = await client.createProducer({ topic, batchingEnabled: true });
      for (let i = 0; i < 2000; i += 500) {
        const chunk = range(500, (j) => low(i + j));
        await Promise.all(chunk.map((m) => producer.sendAsync({ data: Buffer.from(m.payload) })));
      }
      await producer.send({ data: Buffer.from('urgent'), priority: 9 });
      await expect(producer.send({ data: Buffer.from('x'), priority: 10 })).rejects.toThrow(/0 to 9/);
      const consumer = await client.subscribe({
        topic,
        subscription: 's',
        subscriptionType: 'Shared',
        subscriptionInitialPosition: 'Earliest',
      });
      const m = await consumer.receive(5000);
      expect(m.getData().toString()).toBe('urgent');
      expect(m.getProperties()).toEqual({ 'magnetar.priority': '9' });
      expect((await consumer.receive(5000)).getData().toString()).toBe('low-0');
    } finally {
      await client.close();
    }
  });

  it('anti-starvation: under a stream of priority-9 messages, priority 0 gets its configured share', async () => {
    // weights[0] = 1, weights[9] = 3: while both levels wait, one delivery in four is priority 0.
    const topic = 'persistent://public/fair/share';
    await loadedTopic(broker, topic, true);
    const c = await consumerOn(broker, topic);
    const p = await producerOn(broker, topic);
    await publishRaw(p, range(300, low));
    await publishRaw(
      p,
      range(600, (i) => ({ payload: `high-${i}`, priority: 9 })),
    );
    const got = await take(c, 400);
    const lows = got.filter((x) => x.startsWith('low-'));
    expect(lows.length).toBe(100);
    expect(got.length - lows.length).toBe(300);
    // Spread out, not in a burst: every window of 4 deliveries holds exactly one priority-0 message.
    for (let i = 0; i + 4 <= got.length; i += 4) {
      expect(got.slice(i, i + 4).filter((x) => x.startsWith('low-')).length).toBe(1);
    }
    // Order within each level is log order.
    expect(lows).toEqual(range(100, low).map((m) => m.payload));
    const highs = got.filter((x) => x.startsWith('high-'));
    expect(highs).toEqual(range(300, (i) => ({ payload: `high-${i}` })).map((m) => m.payload));
    p.close();
    c.close();
  });

  it('priority off (plain namespace): delivery stays in log order, and there is no priorityBacklog', async () => {
    const topic = 'persistent://public/plain/off';
    await loadedTopic(broker, topic, false);
    const c = await consumerOn(broker, topic);
    const p = await producerOn(broker, topic);
    await publishRaw(p, range(100, low));
    await publishRaw(p, [{ payload: 'urgent', priority: 9 }]);
    const got = await take(c, 101);
    expect(got).toEqual([...range(100, low).map((m) => m.payload), 'urgent']);
    const stats = (await api(broker.webServiceUrl).get('/persistent/public/plain/off/stats')).body as {
      subscriptions: Record<string, Record<string, unknown>>;
    };
    expect(stats.subscriptions.s).not.toHaveProperty('priorityBacklog');
    p.close();
    c.close();
  });

  it('Exclusive keeps log order on a priority-enabled namespace', async () => {
    const topic = 'persistent://public/prio/exclusive';
    await loadedTopic(broker, topic, true);
    const c = await consumerOn(broker, topic, SubType.Exclusive);
    const p = await producerOn(broker, topic);
    await publishRaw(p, range(50, low));
    await publishRaw(p, [{ payload: 'urgent', priority: 9 }]);
    expect(await take(c, 51)).toEqual([...range(50, low).map((m) => m.payload), 'urgent']);
    p.close();
    c.close();
  });
});

describe('priority on Key_Shared', () => {
  it('keeps per-key order within a level and serves the higher level first', async () => {
    const topic = 'persistent://public/prio/key-shared';
    await loadedTopic(broker, topic, true);
    const c1 = await consumerOn(broker, topic, SubType.Key_Shared, 'ks', 1);
    const c2 = await consumerOn(broker, topic, SubType.Key_Shared, 'ks', 2);
    const p = await producerOn(broker, topic);
    const N = 600;
    const msgs = range(N, (i) => ({
      payload: `${i % 2 === 0 ? 'p0' : 'p5'}:k${i % 7}:${i}`,
      priority: i % 2 === 0 ? undefined : 5,
      key: `k${i % 7}`,
    }));
    await publishRaw(p, msgs);
    flow(c1, 1, N);
    flow(c2, 2, N);
    const deadline = Date.now() + 15_000;
    const frames = () => [...c1.frames, ...c2.frames].filter((f) => f.payload);
    while (frames().length < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const seen = new Map<string, number>();
    for (const [client] of [[c1], [c2]] as const) {
      const first = client.frames.find((f) => f.payload);
      // With both levels waiting, each consumer's first message is of the higher level.
      if (first) expect(priorityOf(first)).toBe('5');
      for (const f of client.frames.filter((x) => x.payload)) {
        const [level, key, seq] = payloadOf(f).split(':');
        const k = `${level}:${key}`;
        expect(Number(seq)).toBeGreaterThan(seen.get(k) ?? -1);
        seen.set(k, Number(seq));
      }
    }
    expect(frames().length).toBe(N);
    expect(new Set(frames().map(payloadOf)).size).toBe(N);
    p.close();
    c1.close();
    c2.close();
  });
});

describe('priority after a restart', () => {
  it('rebuilds the index from the cursor and keeps priority order for the backlog', async () => {
    const b1 = await startTestBroker();
    const dataDir = b1.dataDir;
    await namespaceWith(b1, 'prio', { enabled: true });
    const topic = 'persistent://public/prio/restart';
    await loadedTopic(b1, topic, true);
    const c = await consumerOn(b1, topic);
    const p = await producerOn(b1, topic);
    await publishRaw(p, range(1000, low));
    await publishRaw(
      p,
      range(10, (i) => ({ payload: `high-${i}`, priority: 9 })),
    );
    // Two of the high ones are consumed and acknowledged before the restart.
    flow(c, 1, 2);
    const before = await c.messages(1, 2, 5000);
    expect(before.map(payloadOf)).toEqual(['high-0', 'high-1']);
    c.send({
      type: 10, // ACK
      ack: { consumer_id: 1, ack_type: 0, message_id: before.map((f) => f.command.message!.message_id) },
    });
    await new Promise((r) => setTimeout(r, 200));
    p.close();
    c.close();
    await b1.close();
    const b2 = await startTestBroker({}, dataDir);
    try {
      await loadedTopic(b2, topic, true);
      const c2 = await consumerOn(b2, topic);
      const got = await take(c2, 12);
      expect(got).toEqual([
        ...range(8, (i) => ({ payload: `high-${i + 2}` })).map((m) => m.payload),
        ...range(4, low).map((m) => m.payload),
      ]);
      c2.close();
    } finally {
      await b2.destroy();
    }
  });
});

describe('the priority namespace policy', () => {
  it('is set, read and removed at /namespaces/{tenant}/{ns}/priority, with validation', async () => {
    const a = api(broker.webServiceUrl);
    await namespaceWith(broker, 'policy');
    const path = '/namespaces/public/policy/priority';
    expect((await a.get(path)).status).toBe(204);
    const weights = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect((await a.post(path, { enabled: true, weights })).status).toBe(204);
    expect((await a.get(path)).body).toEqual({ enabled: true, weights });
    expect((await a.get('/namespaces/public/policy')).body).toMatchObject({ priority: { enabled: true } });
    const t = await loadedTopic(broker, 'persistent://public/policy/t', true);
    expect(t.priority.isEnabled).toBe(true);
    expect((await a.post(path, { enabled: true, weights: [1, 2] })).status).toBe(412);
    expect((await a.post(path, { enabled: true, weights: [0, 1, 1, 1, 1, 1, 1, 1, 1, 1] })).status).toBe(412);
    expect((await a.post(path, { enabled: 'yes' })).status).toBe(400);
    expect((await a.post(path, { weights })).status).toBe(400);
    expect((await a.delete(path)).status).toBe(204);
    expect((await a.get(path)).status).toBe(204);
    await loadedTopic(broker, 'persistent://public/policy/t', false);
  });
});
