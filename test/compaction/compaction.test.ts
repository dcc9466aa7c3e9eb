// Compaction through the admin API and read_compacted readers: the latest value per key, tombstones
// dropping keys, batches partly compacted out, the horizon then live messages, the status endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@magnetar/client';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import type { Api } from '../admin/http.js';
import { adminOf, compact, publish, readCompacted, restPath } from './helpers.js';

let broker: TestBroker;
let client: Client;
let a: Api;

beforeAll(async () => {
  broker = await startTestBroker();
  client = new Client({ serviceUrl: broker.brokerServiceUrl, operationTimeoutSeconds: 10 });
  a = adminOf(broker);
});
afterAll(async () => {
  await client?.close();
  await broker?.destroy();
});

describe('compaction', () => {
  it('keeps the last value per key, drops tombstones and keyless messages', async () => {
    const topic = 'compact-basic';
    const p = await client.createProducer({ topic, batchingEnabled: false });
    await publish(p, [
      { key: 'a', value: '1' },
      { key: 'b', value: '1' },
      { key: 'a', value: '2' },
      { key: 'c', value: '1' },
      { key: 'b', value: null },
    ]);
    await p.send({ data: Buffer.from('no key') });
    expect((await a.get(`${restPath(topic)}/compaction`)).body).toEqual({ status: 'NOT_RUN', lastError: '' });
    expect(await compact(a, topic)).toEqual({ status: 'SUCCESS', lastError: '' });
    expect(await readCompacted(client, topic)).toEqual([
      ['a', '2'],
      ['c', '1'],
    ]);
    // After the horizon the live log follows, uncompacted.
    await publish(p, [
      { key: 'a', value: '3' },
      { key: 'a', value: '4' },
    ]);
    expect(await readCompacted(client, topic)).toEqual([
      ['a', '2'],
      ['c', '1'],
      ['a', '3'],
      ['a', '4'],
    ]);
    // A second compaction starts from the first one's view.
    await compact(a, topic);
    expect(await readCompacted(client, topic)).toEqual([
      ['c', '1'],
      ['a', '4'],
    ]);
    await p.close();
  });

  it('keeps the surviving messages of a batch with their batch indexes', async () => {
    const topic = 'compact-batch';
    const p = await client.createProducer({ topic, batchingMaxPublishDelayMs: 1000, batchingMaxMessages: 4 });
    await publish(p, [
      { key: 'x', value: '1' },
      { key: 'y', value: '1' },
      { key: 'x', value: '2' },
      { key: 'z', value: '1' },
    ]);
    await publish(p, [{ key: 'z', value: null }]);
    await compact(a, topic);
    const reader = await client.createReader({
      topic,
      startMessageId: (await import('@magnetar/client')).MessageId.earliest(),
      readCompacted: true,
    });
    const ids: number[] = [];
    const seen: [string, string][] = [];
    while (await reader.hasNext()) {
      const m = await reader.readNext(5_000);
      ids.push(m.getMessageId().batchIndex);
      seen.push([m.getPartitionKey()!, m.getData().toString()]);
    }
    await reader.close();
    expect(seen).toEqual([
      ['y', '1'],
      ['x', '2'],
    ]);
    expect(ids).toEqual([1, 2]);
    await p.close();
  });

  it('answers 409 while a compaction runs and 404 for a missing topic', async () => {
    const topic = 'compact-conflict';
    const p = await client.createProducer({ topic });
    await publish(
      p,
      Array.from({ length: 2000 }, (_, i) => ({ key: `k${i % 50}`, value: `v${i}` })),
    );
    const first = await a.put(`${restPath(topic)}/compaction`);
    const second = await a.put(`${restPath(topic)}/compaction`);
    expect(first.status).toBe(204);
    expect(second.status).toBe(409);
    expect((second.body as { reason: string }).reason).toBe('Compaction already in progress');
    expect((await a.put(`${restPath('no-such-topic')}/compaction`)).status).toBe(404);
    for (;;) {
      const s = (await a.get(`${restPath(topic)}/compaction`)).body as { status: string };
      if (s.status !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await readCompacted(client, topic)).length).toBe(50);
    await p.close();
  });

  it('refuses read_compacted on a Shared subscription', async () => {
    await expect(
      client.subscribe({
        topic: 'compact-shared',
        subscription: 's',
        subscriptionType: 'Shared',
        readCompacted: true,
      }),
    ).rejects.toMatchObject({ serverError: 22 });
  });
});
