import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandType, ServerError, TopicDomainMode, TopicName } from '@magnetar/protocol';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { api, reason, type Api } from '../admin/http.js';
import { flow, isErrorFrame, nextRequestId, openProducer, sendAndWait, subscribe } from './helpers.js';

let b: TestBroker;
let admin: Api;
beforeAll(async () => {
  b = await startTestBroker();
  admin = api(b.webServiceUrl);
});
afterAll(async () => {
  await b.destroy();
});

const path = (t: string) => `/persistent/public/default/${t}/partitions`;

async function partitionedMetadata(c: RawClient, topic: string, autoCreate?: boolean) {
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
}

describe('partitioned topics over REST', () => {
  it('creates, reads and lists a partitioned topic; partitions are usable at once', async () => {
    expect((await admin.put(path('orders'), 3)).status).toBe(204);
    expect((await admin.get(path('orders'))).body).toEqual({ partitions: 3 });
    expect((await admin.get('/persistent/public/default/partitioned')).body).toContain(
      'persistent://public/default/orders',
    );
    const c = await RawClient.connected(b.port);
    expect((await partitionedMetadata(c, 'persistent://public/default/orders')).partitions).toBe(3);
    expect((await partitionedMetadata(c, 'persistent://public/default/orders-partition-1')).partitions).toBe(
      0,
    );
    for (let i = 0; i < 3; i++) {
      const ok = await openProducer(c, `persistent://public/default/orders-partition-${i}`, i + 1, `p${i}`);
      expect(ok.command.type).toBe(CommandType.PRODUCER_SUCCESS);
      await sendAndWait(c, i + 1, `p${i}`, 0, `to-${i}`);
    }
    // An index past the count is no topic at all, whatever the auto-creation policy says.
    const beyond = await openProducer(c, 'persistent://public/default/orders-partition-3', 9, 'p9');
    expect(isErrorFrame(beyond, ServerError.TopicNotFound)).toBe(true);
    // The base name is not a topic of its own.
    const base = await openProducer(c, 'persistent://public/default/orders', 10, 'p10');
    expect(isErrorFrame(base)).toBe(true);
    c.close();
  });

  it('lists partitions one by one in GET_TOPICS_OF_NAMESPACE, as Pulsar does', async () => {
    expect((await admin.put(path('listed'), 2)).status).toBe(204);
    const c = await RawClient.connected(b.port);
    const rid = nextRequestId();
    c.send({
      type: CommandType.GET_TOPICS_OF_NAMESPACE,
      getTopicsOfNamespace: {
        request_id: rid,
        namespace: 'public/default',
        mode: TopicDomainMode.PERSISTENT,
      },
    });
    const topics = (await c.response(rid)).command.getTopicsOfNamespaceResponse!.topics ?? [];
    expect(topics).toContain('persistent://public/default/listed-partition-0');
    expect(topics).toContain('persistent://public/default/listed-partition-1');
    expect(topics).not.toContain('persistent://public/default/listed');
    // A pattern matches the partitioned topic's name, as Pulsar's TopicList.filterTopics does.
    const rid2 = nextRequestId();
    c.send({
      type: CommandType.GET_TOPICS_OF_NAMESPACE,
      getTopicsOfNamespace: {
        request_id: rid2,
        namespace: 'public/default',
        topics_pattern: 'persistent://public/default/list.*',
      },
    });
    const filtered = (await c.response(rid2)).command.getTopicsOfNamespaceResponse!;
    expect(filtered.filtered).toBe(true);
    expect(filtered.topics).toEqual([
      'persistent://public/default/listed-partition-0',
      'persistent://public/default/listed-partition-1',
    ]);
    c.close();
  });

  it('answers Pulsar statuses for bad requests', async () => {
    expect((await admin.put(path('dup'), 2)).status).toBe(204);
    const again = await admin.put(path('dup'), 2);
    expect([again.status, reason(again)]).toEqual([409, 'This topic already exists']);
    expect((await admin.put(path('zero'), 0)).status).toBe(406);
    expect(reason(await admin.put(path('neg'), -2))).toBe('Number of partitions should be more than 0');
    const named = await admin.put(path('bad-partition-1'), 2);
    expect(named.status).toBe(412);
    expect((await admin.put('/persistent/public/nope/x/partitions', 2)).status).toBe(404);
    expect((await admin.put(path('nobody'), { nothing: 1 })).status).toBe(400);
    // A non-partitioned topic of that name exists already.
    const c = await RawClient.connected(b.port);
    await openProducer(c, 'persistent://public/default/plain', 1, 'p');
    c.close();
    expect((await admin.put(path('plain'), 2)).status).toBe(409);
    expect((await admin.get(path('plain'))).body).toEqual({ partitions: 0 });
    expect((await admin.get(path('never-created'))).status).toBe(404);
    // The metadata object form keeps its properties.
    expect((await admin.put(path('with-props'), { partitions: 2, properties: { team: 'a' } })).status).toBe(
      204,
    );
    expect((await admin.get(path('with-props'))).body).toEqual({ partitions: 2, properties: { team: 'a' } });
  });

  it('grows a partitioned topic, carrying its subscriptions to the new partitions; shrinking is refused', async () => {
    expect((await admin.put(path('grow'), 2)).status).toBe(204);
    const c = await RawClient.connected(b.port);
    for (let i = 0; i < 2; i++) {
      const sub = await subscribe(c, {
        topic: `persistent://public/default/grow-partition-${i}`,
        subscription: 'sub',
        consumer_id: i + 1,
      });
      expect(sub.command.type).toBe(CommandType.SUCCESS);
    }
    expect((await admin.post(path('grow'), 4)).status).toBe(204);
    expect((await admin.get(path('grow'))).body).toEqual({ partitions: 4 });
    for (const i of [2, 3]) {
      const t = await b.broker.getTopic(
        TopicName.parse(`persistent://public/default/grow-partition-${i}`),
        false,
      );
      expect([...t.subscriptions.keys()]).toEqual(['sub']);
    }
    // A message published to a new partition before its consumer arrives waits for it.
    await openProducer(c, 'persistent://public/default/grow-partition-3', 1, 'gp');
    await sendAndWait(c, 1, 'gp', 0, 'early');
    await subscribe(c, {
      topic: 'persistent://public/default/grow-partition-3',
      subscription: 'sub',
      consumer_id: 9,
      initialPosition: 0,
    });
    flow(c, 9, 10);
    expect((await c.messages(9, 1))[0].payload!.payload.toString()).toBe('early');
    c.close();
    const shrink = await admin.post(path('grow'), 3);
    expect([shrink.status, reason(shrink)]).toEqual([
      409,
      'Number of new partitions must be greater than existing number of partitions',
    ]);
    expect((await admin.post(path('grow'), 4)).status).toBe(409);
    expect((await admin.post(path('not-partitioned-at-all'), 4)).status).toBe(409);
    expect((await admin.post(path('grow'), 0)).status).toBe(406);
  });

  it('deletes every partition; refuses while clients are attached unless forced', async () => {
    expect((await admin.put(path('gone'), 2)).status).toBe(204);
    const c = await RawClient.connected(b.port);
    await openProducer(c, 'persistent://public/default/gone-partition-1', 1, 'p');
    const busy = await admin.delete(path('gone'));
    expect([busy.status, reason(busy)]).toEqual([412, 'Topic has active producers/subscriptions']);
    expect((await admin.get(path('gone'))).body).toEqual({ partitions: 2 });
    expect((await admin.delete(`${path('gone')}?force=true`)).status).toBe(204);
    await c.next((f) => f.command.type === CommandType.CLOSE_PRODUCER);
    expect((await admin.get(path('gone'))).status).toBe(404);
    expect(await b.broker.managedLedgers.exists('persistent://public/default/gone-partition-0')).toBe(false);
    expect(await b.broker.managedLedgers.exists('persistent://public/default/gone-partition-1')).toBe(false);
    expect((await admin.get('/persistent/public/default/partitioned')).body).not.toContain(
      'persistent://public/default/gone',
    );
    c.close();
    expect((await admin.delete(path('gone'))).status).toBe(404);
    expect((await admin.delete(path('plain'))).status).toBe(409);
  });
});
