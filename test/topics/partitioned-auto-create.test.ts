import { afterEach, describe, expect, it } from 'vitest';
import { CommandType, ServerError } from '@magnetar/protocol';
import { Client } from '@magnetar/client';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { api } from '../admin/http.js';
import { nextRequestId, openProducer } from './helpers.js';

const brokers: TestBroker[] = [];
afterEach(async () => {
  for (const b of brokers.splice(0)) await b.destroy();
});

async function broker(overrides = {}): Promise<TestBroker> {
  const b = await startTestBroker(overrides);
  brokers.push(b);
  return b;
}

async function metadata(port: number, topic: string, autoCreate?: boolean) {
  const c = await RawClient.connected(port);
  try {
    const rid = nextRequestId();
    c.send({
      type: CommandType.PARTITIONED_METADATA,
      partitionMetadata: {
        topic,
        request_id: rid,
        ...(autoCreate === undefined ? {} : { metadata_auto_creation_enabled: autoCreate }),
      },
    });
    return (await c.response(rid)).command.partitionMetadataResponse!;
  } finally {
    c.close();
  }
}

describe('auto-creation of partitioned topics', () => {
  it('follows the namespace override (topicType partitioned, defaultNumPartitions)', async () => {
    const b = await broker();
    const admin = api(b.webServiceUrl);
    expect((await admin.put('/namespaces/public/auto')).status).toBe(204);
    const override = { allowAutoTopicCreation: true, topicType: 'partitioned', defaultNumPartitions: 3 };
    expect((await admin.post('/namespaces/public/auto/autoTopicCreation', override)).status).toBe(204);
    const r = await metadata(b.port, 'persistent://public/auto/made-here');
    expect([r.response ?? 0, r.partitions]).toEqual([0, 3]);
    expect((await admin.get('/persistent/public/auto/made-here/partitions')).body).toEqual({ partitions: 3 });
    // Asking again answers the stored count; the default namespace still creates plain topics.
    expect((await metadata(b.port, 'persistent://public/auto/made-here')).partitions).toBe(3);
    expect((await metadata(b.port, 'persistent://public/default/plain-one')).partitions).toBe(0);
    expect((await admin.get('/persistent/public/default/plain-one/partitions')).status).toBe(404);
  });

  it('follows the broker settings, and a client can use the topic straight away', async () => {
    const b = await broker({ allowAutoTopicCreationType: 'partitioned', defaultNumPartitions: 2 });
    const topic = 'persistent://public/default/auto-client';
    const client = new Client({ serviceUrl: b.brokerServiceUrl, operationTimeoutSeconds: 10 });
    try {
      const consumer = await client.subscribe({
        topic,
        subscription: 's',
        subscriptionInitialPosition: 'Earliest',
      });
      const producer = await client.createProducer({ topic, batchingEnabled: false });
      const ids = await Promise.all(
        Array.from({ length: 10 }, (_, i) => producer.send({ data: Buffer.from(`a-${i}`) })),
      );
      expect(new Set(ids.map((id) => id.partition))).toEqual(new Set([0, 1]));
      const got = new Set<string>();
      for (let i = 0; i < 10; i++) {
        const m = await consumer.receive(5000);
        got.add(m.getData().toString());
        await consumer.acknowledge(m);
      }
      expect(got.size).toBe(10);
      await producer.close();
      await consumer.close();
    } finally {
      await client.close();
    }
    // A non-persistent topic is auto-created as partitioned metadata too.
    expect((await metadata(b.port, 'non-persistent://public/default/np-auto')).partitions).toBe(2);
  });

  it('does not create when the client or the policy says no', async () => {
    const b = await broker({ allowAutoTopicCreationType: 'partitioned', defaultNumPartitions: 2 });
    const off = await metadata(b.port, 'persistent://public/default/not-asked', false);
    expect([off.response, off.error]).toEqual([1, ServerError.TopicNotFound]);
    expect((await metadata(b.port, 'persistent://public/default/not-asked')).partitions).toBe(2);

    const admin = api(b.webServiceUrl);
    expect((await admin.put('/namespaces/public/closed')).status).toBe(204);
    expect(
      (await admin.post('/namespaces/public/closed/autoTopicCreation', { allowAutoTopicCreation: false }))
        .status,
    ).toBe(204);
    const refused = await metadata(b.port, 'persistent://public/closed/t');
    expect([refused.response, refused.error]).toEqual([1, ServerError.TopicNotFound]);
    // An existing non-partitioned topic answers 0 even then.
    expect((await admin.put('/persistent/public/closed/exists')).status).toBe(204);
    expect((await metadata(b.port, 'persistent://public/closed/exists', false)).partitions).toBe(0);
    // A namespace that does not exist is TopicNotFound.
    const nowhere = await metadata(b.port, 'persistent://public/nowhere/t');
    expect(nowhere.error).toBe(ServerError.TopicNotFound);
    // A partition of an auto-created partitioned topic needs no auto-creation of its own.
    const c = await RawClient.connected(b.port);
    expect(
      (await openProducer(c, 'persistent://public/default/not-asked-partition-1', 1, 'p')).command.type,
    ).toBe(CommandType.PRODUCER_SUCCESS);
    c.close();
  });
});
