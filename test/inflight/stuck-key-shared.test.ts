// The stuck-message detector (stats stuckMessages, /metrics magnetar_subscription_stuck_messages,
// inflight?stuck=true) with a one-second threshold, and the Key_Shared ownership endpoint checked
// against the subscription stats it is built from.
import { Client, type Message } from '@magnetar/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../admin/http.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { findSamples, parsePrometheus } from '../helpers/prometheus.js';
import { eventually, inflightApi } from './helpers.js';

let broker: TestBroker;
let client: Client;

beforeAll(async () => {
  broker = await startTestBroker({ inflightStuckThresholdSeconds: 1 });
  client = new Client({ serviceUrl: broker.brokerServiceUrl });
});
afterAll(async () => {
  await client?.close();
  await broker?.destroy();
});

async function stuckGauge(topic: string, subscription: string): Promise<number[]> {
  const text = await (await fetch(`${broker.webServiceUrl}/metrics`)).text();
  const { samples, types } = parsePrometheus(text);
  expect(types.get('magnetar_subscription_stuck_messages')).toBe('gauge');
  return findSamples(samples, 'magnetar_subscription_stuck_messages', {
    cluster: 'standalone',
    namespace: 'public/default',
    topic: `persistent://public/default/${topic}`,
    subscription,
  }).map((s) => s.value);
}

const subStats = async (topic: string, sub: string) => {
  const r = await api(broker.webServiceUrl).get(`/persistent/public/default/${topic}/stats`);
  return (r.body as { subscriptions: Record<string, Record<string, unknown>> }).subscriptions[sub]!;
};

describe('stuck messages', () => {
  it('counts messages pending past the threshold in /metrics, stats and ?stuck=true', async () => {
    const topic = 'inflight-stuck';
    const consumer = await client.subscribe({
      topic,
      subscription: 's',
      consumerName: 'slow',
      ackGroupingTimeMs: 0,
    });
    const producer = await client.createProducer({ topic, batchingEnabled: false });
    for (let i = 0; i < 3; i++) await producer.send({ data: Buffer.from(`m${i}`) });
    const got: Message[] = [];
    for (let i = 0; i < 3; i++) got.push(await consumer.receive());
    await consumer.acknowledge(got[0]!);
    const listing = inflightApi(broker.webServiceUrl, topic, 's');
    await eventually(async () => expect((await listing.page()).total).toBe(2));

    expect(await stuckGauge(topic, 's')).toEqual([0]);
    expect(await subStats(topic, 's')).toMatchObject({ stuckMessages: 0 });
    expect(await listing.page('?stuck=true')).toMatchObject({ total: 0, stuckThresholdSeconds: 1 });

    await new Promise((r) => setTimeout(r, 1200));
    expect(await stuckGauge(topic, 's')).toEqual([2]);
    expect(await subStats(topic, 's')).toMatchObject({ stuckMessages: 2 });
    const stuck = await listing.page('?stuck=true');
    expect(stuck.entries.map((e) => e.messageId).sort()).toEqual(
      got
        .slice(1)
        .map((m) => `${m.getMessageId().ledgerId}:${m.getMessageId().entryId}`)
        .sort(),
    );
    expect(stuck.entries.every((e) => e.ageMs > 1000)).toBe(true);
    expect((await listing.page('?minAgeMs=60000')).total).toBe(0);

    await producer.close();
    await consumer.close();
  });
});

describe('Key_Shared owners', () => {
  it('shows each consumer’s hash ranges, draining slots and hot slots as the stats do', async () => {
    const topic = 'inflight-key-shared';
    const subscribe = (name: string) =>
      client.subscribe({ topic, subscription: 'ks', subscriptionType: 'KeyShared', consumerName: name });
    const a = await subscribe('a');
    const b = await subscribe('b');
    const producer = await client.createProducer({ topic, batchingEnabled: false });
    for (let i = 0; i < 100; i++)
      await producer.send({ data: Buffer.from(`m${i}`), partitionKey: `key-${i % 50}` });
    const listing = inflightApi(broker.webServiceUrl, topic, 'ks');
    await eventually(async () => expect((await listing.page()).total).toBe(100));
    // A third consumer takes over part of the hash space while a and b hold those keys' messages:
    // the slots that moved are draining at a and b until they ack.
    const c = await subscribe('c');

    const owners = (await listing.get('/key-shared')).body as {
      keySharedMode: string;
      consumers: {
        consumerName: string;
        hashRanges: [number, number][];
        drainingHashes: { slot: number; pendingMessages: number }[];
        unackedMessages: number;
      }[];
      drainingHashesCount: number;
      drainingHashesPendingMessages: number;
      hotSlots: { byPending: { pendingMessages: number }[]; byDelivered: unknown[] };
    };
    const stats = await subStats(topic, 'ks');
    const statsConsumers = stats.consumers as {
      consumerName: string;
      keyHashRangeArrays: [number, number][];
      drainingHashes: { hash: number; unackedMessages: number }[];
      unackedMessages: number;
    }[];
    expect(owners.keySharedMode).toBe('AUTO_SPLIT');
    expect(owners.consumers.map((o) => o.consumerName).sort()).toEqual(['a', 'b', 'c']);
    for (const o of owners.consumers) {
      const s = statsConsumers.find((x) => x.consumerName === o.consumerName)!;
      expect(o.hashRanges.length).toBeGreaterThan(0);
      expect(o.hashRanges).toEqual(s.keyHashRangeArrays);
      expect(o.drainingHashes).toEqual(
        s.drainingHashes.map((d) => ({ slot: d.hash, pendingMessages: d.unackedMessages })),
      );
      expect(o.unackedMessages).toBe(s.unackedMessages);
    }
    expect(owners.drainingHashesCount).toBeGreaterThan(0);
    expect(owners.drainingHashesCount).toBe(stats.drainingHashesCount);
    expect(owners.drainingHashesPendingMessages).toBe(stats.drainingHashesUnackedMessages);
    expect(owners.consumers.find((o) => o.consumerName === 'c')!.drainingHashes).toEqual([]);
    // Hot slots: the busiest hold two messages each (two per key), at most ten are listed.
    expect(owners.hotSlots.byPending.length).toBe(10);
    expect(owners.hotSlots.byPending.every((h) => h.pendingMessages === 2)).toBe(true);

    await producer.close();
    await Promise.all([a.close(), b.close(), c.close()]);
  });
});
