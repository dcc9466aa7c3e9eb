import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer, Message } from '../index.js';
import { startTestBed, uniqueTopic, type TestBed } from './helpers.js';

let bed: TestBed;

beforeAll(async () => {
  bed = await startTestBed();
});

afterAll(async () => {
  await bed?.destroy();
});

async function publish(topic: string, texts: string[]): Promise<void> {
  const producer = await bed.client.createProducer({ topic });
  await Promise.all(texts.map((t) => producer.send({ data: Buffer.from(t) })));
  await producer.close();
}

async function receiveN(consumer: Consumer, n: number, timeoutMs = 5000): Promise<Message[]> {
  const out: Message[] = [];
  for (let i = 0; i < n; i++) out.push(await consumer.receive(timeoutMs));
  return out;
}

describe('multi-topic consumer', () => {
  it('consumes three topics, names each message topic and acks it on the right one', async () => {
    const topics = [uniqueTopic('mt-a'), uniqueTopic('mt-b'), uniqueTopic('mt-c')];
    const opts = { topics, subscription: 'multi', subscriptionType: 'Shared' as const };
    const consumer = await bed.client.subscribe(opts);
    expect(consumer.getTopics().sort()).toEqual([...topics].sort());
    for (const [i, t] of topics.entries())
      await publish(
        t,
        [0, 1, 2].map((n) => `${i}:${n}`),
      );
    const got = await receiveN(consumer, 9);
    for (const m of got) {
      const [i] = m.getData().toString().split(':');
      expect(m.getTopicName()).toBe(topics[Number(i)]);
      await consumer.acknowledge(m);
    }
    expect(got.map((m) => m.getData().toString()).sort()).toEqual(
      topics.flatMap((_, i) => [0, 1, 2].map((n) => `${i}:${n}`)).sort(),
    );
    await consumer.close();
    // Every ack reached its own topic: the subscription is empty on all three.
    const again = await bed.client.subscribe(opts);
    await expect(again.receive(500)).rejects.toMatchObject({ code: 'TIMEOUT' });
    await again.close();
  });

  it('subscribes by pattern and picks up a topic created after it subscribed', async () => {
    const prefix = uniqueTopic('pat').replace('persistent://public/default/', '');
    const topicOf = (s: string) => `persistent://public/default/${prefix}-${s}`;
    await publish(topicOf('one'), ['one']);
    await publish(topicOf('two'), ['two']);
    await publish(`persistent://public/default/other-${prefix}`, ['not mine']);
    const consumer = await bed.client.subscribe({
      topicsPattern: `persistent://public/default/${prefix}-.*`,
      patternAutoDiscoveryPeriodMs: 200,
      subscription: 'pattern',
      subscriptionInitialPosition: 'Earliest',
    });
    expect(consumer.getTopics().sort()).toEqual([topicOf('one'), topicOf('two')]);
    const first = await receiveN(consumer, 2);
    expect(first.map((m) => m.getData().toString()).sort()).toEqual(['one', 'two']);
    await publish(topicOf('three'), ['three']);
    const late = await consumer.receive(10_000);
    expect(late.getData().toString()).toBe('three');
    expect(late.getTopicName()).toBe(topicOf('three'));
    expect(consumer.getTopics()).toContain(topicOf('three'));
    for (const m of [...first, late]) await consumer.acknowledge(m);
    await expect(consumer.receive(300)).rejects.toMatchObject({ code: 'TIMEOUT' });
    await consumer.close();
  });
});
