// GET .../{topic}/partitioned-stats: the partitions' stats added up, as Pulsar's
// PartitionedTopicStats, with each partition's own stats unless perPartition=false.
import { SubType } from '@magnetar/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import type { RawClient } from '../helpers/raw-client.js';
import { api, type Api } from './http.js';
import { rawProducer, rawSubscribe, send } from './topics-helpers.js';

let broker: TestBroker;
let a: Api;
const clients: RawClient[] = [];
beforeAll(async () => {
  broker = await startTestBroker();
  a = api(broker.webServiceUrl);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await broker.destroy();
});

describe('partitioned-stats', () => {
  it('adds up the partitions and keeps each one under partitions', async () => {
    const base = 'persistent://public/default/pstats';
    expect((await a.put('/persistent/public/default/pstats/partitions', 2)).status).toBe(204);
    for (let i = 0; i < 2; i++) {
      const p = await rawProducer(broker.port, `${base}-partition-${i}`);
      clients.push(p);
      for (let k = 0; k <= i; k++) await send(p, `p${i}-m${k}`);
      const c = await rawProducer(broker.port, `${base}-partition-${i}`, 2);
      clients.push(c);
      await rawSubscribe(c, `${base}-partition-${i}`, 'shared-sub', 1, SubType.Shared);
    }
    const r = await a.get('/persistent/public/default/pstats/partitioned-stats');
    expect(r.status).toBe(200);
    const body = r.body as Record<string, unknown> & {
      metadata: { partitions: number };
      partitions: Record<string, { msgInCounter: number }>;
      subscriptions: Record<string, { consumers: unknown[] }>;
      publishers: unknown[];
    };
    expect(body.metadata).toEqual({ partitions: 2 });
    expect(body.msgInCounter).toBe(3);
    expect(Object.keys(body.partitions).sort()).toEqual([`${base}-partition-0`, `${base}-partition-1`]);
    expect(body.partitions[`${base}-partition-1`].msgInCounter).toBe(2);
    expect(body.publishers).toHaveLength(4);
    expect(body.subscriptions['shared-sub'].consumers).toHaveLength(2);

    const flat = await a.get('/persistent/public/default/pstats/partitioned-stats?perPartition=false');
    expect((flat.body as { partitions: object }).partitions).toEqual({});
  });

  it('answers 404 for a topic that is not partitioned', async () => {
    const r = await a.get('/persistent/public/default/not-partitioned-here/partitioned-stats');
    expect(r.status).toBe(404);
    expect((r.body as { reason: string }).reason).toMatch(/Partitioned Topic not found/);
  });
});
