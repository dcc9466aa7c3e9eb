// Admin REST v2 for persistent topics (PersistentTopicsBase) over real HTTP against a live broker:
// list, create, delete, unload, terminate, last message id, subscriptions, lookup.
import { CommandType, ServerError } from '@magnetar/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { api, reason, type Api } from './http.js';
import {
  flow,
  freshTopic,
  nextMessage,
  rawProducer,
  rawSubscribe,
  send,
  sendBatch,
  sendRaw,
  until,
} from './topics-helpers.js';

let broker: TestBroker;
let a: Api;
const clients: RawClient[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  a = api(broker.webServiceUrl);
  await a.put('/tenants/acme', { adminRoles: [], allowedClusters: ['standalone'] });
  await a.put('/namespaces/acme/orders');
});
afterAll(async () => {
  for (const c of clients) c.close();
  await broker?.destroy();
});

async function producer(topic: string): Promise<RawClient> {
  const c = await rawProducer(broker.port, topic);
  clients.push(c);
  return c;
}

describe('topics: list, create, delete', () => {
  it('lists a namespace: 404 for a missing one, 412 for a bad name', async () => {
    const missing = await a.get('/persistent/acme/nope');
    expect([missing.status, reason(missing)]).toEqual([404, 'Namespace does not exist']);
    const bad = await a.get('/persistent/acme/b%20d');
    expect([bad.status, reason(bad)]).toEqual([412, 'Namespace name is not valid']);
    expect(await a.get('/persistent/acme/orders')).toMatchObject({ status: 200, body: [] });
  });

  it('creates a topic even where auto-creation is off, refuses duplicates with 409', async () => {
    await a.post('/namespaces/acme/orders/autoTopicCreation', { allowAutoTopicCreation: false });
    try {
      expect((await a.put('/persistent/acme/orders/created')).status).toBe(204);
      const dup = await a.put('/persistent/acme/orders/created');
      expect([dup.status, reason(dup)]).toEqual([409, 'This topic already exists']);
      expect((await a.get('/persistent/acme/orders')).body).toEqual(['persistent://acme/orders/created']);
      expect((await a.get('/namespaces/acme/orders/topics')).body).toContain(
        'persistent://acme/orders/created',
      );
    } finally {
      await a.delete('/namespaces/acme/orders/autoTopicCreation');
    }
    const noNs = await a.put('/persistent/acme/nope/t');
    expect([noNs.status, reason(noNs)]).toEqual([404, 'Namespace does not exist']);
  });

  it('refuses to delete a topic with a producer (412) unless forced, then removes all of it', async () => {
    const t = freshTopic('doomed');
    const c = await producer(t.name);
    await send(c, 'one');
    expect((await a.put(`${t.path}/subscription/keep`)).status).toBe(204);
    await broker.broker.schemas.addIfNew(t.name, { name: 's', type: 0, schema_data: Buffer.from('') });

    const busy = await a.delete(t.path);
    expect([busy.status, reason(busy)]).toEqual([412, 'Topic has active producers/subscriptions']);
    expect((await a.delete(`${t.path}?force=true`)).status).toBe(204);
    await c.next((f) => f.command.type === CommandType.CLOSE_PRODUCER);

    expect((await a.get('/persistent/public/default')).body).not.toContain(t.name);
    const gone = await a.get(`${t.path}/stats`);
    expect([gone.status, reason(gone)]).toEqual([404, `Topic ${t.name} not found`]);
    // Ledger list, cursors and schema are gone from the metadata store.
    const key = encodeURIComponent(t.name);
    expect(await broker.broker.metadata.get(`/managed-ledgers/${key}`)).toBeNull();
    expect(await broker.broker.metadata.children(`/managed-ledgers/${key}/cursors`)).toEqual([]);
    expect(await broker.broker.schemas.get(t.name)).toBeNull();
    const again = await a.delete(t.path);
    expect([again.status, reason(again)]).toEqual([404, `Topic ${t.name} not found`]);
  });

  it('deletes a topic whose subscriptions have no consumers without force', async () => {
    const t = freshTopic('idle');
    expect((await a.put(t.path)).status).toBe(204);
    expect((await a.put(`${t.path}/subscription/s`)).status).toBe(204);
    expect((await a.delete(t.path)).status).toBe(204);
    expect((await a.get(`${t.path}/subscriptions`)).status).toBe(404);
  });

  it('answers 412 for an invalid topic name', async () => {
    const bad = await a.put('/persistent/public/default/a%2Fb');
    expect([bad.status, reason(bad)]).toEqual([412, 'Topic name is not valid']);
  });
});

describe('topics: unload, subscriptions, last message id, lookup', () => {
  it('unloads: clients are closed and reconnect; 404 for a topic that does not exist', async () => {
    const t = freshTopic('unload');
    const c = await producer(t.name);
    await send(c, 'before');
    expect((await a.put(`${t.path}/unload`)).status).toBe(204);
    await c.next((f) => f.command.type === CommandType.CLOSE_PRODUCER);
    // The topic loads again on next use, with its data.
    const c2 = await producer(t.name);
    await send(c2, 'after');
    expect((await a.get(`${t.path}/stats`)).body).toMatchObject({ msgInCounter: 1 });
    expect((await a.get(`${t.path}/internalStats`)).body).toMatchObject({ numberOfEntries: 2 });
    const missing = await a.put('/persistent/public/default/never-was/unload');
    expect([missing.status, reason(missing)]).toEqual([
      404,
      'Topic persistent://public/default/never-was not found',
    ]);
  });

  it('lists subscriptions, durable and a reader’s', async () => {
    const t = freshTopic('subs');
    await a.put(t.path);
    await a.put(`${t.path}/subscription/b`);
    await a.put(`${t.path}/subscription/a`);
    expect((await a.get(`${t.path}/subscriptions`)).body).toEqual(['b', 'a']);
    const missing = await a.get('/persistent/public/default/none/subscriptions');
    expect(missing.status).toBe(404);
  });

  it('reports the last message id, with the batch index of a batch', async () => {
    const t = freshTopic('lastid');
    const c = await producer(t.name);
    const empty = (await a.get(`${t.path}/lastMessageId`)).body as { entryId: number };
    expect(empty).toMatchObject({ entryId: -1, partitionIndex: -1 });
    const id = await send(c, 'x');
    const [l, e] = id.split(':').map(Number);
    expect((await a.get(`${t.path}/lastMessageId`)).body).toEqual({
      ledgerId: l,
      entryId: e,
      partitionIndex: -1,
    });
    const batchId = await sendBatch(c, ['a', 'b', 'c']);
    const [bl, be] = batchId.split(':').map(Number);
    expect((await a.get(`${t.path}/lastMessageId`)).body).toEqual({
      ledgerId: bl,
      entryId: be,
      partitionIndex: -1,
      batchIndex: 2,
    });
  });

  it('looks a topic up: LookupData naming this broker', async () => {
    const res = await fetch(`${broker.webServiceUrl}/lookup/v2/topic/persistent/public/default/anything`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      brokerUrl: broker.brokerServiceUrl,
      httpUrl: broker.webServiceUrl,
      nativeUrl: broker.brokerServiceUrl,
      brokerUrlSsl: '',
    });
    const noNs = await fetch(`${broker.webServiceUrl}/lookup/v2/topic/persistent/acme/none/t`);
    expect(noNs.status).toBe(404);
    await a.post('/namespaces/acme/orders/autoTopicCreation', { allowAutoTopicCreation: false });
    try {
      const noTopic = await fetch(`${broker.webServiceUrl}/lookup/v2/topic/persistent/acme/orders/absent`);
      expect(noTopic.status).toBe(404);
      expect(await noTopic.json()).toEqual({ reason: 'Topic persistent://acme/orders/absent not found' });
    } finally {
      await a.delete('/namespaces/acme/orders/autoTopicCreation');
    }
  });
});

describe('topics: terminate', () => {
  it('returns the last message id; then SEND fails with TopicTerminatedError and readers reach the end', async () => {
    const t = freshTopic('term');
    const p = await producer(t.name);
    await send(p, 'm0');
    const lastId = await send(p, 'm1');
    const consumer = await RawClient.connected(broker.port);
    clients.push(consumer);
    await rawSubscribe(consumer, t.name, 'sub', 7);
    flow(consumer, 7, 10);
    await nextMessage(consumer, 7);
    await nextMessage(consumer, 7);

    const term = await a.post(`${t.path}/terminate`);
    const [l, e] = lastId.split(':').map(Number);
    expect(term).toMatchObject({ status: 200, body: { ledgerId: l, entryId: e, partitionIndex: -1 } });
    // Terminating again answers the same position.
    expect((await a.post(`${t.path}/terminate`)).body).toEqual(term.body);

    const refused = await sendRaw(p, Buffer.from('late'));
    expect(refused.command.type).toBe(CommandType.SEND_ERROR);
    expect(refused.command.send_error?.error).toBe(ServerError.TopicTerminatedError);
    await consumer.next(
      (f) =>
        f.command.type === CommandType.REACHED_END_OF_TOPIC && f.command.reachedEndOfTopic?.consumer_id === 7,
    );
    expect((await a.get(`${t.path}/internalStats`)).body).toMatchObject({ state: 'Terminated' });
    expect((await a.get(`${t.path}/stats`)).body).toMatchObject({ msgInCounter: 2 });
  });

  it('stays terminated across an unload; new producers are refused', async () => {
    const t = freshTopic('term-unload');
    const p = await producer(t.name);
    await send(p, 'only');
    expect((await a.post(`${t.path}/terminate`)).status).toBe(200);
    expect((await a.put(`${t.path}/unload`)).status).toBe(204);
    const c = await RawClient.connected(broker.port);
    clients.push(c);
    c.send({ type: CommandType.PRODUCER, producer: { topic: t.name, producer_id: 3, request_id: 77 } });
    const answer = await c.response(77);
    expect(answer.command.type).toBe(CommandType.ERROR);
    expect(answer.command.error?.error).toBe(ServerError.TopicTerminatedError);
    // A consumer joining a terminated topic it has read to the end is told at once.
    await rawSubscribe(c, t.name, 'late', 9);
    await a.post(`${t.path}/subscription/late/skip_all`);
    flow(c, 9, 10);
    await until(
      () => c.frames.some((f) => f.command.type === CommandType.REACHED_END_OF_TOPIC),
      'REACHED_END_OF_TOPIC',
    );
  });

  it('answers 404 for a topic that does not exist', async () => {
    const r = await a.post('/persistent/public/default/no-such/terminate');
    expect(r.status).toBe(404);
  });
});

describe('topics: partitioned', () => {
  it('refuses what Pulsar only does per partition with 405; a partition is an ordinary topic', async () => {
    const t = freshTopic('parted');
    expect((await a.put(`${t.path}/partitions`, 2)).status).toBe(204);
    const refused = async (method: 'get' | 'post', path: string, body?: unknown) => {
      const r = method === 'get' ? await a.get(path) : await a.post(path, body);
      return [r.status, reason(r)];
    };
    expect(await refused('post', `${t.path}/terminate`)).toEqual([
      405,
      'Termination of a partitioned topic is not allowed',
    ]);
    expect(await refused('get', `${t.path}/lastMessageId`)).toEqual([
      405,
      'GetLastMessageId on a partitioned topic is not allowed',
    ]);
    expect(await refused('get', `${t.path}/subscription/s/position/1`)).toEqual([
      405,
      'Peek messages on a partitioned topic is not allowed',
    ]);
    expect(await refused('post', `${t.path}/subscription/s/skip/1`)).toEqual([
      405,
      'Skip messages on a partitioned topic is not allowed',
    ]);
    expect(
      await refused('post', `${t.path}/subscription/s/resetcursor`, { ledgerId: 1, entryId: 0 }),
    ).toEqual([405, 'Reset-cursor at position is not allowed for partitioned-topic']);
    const partition = `${t.path}-partition-1`;
    expect((await a.put(`${partition}/subscription/s`)).status).toBe(204);
    expect((await a.get(`${partition}/lastMessageId`)).body).toMatchObject({
      entryId: -1,
      partitionIndex: 1,
    });
    expect((await a.post(`${partition}/terminate`)).body).toMatchObject({ partitionIndex: 1 });
  });
});
