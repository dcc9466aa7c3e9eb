// A durable Exclusive read_compacted subscription from the earliest position after the compacted
// ledgers were trimmed; compaction triggered by the namespace's compactionThreshold; the topic's
// compacted ledger removed with the topic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@magnetar/client';
import { TopicName } from '@magnetar/protocol';
import { compactionOf } from '../../packages/server/src/broker/compaction/compaction-service.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import type { Api } from '../admin/http.js';
import { adminOf, compact, publish, restPath } from './helpers.js';

let broker: TestBroker;
let client: Client;
let a: Api;
const nameOf = (t: string) => TopicName.parse(`persistent://public/default/${t}`);

beforeAll(async () => {
  broker = await startTestBroker();
  client = new Client({ serviceUrl: broker.brokerServiceUrl, operationTimeoutSeconds: 10 });
  a = adminOf(broker);
});
afterAll(async () => {
  await client?.close();
  await broker?.destroy();
});

describe('read_compacted durable subscriptions', () => {
  it('a new Earliest subscription reads the whole compacted view, then the live log', async () => {
    const topic = 'durable-compacted';
    const p = await client.createProducer({ topic, batchingEnabled: false });
    await publish(p, [
      { key: 'k1', value: 'old' },
      { key: 'k2', value: 'v2' },
      { key: 'k1', value: 'new' },
    ]);
    expect((await a.put(`${restPath(topic)}/unload`)).status).toBe(204);
    await compact(a, topic);
    const loaded = await broker.broker.getTopic(nameOf(topic), false);
    const firstLedger = loaded.ledger.ledgerInfos()[0].ledgerId;
    await loaded.ledger.trimConsumedLedgers();
    // The ledger holding the compacted messages is gone from the log: only the compacted view has them.
    expect(loaded.ledger.ledgerInfos().map((l) => l.ledgerId)).not.toContain(firstLedger);
    expect(loaded.subscriptions.has('__compaction') || loaded.ledger.cursors().has('__compaction')).toBe(
      true,
    );

    const c = await client.subscribe({
      topic,
      subscription: 'durable',
      subscriptionType: 'Exclusive',
      subscriptionInitialPosition: 'Earliest',
      readCompacted: true,
    });
    const got: string[] = [];
    for (let i = 0; i < 2; i++) {
      const m = await c.receive(5_000);
      got.push(`${m.getPartitionKey()}=${m.getData().toString()}`);
      await c.acknowledge(m);
    }
    expect(got).toEqual(['k2=v2', 'k1=new']);
    await publish(p, [{ key: 'k3', value: 'live' }]);
    const live = await c.receive(5_000);
    expect(`${live.getPartitionKey()}=${live.getData().toString()}`).toBe('k3=live');
    await c.acknowledgeCumulative(live);
    await c.close();
    await p.close();
  });
});

describe('automatic compaction', () => {
  it('runs once the backlog after the horizon passes the namespace compactionThreshold', async () => {
    const ns = '/namespaces/public/default/compactionThreshold';
    expect((await a.get(ns)).status).toBe(204);
    expect((await a.put(ns, -1)).status).toBe(412);
    expect((await a.put(ns, 2048)).status).toBe(204);
    expect((await a.get(ns)).body).toBe(2048);
    try {
      const topic = 'auto-compacted';
      const p = await client.createProducer({ topic, batchingEnabled: false });
      await publish(p, [{ key: 'small', value: 'x' }]);
      const service = compactionOf(broker.broker)!;
      await broker.policies.effectivePolicies(`persistent://public/default/${topic}`);
      await service.checkThresholds();
      expect(service.status(`persistent://public/default/${topic}`).status).toBe('NOT_RUN');
      await publish(
        p,
        Array.from({ length: 40 }, (_, i) => ({ key: `k${i % 4}`, value: 'y'.repeat(100) + i })),
      );
      await service.checkThresholds();
      const name = `persistent://public/default/${topic}`;
      await service.whenIdle(name);
      expect(service.status(name)).toEqual({ status: 'SUCCESS', lastError: '' });
      const view = await service.view(name);
      expect(view?.entryCount).toBe(5);
      // Right after compacting, the backlog after the horizon is empty: no second run.
      await service.checkThresholds();
      expect(service.status(name).status).toBe('SUCCESS');
      await p.close();
    } finally {
      expect((await a.delete(ns)).status).toBe(204);
    }
  });

  it('deleting the topic deletes its compacted view', async () => {
    const topic = 'compacted-then-deleted';
    const name = `persistent://public/default/${topic}`;
    const p = await client.createProducer({ topic, batchingEnabled: false });
    await publish(p, [{ key: 'a', value: '1' }]);
    await p.close();
    await compact(a, topic);
    expect(await broker.broker.metadata.exists(`/compaction/${encodeURIComponent(name)}`)).toBe(true);
    expect((await a.delete(restPath(topic))).status).toBe(204);
    expect(await broker.broker.metadata.exists(`/compaction/${encodeURIComponent(name)}`)).toBe(false);
    expect(await compactionOf(broker.broker)!.view(name)).toBeNull();
  });
});
