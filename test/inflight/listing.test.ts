// GET …/subscription/{sub}/inflight against real @magnetar/client consumers: after every step
// (deliveries, an ack timeout, acks, a nack) the broker's listing must equal what each consumer
// holds, entry for entry, with the right consumer names and redelivery counts.
import { Client, type Consumer, type Message } from '@magnetar/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { eventually, inflightApi, type Page } from './helpers.js';

let broker: TestBroker;
let client: Client;

beforeAll(async () => {
  broker = await startTestBroker();
  client = new Client({ serviceUrl: broker.brokerServiceUrl });
});
afterAll(async () => {
  await client?.close();
  await broker?.destroy();
});

interface Held {
  consumer: string;
  redeliveryCount: number;
  message: Message;
}

const idOf = (m: Message) => `${m.getMessageId().ledgerId}:${m.getMessageId().entryId}`;

describe('in-flight listing', () => {
  it('matches what each Shared consumer holds through an ack timeout, acks and a nack', async () => {
    const topic = 'inflight-shared';
    const listing = inflightApi(broker.webServiceUrl, topic, 'work');
    const held = new Map<string, Held>();
    // After the ack timeout has fired once, C acknowledges every redelivery it gets, so that what it
    // timed out ends up either acked or held by A or B: a state that stops changing.
    let cAcksRedeliveries = false;
    const subscribe = (name: string, extra: object = {}) =>
      client.subscribe({
        topic,
        subscription: 'work',
        subscriptionType: 'Shared',
        consumerName: name,
        receiverQueueSize: 5,
        ackGroupingTimeMs: 0,
        nAckRedeliverTimeoutMs: 200,
        ...extra,
      });
    const consumers: Record<string, Consumer> = {
      A: await subscribe('A'),
      B: await subscribe('B'),
      C: await subscribe('C', { ackTimeoutMs: 1500, properties: { 'magnetar.ackTimeoutMs': '1500' } }),
    };
    const loops = Object.entries(consumers).map(async ([name, c]) => {
      for (;;) {
        let m: Message;
        try {
          m = await c.receive();
        } catch {
          return; // closed
        }
        if (name === 'C' && cAcksRedeliveries && m.getRedeliveryCount() > 0) {
          held.delete(idOf(m));
          await c.acknowledge(m);
          continue;
        }
        held.set(idOf(m), { consumer: name, redeliveryCount: m.getRedeliveryCount(), message: m });
      }
    });

    const producer = await client.createProducer({ topic, batchingEnabled: false });
    const keyOf = (i: number) => `k${i % 4}`;
    const sent = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const id = await producer.send({
        data: Buffer.from(`m${i}`),
        partitionKey: keyOf(i),
        properties: { 'magnetar.priority': String(i % 3) },
      });
      sent.set(`${id.ledgerId}:${id.entryId}`, i);
    }

    const allPages = async (query = ''): Promise<Page['entries']> => {
      const out: Page['entries'] = [];
      let cursor = '';
      for (;;) {
        const p = await listing.page(`?limit=7${query}${cursor}`);
        out.push(...p.entries);
        if (p.nextCursor === null) return out;
        cursor = `&cursor=${p.nextCursor}`;
      }
    };
    const matchesHeld = async () => {
      const entries = await allPages();
      const seen = entries.map((e) => [e.messageId, e.consumerName, e.redeliveryCount]).sort();
      const want = [...held].map(([id, h]) => [id, h.consumer, h.redeliveryCount]).sort();
      expect(seen).toEqual(want);
      return entries;
    };

    // 1. Everything delivered and held: ids, consumers, keys, priorities, ack-timeout deadlines.
    await eventually(async () => expect(held.size).toBe(30));
    const first = await matchesHeld();
    const heldByC = first.filter((e) => e.consumerName === 'C').map((e) => e.messageId);
    expect(heldByC.length).toBeGreaterThan(0);
    for (const e of first) {
      const i = sent.get(e.messageId)!;
      expect(e).toMatchObject({ batchSize: 1, key: keyOf(i), keyBase64: false, priority: i % 3 });
      expect(e.consumerId).toBe(first.find((x) => x.consumerName === e.consumerName)!.consumerId);
      expect(e.address).toMatch(/^127\.0\.0\.1:\d+$/);
      const deadline =
        e.consumerName === 'C' ? new Date(Date.parse(e.deliveredAt) + 1500).toISOString() : null;
      expect(e.ackTimeoutDeadline).toBe(deadline);
    }
    const times = first.map((e) => Date.parse(e.deliveredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const byB = await listing.page('?consumer=B&limit=1000');
    expect(byB.total).toBe(first.filter((e) => e.consumerName === 'B').length);
    expect(byB.entries.every((e) => e.consumerName === 'B')).toBe(true);
    const k1 = await listing.page('?key=k1&limit=1000');
    expect(k1.entries.map((e) => e.messageId).sort()).toEqual(
      [...sent]
        .filter(([, i]) => keyOf(i) === 'k1')
        .map(([id]) => id)
        .sort(),
    );
    expect(k1.total).toBeNull();

    // 2. C's ack timeout fires: its messages leave it and come back with redeliveryCount 1.
    cAcksRedeliveries = true;
    await eventually(async () => {
      const entries = await matchesHeld();
      expect(entries.filter((e) => heldByC.includes(e.messageId) && e.redeliveryCount === 0)).toEqual([]);
    });
    await consumers.C!.close();
    await matchesHeld();

    // 3. A acks half of what it holds; B nacks one message, which comes back with one more redelivery.
    const ofA = [...held].filter(([, h]) => h.consumer === 'A');
    for (const [id, h] of ofA.slice(0, Math.ceil(ofA.length / 2))) {
      held.delete(id);
      await consumers.A!.acknowledge(h.message);
    }
    const [nackedId, nacked] = [...held].find(([, h]) => h.consumer === 'B')!;
    held.delete(nackedId);
    consumers.B!.negativeAcknowledge(nacked.message);
    await eventually(async () => {
      const entries = await matchesHeld();
      expect(entries.find((e) => e.messageId === nackedId)?.redeliveryCount).toBe(nacked.redeliveryCount + 1);
    });

    await producer.close();
    await consumers.A!.close();
    await consumers.B!.close();
    await Promise.all(loops);
  });

  it('answers 400 for a bad limit or cursor and 404 for an unknown subscription', async () => {
    const p = await client.createProducer({ topic: 'inflight-errors' });
    const c = await client.subscribe({ topic: 'inflight-errors', subscription: 's' });
    const listing = inflightApi(broker.webServiceUrl, 'inflight-errors', 's');
    expect((await listing.get('?limit=1001')).status).toBe(400);
    expect((await listing.get('?limit=0')).status).toBe(400);
    expect((await listing.get('?cursor=bm9wZQ')).status).toBe(400);
    expect((await listing.get('/key-shared')).status).toBe(409);
    expect((await inflightApi(broker.webServiceUrl, 'inflight-errors', 'none').get('')).status).toBe(404);
    expect(await listing.page()).toMatchObject({ total: 0, returned: 0, nextCursor: null, entries: [] });
    await c.close();
    await p.close();
  });
});
