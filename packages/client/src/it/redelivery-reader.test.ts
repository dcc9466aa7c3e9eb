import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../index.js';
import { MessageId } from '../index.js';
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
const newTopic = (name: string) => `persistent://public/default/rd-${name}-${Date.now()}-${topicSeq++}`;

async function publish(topic: string, n: number, batchingEnabled = false): Promise<MessageId[]> {
  const producer = await client.createProducer({ topic, batchingEnabled });
  const ids = await Promise.all(
    Array.from({ length: n }, (_, i) => producer.send({ data: Buffer.from(`m${i}`) })),
  );
  await producer.close();
  return ids;
}

describe('redelivery', () => {
  it('redelivers a negatively acknowledged message with a higher redelivery count', async () => {
    const topic = newTopic('nack');
    const consumer = await client.subscribe({
      topic,
      subscription: 'nack',
      subscriptionType: 'Shared',
      nAckRedeliverTimeoutMs: 100,
    });
    await publish(topic, 3);
    const first = await consumer.receive(2000);
    expect(first.getRedeliveryCount()).toBe(0);
    consumer.negativeAcknowledge(first);
    const rest = [await consumer.receive(2000), await consumer.receive(2000)];
    for (const m of rest) await consumer.acknowledge(m);
    const again = await consumer.receive(3000);
    expect(again.getData().toString()).toBe(first.getData().toString());
    expect(again.getMessageId().toString()).toBe(first.getMessageId().toString());
    expect(again.getRedeliveryCount()).toBe(1);
    await consumer.acknowledge(again);
    await expect(consumer.receive(300)).rejects.toMatchObject({ code: 'TIMEOUT' });
    await consumer.close();
  });

  it('waits longer after each redelivery with a negative-ack back-off', async () => {
    const topic = newTopic('nack-backoff');
    const consumer = await client.subscribe({
      topic,
      subscription: 'backoff',
      subscriptionType: 'Shared',
      negativeAckRedeliveryBackoff: { minDelayMs: 100, maxDelayMs: 400, multiplier: 2 },
    });
    await publish(topic, 1);
    const seenAt: number[] = [];
    for (let i = 0; i < 4; i++) {
      const m = await consumer.receive(5000);
      seenAt.push(Date.now());
      expect(m.getRedeliveryCount()).toBe(i);
      if (i < 3) consumer.negativeAcknowledge(m);
      else await consumer.acknowledge(m);
    }
    // Lower bounds only: a loaded machine can make a redelivery late, never early.
    const gaps = seenAt.slice(1).map((t, i) => t - seenAt[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(95);
    expect(gaps[1]).toBeGreaterThanOrEqual(195);
    expect(gaps[2]).toBeGreaterThanOrEqual(395);
    await consumer.close();
  });

  it('redelivers messages not acknowledged within ackTimeoutMs', async () => {
    const topic = newTopic('acktimeout');
    const consumer = await client.subscribe({
      topic,
      subscription: 'at',
      subscriptionType: 'Shared',
      ackTimeoutMs: 300,
    });
    await publish(topic, 2);
    const a = await consumer.receive(2000);
    const b = await consumer.receive(2000);
    await consumer.acknowledge(a);
    const again = await consumer.receive(3000);
    expect(again.getData().toString()).toBe(b.getData().toString());
    expect(again.getRedeliveryCount()).toBeGreaterThanOrEqual(1);
    await consumer.acknowledge(again);
    await consumer.close();
  });
});

describe('reader', () => {
  it('reads from earliest and reports hasNext until the end', async () => {
    const topic = newTopic('earliest');
    await publish(topic, 5, true);
    const reader = await client.createReader({ topic, startMessageId: MessageId.earliest() });
    const got: string[] = [];
    while (await reader.hasNext()) got.push((await reader.readNext(2000)).getData().toString());
    expect(got).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    await reader.close();
  });

  it('reads only new messages from latest', async () => {
    const topic = newTopic('latest');
    await publish(topic, 3);
    const reader = await client.createReader({ topic, startMessageId: MessageId.latest() });
    expect(await reader.hasNext()).toBe(false);
    await publish(topic, 1);
    expect((await reader.readNext(2000)).getData().toString()).toBe('m0');
    expect(await reader.hasNext()).toBe(false);
    await reader.close();
  });

  it('starts after a given message id, and seeks back to one', async () => {
    const topic = newTopic('fromid');
    const ids = await publish(topic, 5);
    const reader = await client.createReader({ topic, startMessageId: ids[1] });
    expect((await reader.readNext(2000)).getData().toString()).toBe('m2');
    // Ids survive serialization, as applications store them.
    const restored = MessageId.deserialize(ids[0].serialize());
    await reader.seek(restored);
    expect((await reader.readNext(2000)).getData().toString()).toBe('m0');
    await reader.close();
  });
});
