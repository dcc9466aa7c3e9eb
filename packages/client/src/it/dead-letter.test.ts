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

async function publish(topic: string, msg: { data: string; key?: string; props?: Record<string, string> }) {
  const producer = await bed.client.createProducer({ topic, batchingEnabled: false });
  const id = await producer.send({
    data: Buffer.from(msg.data),
    ...(msg.key ? { partitionKey: msg.key } : {}),
    properties: msg.props ?? {},
    eventTimestamp: 4242,
  });
  await producer.close();
  return id;
}

/** Receives until nothing arrives for `quietMs`. */
async function drain(consumer: Consumer, quietMs: number, onMessage: (m: Message) => Promise<void> | void) {
  for (;;) {
    const msg = await consumer.receive(quietMs).catch(() => undefined);
    if (!msg) return;
    await onMessage(msg);
  }
}

describe('dead-letter topic', () => {
  it('moves a message nacked maxRedeliverCount times to <topic>-<sub>-DLQ with its properties', async () => {
    const topic = uniqueTopic('dlq');
    const dlqTopic = `${topic}-work-DLQ`;
    const dlq = await bed.client.subscribe({
      topic: dlqTopic,
      subscription: 'inspect',
      subscriptionInitialPosition: 'Earliest',
    });
    const consumer = await bed.client.subscribe({
      topic,
      subscription: 'work',
      subscriptionType: 'Shared',
      consumerName: 'worker-1',
      nAckRedeliverTimeoutMs: 50,
      deadLetterPolicy: { maxRedeliverCount: 3 },
    });
    const id = await publish(topic, { data: 'poison', key: 'k1', props: { origin: 'test' } });
    const counts: number[] = [];
    await drain(consumer, 1500, (m) => {
      counts.push(m.getRedeliveryCount());
      consumer.negativeAcknowledge(m);
    });
    // The application had it exactly maxRedeliverCount times; the next delivery went to the DLQ.
    expect(counts).toEqual([0, 1, 2]);
    const dead = await dlq.receive(5000);
    expect(dead.getData().toString()).toBe('poison');
    expect(dead.getPartitionKey()).toBe('k1');
    expect(dead.getEventTimestamp()).toBe(4242);
    expect(dead.getProperties()).toEqual({
      origin: 'test',
      REAL_TOPIC: topic,
      ORIGIN_MESSAGE_ID: id.toString(),
    });
    expect(dead.getProducerName()).toMatch(new RegExp(`^${topic}-work-worker-1-.{5}-DLQ$`));
    await dlq.acknowledge(dead);
    await consumer.close();
    // It was acknowledged on the original subscription too: nothing comes back.
    const again = await bed.client.subscribe({ topic, subscription: 'work', subscriptionType: 'Shared' });
    await expect(again.receive(500)).rejects.toMatchObject({ code: 'TIMEOUT' });
    await Promise.all([again.close(), dlq.close()]);
  });

  it('does not count a consumer that goes away without acking as a redelivery', async () => {
    const topic = uniqueTopic('crashloop');
    const opts = {
      topic,
      subscription: 'crash',
      subscriptionType: 'Shared' as const,
      deadLetterPolicy: { maxRedeliverCount: 1 },
    };
    await (await bed.client.subscribe(opts)).close();
    await publish(topic, { data: 'survivor' });
    // A consumer that "crashes" (closes without acking) three times, past maxRedeliverCount.
    for (let i = 0; i < 3; i++) {
      const c = await bed.client.subscribe(opts);
      const m = await c.receive(3000);
      expect(m.getRedeliveryCount()).toBe(0);
      await c.close();
    }
    const c = await bed.client.subscribe(opts);
    const m = await c.receive(3000);
    expect(m.getData().toString()).toBe('survivor');
    await c.acknowledge(m);
    await c.close();
  });
});

describe('retry topic', () => {
  it('reconsumeLater goes round <topic>-<sub>-RETRY counting RECONSUMETIMES, then to the DLQ', async () => {
    const topic = uniqueTopic('retry');
    const retryTopic = `${topic}-r-RETRY`;
    const dlq = await bed.client.subscribe({
      topic: `${topic}-r-DLQ`,
      subscription: 'inspect',
      subscriptionInitialPosition: 'Earliest',
    });
    const consumer = await bed.client.subscribe({
      topic,
      subscription: 'r',
      subscriptionType: 'Shared',
      retryEnable: true,
      deadLetterPolicy: { maxRedeliverCount: 2 },
    });
    expect(consumer.getTopics().sort()).toEqual([topic, retryTopic].sort());
    const id = await publish(topic, { data: 'job', key: 'k', props: { a: '1' } });
    const seen: Record<string, string>[] = [];
    await drain(consumer, 1500, async (m) => {
      seen.push({ topic: m.getTopicName(), ...m.getProperties() });
      await consumer.reconsumeLater(m, 100);
    });
    expect(seen).toEqual([
      { topic, a: '1' },
      ...[1, 2].map((n) => ({
        topic: retryTopic,
        a: '1',
        REAL_TOPIC: topic,
        ORIGIN_MESSAGE_ID: id.toString(),
        RECONSUMETIMES: String(n),
        DELAY_TIME: '100',
        RETRY_TOPIC: retryTopic,
      })),
    ]);
    const dead = await dlq.receive(5000);
    expect(dead.getData().toString()).toBe('job');
    expect(dead.getPartitionKey()).toBe('k');
    expect(dead.getProperties()).toMatchObject({ RECONSUMETIMES: '3', REAL_TOPIC: topic, a: '1' });
    await Promise.all([consumer.close(), dlq.close()]);
  });

  // The broker holds deliver_at_time messages for Shared subscriptions, so the retry letter
  // arrives only once its delay has passed.
  it('reconsumeLater delivers the message again only after its delay', async () => {
    const topic = uniqueTopic('retry-delay');
    const consumer = await bed.client.subscribe({
      topic,
      subscription: 'd',
      subscriptionType: 'Shared',
      retryEnable: true,
    });
    await publish(topic, { data: 'later' });
    const first = await consumer.receive(5000);
    const sentAt = Date.now();
    await consumer.reconsumeLater(first, 1500);
    const again = await consumer.receive(10_000);
    expect(again.getData().toString()).toBe('later');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(1400);
    await consumer.acknowledge(again);
    await consumer.close();
  });
});
