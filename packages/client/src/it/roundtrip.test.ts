import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../index.js';
import { type CompressionTypeName } from '../index.js';
import { startTestBed, type TestBed } from './helpers.js';

let bed: TestBed;
let client: Client;

beforeAll(async () => {
  bed = await startTestBed();
  client = bed.client;
});

afterAll(async () => {
  await bed?.destroy();
});

let topicSeq = 0;
const newTopic = (name: string) => `persistent://public/default/rt-${name}-${Date.now()}-${topicSeq++}`;

describe('produce and consume round trip', () => {
  const codecs: CompressionTypeName[] = ['None', 'LZ4', 'Zlib', 'ZSTD', 'SNAPPY'];
  for (const batchingEnabled of [true, false]) {
    for (const compressionType of codecs) {
      it(`batching ${batchingEnabled ? 'on' : 'off'}, ${compressionType}`, async () => {
        const topic = newTopic(`${compressionType}-${batchingEnabled}`);
        const consumer = await client.subscribe({
          topic,
          subscription: 's',
          subscriptionInitialPosition: 'Earliest',
        });
        const producer = await client.createProducer({ topic, batchingEnabled, compressionType });
        const n = 50;
        const ids = await Promise.all(
          Array.from({ length: n }, (_, i) =>
            producer.send({
              data: Buffer.from(`message-${i} `.repeat(5)),
              properties: { i: String(i) },
              partitionKey: `k${i % 3}`,
              eventTimestamp: 1000 + i,
            }),
          ),
        );
        expect(ids).toHaveLength(n);
        if (batchingEnabled) expect(ids.some((id) => id.batchIndex > 0)).toBe(true);
        for (let i = 0; i < n; i++) {
          const msg = await consumer.receive(5000);
          expect(msg.getData().toString()).toBe(`message-${i} `.repeat(5));
          expect(msg.getProperties()).toEqual({ i: String(i) });
          expect(msg.getPartitionKey()).toBe(`k${i % 3}`);
          expect(msg.getEventTimestamp()).toBe(1000 + i);
          expect(msg.getMessageId().toString()).toBe(ids[i].toString());
          expect(msg.getPublishTimestamp()).toBeGreaterThan(0);
          expect(msg.getTopicName()).toBe(topic);
          await consumer.acknowledge(msg);
        }
        await producer.close();
        await consumer.close();
      });
    }
  }
});

describe('subscription semantics', () => {
  it('delivers 10,000 messages in publish order to an Exclusive consumer', async () => {
    const topic = newTopic('order');
    const consumer = await client.subscribe({ topic, subscription: 'ex', subscriptionType: 'Exclusive' });
    const producer = await client.createProducer({ topic });
    const n = 10_000;
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) sends.push(producer.send({ data: Buffer.from(String(i)) }));
    for (let i = 0; i < n; i++) {
      const msg = await consumer.receive(5000);
      expect(msg.getData().toString()).toBe(String(i));
      await consumer.acknowledge(msg);
    }
    await Promise.all(sends);
    await producer.close();
    await consumer.close();
  });

  it('splits a Shared subscription between two consumers, each message once', async () => {
    const topic = newTopic('shared');
    const opts = { topic, subscription: 'sh', subscriptionType: 'Shared' as const, receiverQueueSize: 10 };
    const c1 = await client.subscribe(opts);
    const c2 = await client.subscribe(opts);
    const producer = await client.createProducer({ topic, batchingEnabled: false });
    const n = 200;
    await Promise.all(Array.from({ length: n }, (_, i) => producer.send({ data: Buffer.from(String(i)) })));
    const seen = new Map<string, number>();
    const counts = [0, 0];
    const drain = async (c: typeof c1, idx: number) => {
      for (;;) {
        const msg = await c.receive(1000).catch(() => undefined);
        if (!msg) return;
        const k = msg.getData().toString();
        seen.set(k, (seen.get(k) ?? 0) + 1);
        counts[idx]++;
        await c.acknowledge(msg);
      }
    };
    await Promise.all([drain(c1, 0), drain(c2, 1)]);
    expect(seen.size).toBe(n);
    expect([...seen.values()].every((v) => v === 1)).toBe(true);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(0);
    await c1.close();
    await c2.close();
    // Everything was acked: a new consumer on the same subscription gets nothing.
    const again = await client.subscribe(opts);
    await expect(again.receive(300)).rejects.toMatchObject({ code: 'TIMEOUT' });
    await again.close();
    await producer.close();
  });

  it('acknowledges cumulatively: a new consumer resumes after the acked message', async () => {
    const topic = newTopic('cumulative');
    const opts = { topic, subscription: 'cum', subscriptionInitialPosition: 'Earliest' as const };
    const consumer = await client.subscribe(opts);
    const producer = await client.createProducer({ topic, batchingEnabled: false });
    for (let i = 0; i < 10; i++) await producer.send({ data: Buffer.from(String(i)) });
    let last;
    for (let i = 0; i < 6; i++) last = await consumer.receive(2000);
    await consumer.acknowledgeCumulative(last!);
    await consumer.close();
    const resumed = await client.subscribe(opts);
    expect((await resumed.receive(2000)).getData().toString()).toBe('6');
    await resumed.close();
    await producer.close();
  });

  it('applies back-pressure: send() waits while maxPendingMessages are in flight', async () => {
    const topic = newTopic('backpressure');
    const producer = await client.createProducer({
      topic,
      maxPendingMessages: 5,
      batchingMaxPublishDelayMs: 200,
    });
    const sends = Array.from({ length: 20 }, (_, i) => producer.send({ data: Buffer.from(String(i)) }));
    await new Promise((r) => setTimeout(r, 50));
    // The batch timer (200 ms) has not fired: exactly 5 messages hold queue slots, 15 are waiting.
    expect(producer.getPendingMessageCount()).toBe(5);
    await expect(producer.sendAsync({ data: Buffer.from('x') })).rejects.toMatchObject({
      code: 'PRODUCER_QUEUE_IS_FULL',
    });
    const ids = await Promise.all(sends);
    expect(ids).toHaveLength(20);
    expect(producer.getPendingMessageCount()).toBe(0);
    await producer.close();
  });

  it('rejects at once when the queue is full and blockIfQueueFull is false', async () => {
    const topic = newTopic('nonblocking');
    const producer = await client.createProducer({
      topic,
      maxPendingMessages: 2,
      blockIfQueueFull: false,
      batchingMaxPublishDelayMs: 200,
    });
    const ok = [producer.send({ data: Buffer.from('a') }), producer.send({ data: Buffer.from('b') })];
    await expect(producer.send({ data: Buffer.from('c') })).rejects.toMatchObject({
      name: 'ProducerQueueIsFullError',
    });
    await Promise.all(ok);
    await producer.close();
  });
});

describe('delivery styles', () => {
  it('pushes messages to a listener and iterates with for await', async () => {
    const topic = newTopic('styles');
    const heard: string[] = [];
    const listening = await client.subscribe({
      topic,
      subscription: 'listener',
      listener: async (msg, c) => {
        heard.push(msg.getData().toString());
        await c.acknowledge(msg);
      },
    });
    const iterated = await client.subscribe({ topic, subscription: 'iterator' });
    const producer = await client.createProducer({ topic });
    await Promise.all([0, 1, 2].map((i) => producer.send({ data: Buffer.from(`s${i}`) })));
    const got: string[] = [];
    for await (const msg of iterated) {
      got.push(msg.getData().toString());
      await iterated.acknowledge(msg);
      if (got.length === 3) break;
    }
    expect(got).toEqual(['s0', 's1', 's2']);
    await expect.poll(() => heard.length).toBe(3);
    expect(heard).toEqual(['s0', 's1', 's2']);
    await Promise.all([listening.close(), iterated.close(), producer.close()]);
  });

  // The broker does not hold delayed messages back yet, so this checks only the client's side:
  // a delayed message leaves the batch and arrives intact. deliver_at_time is unit-tested.
  it('sends delayed messages unbatched', async () => {
    const topic = newTopic('delayed');
    const consumer = await client.subscribe({ topic, subscription: 'd', subscriptionType: 'Shared' });
    const producer = await client.createProducer({ topic });
    const id = await producer.send({ data: Buffer.from('later'), deliverAfter: 300 });
    expect(id.batchIndex).toBe(-1);
    const msg = await consumer.receive(5000);
    expect(msg.getData().toString()).toBe('later');
    expect(msg.getMessageId().toString()).toBe(id.toString());
    await Promise.all([consumer.close(), producer.close()]);
  });
});
