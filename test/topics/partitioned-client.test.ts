import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type Consumer } from '@magnetar/client';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { api, type Api } from '../admin/http.js';

let b: TestBroker;
let admin: Api;
let client: Client;
beforeAll(async () => {
  b = await startTestBroker();
  admin = api(b.webServiceUrl);
  client = new Client({ serviceUrl: b.brokerServiceUrl, operationTimeoutSeconds: 10 });
});
afterAll(async () => {
  await client.close();
  await b.destroy();
});

/** Receives until `want` distinct payloads have arrived at `consumers` together (acking each). */
async function collect(
  consumers: Consumer[],
  want: number,
  into: Map<string, number>,
  timeoutMs = 15_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (into.size < want) {
    if (Date.now() > until) throw new Error(`only ${into.size} of ${want} messages arrived`);
    for (const c of consumers) {
      const m = await c.receive(50).catch(() => undefined);
      if (!m) continue;
      const key = m.getData().toString();
      into.set(key, (into.get(key) ?? 0) + 1);
      await c.acknowledge(m);
    }
  }
}

describe('partitioned topics with @magnetar/client', () => {
  it('routes over every partition of a topic created through REST', async () => {
    const topic = 'persistent://public/default/client-parts';
    expect((await admin.put('/persistent/public/default/client-parts/partitions', 3)).status).toBe(204);
    const consumer = await client.subscribe({
      topic,
      subscription: 's',
      subscriptionInitialPosition: 'Earliest',
    });
    const producer = await client.createProducer({
      topic,
      batchingEnabled: false,
      messageRoutingMode: 'RoundRobinPartition',
    });
    const ids = await Promise.all(
      Array.from({ length: 30 }, (_, i) => producer.send({ data: Buffer.from(`m-${i}`) })),
    );
    expect(new Set(ids.map((id) => id.partition))).toEqual(new Set([0, 1, 2]));
    const got = new Map<string, number>();
    await collect([consumer], 30, got);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    await producer.close();
    await consumer.close();
  });

  it('grows from 2 to 4 partitions while a producer and a consumer run: nothing is lost', async () => {
    const topic = 'persistent://public/default/client-grow';
    expect((await admin.put('/persistent/public/default/client-grow/partitions', 2)).status).toBe(204);
    const before = await client.subscribe({
      topic,
      subscription: 's',
      subscriptionType: 'Shared',
      subscriptionInitialPosition: 'Earliest',
    });
    const running = await client.createProducer({
      topic,
      batchingEnabled: false,
      messageRoutingMode: 'RoundRobinPartition',
    });
    const sent: Promise<unknown>[] = [];
    const got = new Map<string, number>();
    const receiving = collect([before], 200, got);
    for (let i = 0; i < 200; i++) {
      sent.push(running.send({ data: Buffer.from(`old-${i}`) }));
      if (i === 100)
        expect((await admin.post('/persistent/public/default/client-grow/partitions', 4)).status).toBe(204);
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(sent);
    await receiving;
    // Every message of the producer that ran across the change arrived once.
    for (let i = 0; i < 200; i++) expect(got.get(`old-${i}`)).toBe(1);

    // A producer created after the change sees 4 partitions, and the new ones take messages at once.
    expect(await client.getPartitionCount(topic)).toBe(4);
    const fresh = await client.createProducer({
      topic,
      batchingEnabled: false,
      messageRoutingMode: 'RoundRobinPartition',
    });
    const ids = await Promise.all(
      Array.from({ length: 40 }, (_, i) => fresh.send({ data: Buffer.from(`new-${i}`) })),
    );
    expect(new Set(ids.map((id) => id.partition))).toEqual(new Set([0, 1, 2, 3]));
    // Messages on the new partitions waited in the subscription the broker created there when it
    // added them, so a consumer that joins afterwards still gets them.
    const after = await client.subscribe({
      topic,
      subscription: 's',
      subscriptionType: 'Shared',
      subscriptionInitialPosition: 'Latest',
    });
    const gotNew = new Map<string, number>();
    await collect([before, after], 40, gotNew);
    for (let i = 0; i < 40; i++) expect(gotNew.get(`new-${i}`)).toBe(1);
    await Promise.all([running.close(), fresh.close(), before.close(), after.close()]);
  });
});
