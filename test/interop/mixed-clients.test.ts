import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import flex from 'pulsar-flex';
import { Client } from '@magnetar/client';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

// pulsar-flex (a client we did not write) and our client share one subscription: the broker must
// split the work between them as Pulsar would, whoever wrote the consumer.
interface FlexMessage {
  message: Buffer;
  metadata: { partitionKey?: string };
  ack(): Promise<void>;
}
interface FlexConsumer {
  subscribe(): Promise<void>;
  unsubscribe(): Promise<void>;
  run(o: { onMessage: (m: FlexMessage) => Promise<void>; autoAck: boolean }): Promise<void>;
}
const { Consumer, logLevel } = flex as unknown as {
  Consumer: (new (o: Record<string, unknown>) => FlexConsumer) & { SUB_TYPES: Record<string, number> };
  logLevel: Record<string, number>;
};

let broker: TestBroker;
let client: Client;
beforeAll(async () => {
  broker = await startTestBroker();
  client = new Client({ serviceUrl: broker.brokerServiceUrl });
});
afterAll(async () => {
  await client.close();
  await broker.destroy();
});

async function until(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts a flex consumer and our consumer on one subscription; records who got what, acking all. */
async function mixed(topic: string, subType: 'SHARED' | 'KEY_SHARED') {
  const got: { by: 'flex' | 'ours'; body: string; key: string }[] = [];
  const fc = new Consumer({
    discoveryServers: [`127.0.0.1:${broker.port}`],
    logLevel: logLevel.NOTHING,
    topic,
    subscription: 'mixed',
    subType: Consumer.SUB_TYPES[subType],
    consumerName: 'flex-consumer',
    receiveQueueSize: 20,
  });
  await fc.subscribe();
  void fc.run({
    autoAck: false,
    onMessage: async (m) => {
      got.push({ by: 'flex', body: m.message.toString(), key: m.metadata.partitionKey ?? '' });
      await m.ack();
    },
  });
  const ours = await client.subscribe({
    topic,
    subscription: 'mixed',
    subscriptionType: subType === 'SHARED' ? 'Shared' : 'KeyShared',
    consumerName: 'our-consumer',
    receiverQueueSize: 20,
    listener: async (msg, consumer) => {
      got.push({ by: 'ours', body: msg.getData().toString(), key: msg.getPartitionKey() ?? '' });
      await consumer.acknowledge(msg);
    },
  });
  return { got, close: async () => Promise.all([fc.unsubscribe().catch(() => undefined), ours.close()]) };
}

describe('pulsar-flex and our client on one subscription', () => {
  it('Shared: every message goes to exactly one of them, and both get work', async () => {
    const topic = 'persistent://public/default/mixed-shared';
    const m = await mixed(topic, 'SHARED');
    const producer = await client.createProducer({ topic, batchingEnabled: false });
    for (let i = 0; i < 60; i++) await producer.send({ data: Buffer.from(`s-${i}`) });
    await until(() => m.got.length >= 60, '60 deliveries');
    await new Promise((r) => setTimeout(r, 200));
    expect(m.got.map((g) => g.body).sort()).toEqual(Array.from({ length: 60 }, (_, i) => `s-${i}`).sort());
    expect(new Set(m.got.map((g) => g.by))).toEqual(new Set(['flex', 'ours']));
    await producer.close();
    await m.close();
  });

  it('Key_Shared: each key goes to one of them, in publish order', async () => {
    const topic = 'persistent://public/default/mixed-key-shared';
    const m = await mixed(topic, 'KEY_SHARED');
    const producer = await client.createProducer({ topic, batchingEnabled: false });
    const keys = Array.from({ length: 16 }, (_, k) => `key-${k}`);
    for (let i = 0; i < 10; i++) {
      for (const key of keys) await producer.send({ data: Buffer.from(`${key}:${i}`), partitionKey: key });
    }
    await until(() => m.got.length >= 160, '160 deliveries');
    for (const key of keys) {
      const mine = m.got.filter((g) => g.key === key);
      expect(new Set(mine.map((g) => g.by)).size, `consumers of ${key}`).toBe(1);
      expect(mine.map((g) => g.body)).toEqual(Array.from({ length: 10 }, (_, i) => `${key}:${i}`));
    }
    expect(new Set(m.got.map((g) => g.by))).toEqual(new Set(['flex', 'ours']));
    await producer.close();
    await m.close();
  });
});
