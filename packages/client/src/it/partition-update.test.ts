import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../index.js';
import { startTestBed, uniqueTopic, type TestBed } from './helpers.js';

let bed: TestBed;

beforeAll(async () => {
  bed = await startTestBed();
});

afterAll(async () => {
  await bed?.destroy();
});

/** PUT creates a partitioned topic with `n` partitions, POST grows it (Pulsar's admin REST API). */
async function setPartitions(topic: string, n: number, method: 'PUT' | 'POST'): Promise<void> {
  const path = topic.replace('persistent://', '');
  const res = await fetch(`${bed.broker.webServiceUrl}/admin/v2/persistent/${path}/partitions`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: String(n),
  });
  expect(res.status).toBeLessThan(300);
}

async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('partition auto-update', () => {
  it('routes to and consumes from partitions added while producer and consumer run', async () => {
    const topic = uniqueTopic('grow');
    await setPartitions(topic, 2, 'PUT');
    const producer = await bed.client.createProducer({
      topic,
      batchingEnabled: false,
      partitionsAutoUpdateIntervalMs: 200,
    });
    const consumer = await bed.client.subscribe({
      topic,
      subscription: 'grow-sub',
      subscriptionType: 'Shared',
      partitionsAutoUpdateIntervalMs: 200,
    });
    expect(producer.getNumPartitions()).toBe(2);
    const before = await Promise.all(
      Array.from({ length: 4 }, (_, i) => producer.send({ data: Buffer.from(`m${i}`) })),
    );
    expect(new Set(before.map((id) => id.partition))).toEqual(new Set([0, 1]));

    await setPartitions(topic, 4, 'POST');
    await until('the producer to see 4 partitions', () => producer.getNumPartitions() === 4);
    await until('the consumer to subscribe 4 partitions', () => consumer.partitions.length === 4);

    const after = await Promise.all(
      Array.from({ length: 12 }, (_, i) => producer.send({ data: Buffer.from(`m${i + 4}`) })),
    );
    expect(new Set(after.map((id) => id.partition))).toEqual(new Set([0, 1, 2, 3]));

    const got: Message[] = [];
    for (let i = 0; i < 16; i++) {
      const m = await consumer.receive(5000);
      got.push(m);
      await consumer.acknowledge(m);
    }
    const texts = got.map((m) => m.getData().toString()).sort();
    expect(texts).toEqual(Array.from({ length: 16 }, (_, i) => `m${i}`).sort());
    // Nothing further: every message was delivered exactly once.
    await expect(consumer.receive(500)).rejects.toThrow();
    await producer.close();
    await consumer.close();
  });

  it('keeps the partition count when auto-update is off', async () => {
    const topic = uniqueTopic('no-grow');
    await setPartitions(topic, 2, 'PUT');
    const producer = await bed.client.createProducer({
      topic,
      autoUpdatePartitions: false,
      partitionsAutoUpdateIntervalMs: 50,
    });
    await setPartitions(topic, 3, 'POST');
    await new Promise((r) => setTimeout(r, 300));
    expect(producer.getNumPartitions()).toBe(2);
    await producer.close();
  });
});
