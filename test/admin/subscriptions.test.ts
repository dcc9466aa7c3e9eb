// Admin REST v2 for subscriptions over real HTTP with live producers and consumers: create at a
// position, delete, peek (plain, batched, compressed), reset cursor by time and id, skip, clear
// backlog, expire.
import { CommandType, CompressionType, SubType, parseBatch } from '@magnetar/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { api, reason, type Api } from './http.js';
import {
  ackIds,
  flow,
  freshTopic,
  httpRaw,
  nextMessage,
  rawProducer,
  rawSubscribe,
  send,
  sendBatch,
  until,
} from './topics-helpers.js';

type Json = Record<string, unknown>;

let broker: TestBroker;
let a: Api;
const clients: RawClient[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  a = api(broker.webServiceUrl);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await broker?.destroy();
});

async function connect(): Promise<RawClient> {
  const c = await RawClient.connected(broker.port);
  clients.push(c);
  return c;
}

/** A topic with `n` messages "m0".."m{n-1}"; resolves with its paths and the message ids. */
async function topicWith(prefix: string, n: number, publishTime?: (i: number) => number) {
  const t = freshTopic(prefix);
  const p = await rawProducer(broker.port, t.name);
  clients.push(p);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(await send(p, `m${i}`, publishTime ? { publish_time: publishTime(i) } : {}));
  }
  return { ...t, p, ids };
}

async function backlog(path: string, sub: string): Promise<number> {
  const s = (await a.get(`${path}/stats`)).body as { subscriptions: Record<string, Json> };
  return s.subscriptions[sub]!.msgBacklog as number;
}

const idOf = (id: string) => ({ ledgerId: Number(id.split(':')[0]), entryId: Number(id.split(':')[1]) });

describe('create and delete', () => {
  it('creates at latest by default, at earliest, or at a message id; 409 for a duplicate', async () => {
    const t = await topicWith('create', 3);
    expect((await a.put(`${t.path}/subscription/latest`)).status).toBe(204);
    expect((await a.put(`${t.path}/subscription/earliest`, { ledgerId: -1, entryId: -1 })).status).toBe(204);
    expect((await a.put(`${t.path}/subscription/middle`, idOf(t.ids[1]!))).status).toBe(204);
    // Long.MAX_VALUE, as Java's MessageId.latest is written.
    const latest = '{"ledgerId":9223372036854775807,"entryId":9223372036854775807,"partitionIndex":-1}';
    expect((await a.raw('PUT', `${t.path}/subscription/max`, latest)).status).toBe(204);
    expect(await backlog(t.path, 'latest')).toBe(0);
    expect(await backlog(t.path, 'earliest')).toBe(3);
    expect(await backlog(t.path, 'middle')).toBe(2);
    expect(await backlog(t.path, 'max')).toBe(0);
    const dup = await a.put(`${t.path}/subscription/earliest`);
    expect([dup.status, reason(dup)]).toEqual([409, 'Subscription already exists for topic']);
    const bad = await a.put(`${t.path}/subscription/x`, { ledgerId: 'one' });
    expect(bad.status).toBe(400);
  });

  it('creates the topic when auto-creation allows it, else 412', async () => {
    const t = freshTopic('autocreate');
    expect((await a.put(`${t.path}/subscription/s`)).status).toBe(204);
    expect((await a.get(`${t.path}/subscriptions`)).body).toEqual(['s']);
    await a.post('/namespaces/public/default/autoTopicCreation', { allowAutoTopicCreation: false });
    try {
      const refused = await a.put(`${freshTopic('no-auto').path}/subscription/s`);
      expect([refused.status, reason(refused)]).toEqual([
        412,
        'Topic does not exist and cannot be auto-created',
      ]);
    } finally {
      await a.delete('/namespaces/public/default/autoTopicCreation');
    }
  });

  it('refuses to delete a subscription with consumers (412) unless forced; 404s', async () => {
    const t = await topicWith('delete', 1);
    const c = await connect();
    await rawSubscribe(c, t.name, 'busy', 1, SubType.Shared);
    const refused = await a.delete(`${t.path}/subscription/busy`);
    expect([refused.status, reason(refused)]).toEqual([412, 'Subscription has active connected consumers']);
    expect((await a.delete(`${t.path}/subscription/busy?force=true`)).status).toBe(204);
    await c.next((f) => f.command.type === CommandType.CLOSE_CONSUMER);
    expect((await a.get(`${t.path}/subscriptions`)).body).toEqual([]);
    const noSub = await a.delete(`${t.path}/subscription/busy`);
    expect([noSub.status, reason(noSub)]).toEqual([404, `Subscription busy not found for topic ${t.name}`]);
    const noTopic = await a.delete('/persistent/public/default/nothing-here/subscription/x');
    expect(noTopic.status).toBe(404);
  });
});

describe('peek', () => {
  it('answers the n-th unacknowledged message with its metadata in headers', async () => {
    const t = freshTopic('peek');
    const p = await rawProducer(broker.port, t.name);
    clients.push(p);
    await a.put(`${t.path}/subscription/s`, { ledgerId: -1, entryId: -1 });
    const first = await send(p, 'first', {
      properties: [{ key: 'color', value: 'blue' }],
      publish_time: 1_700_000_000_000,
    });
    const second = await send(p, 'second', { partition_key: 'pk' });

    const one = await httpRaw(broker.webServiceUrl, 'GET', `/admin/v2${t.path}/subscription/s/position/1`);
    expect(one.status).toBe(200);
    expect(one.body.toString()).toBe('first');
    expect(one.headers.get('x-pulsar-message-id')).toBe(first);
    expect(one.headers.get('x-pulsar-publish-time')).toBe('2023-11-14T22:13:20.000Z');
    expect(one.headers.get('x-pulsar-property-color')).toBe('blue');
    expect(JSON.parse(one.headers.get('x-pulsar-property')!)).toEqual({ color: 'blue' });
    expect(one.headers.get('x-pulsar-num-batch-message')).toBeNull();

    const two = await httpRaw(broker.webServiceUrl, 'GET', `/admin/v2${t.path}/subscription/s/position/2`);
    expect([two.body.toString(), two.headers.get('x-pulsar-message-id')]).toEqual(['second', second]);
    expect(two.headers.get('x-pulsar-partition-key')).toBe('pk');
    const past = await a.get(`${t.path}/subscription/s/position/3`);
    expect([past.status, reason(past)]).toEqual([404, 'Message not found']);
    const noSub = await a.get(`${t.path}/subscription/none/position/1`);
    expect(noSub.status).toBe(404);
  });

  it('skips individually acknowledged messages when counting', async () => {
    const t = await topicWith('peek-acked', 3);
    const c = await connect();
    await rawSubscribe(c, t.name, 's', 1, SubType.Shared);
    flow(c, 1, 3);
    for (let i = 0; i < 3; i++) await nextMessage(c, 1);
    // m1 acked alone is held as an individually deleted range after the mark-delete position.
    ackIds(c, 1, [idOf(t.ids[1]!)]);
    await until(async () => (await backlog(t.path, 's')) === 2, 'the ack');
    const peekAt = (n: number) =>
      httpRaw(broker.webServiceUrl, 'GET', `/admin/v2${t.path}/subscription/s/position/${n}`);
    expect((await peekAt(1)).body.toString()).toBe('m0');
    expect((await peekAt(2)).body.toString()).toBe('m2');
    expect((await peekAt(3)).status).toBe(404);
  });

  for (const [label, compression] of [
    ['a batch', CompressionType.NONE],
    ['an LZ4-compressed batch', CompressionType.LZ4],
    ['a ZLIB-compressed batch', CompressionType.ZLIB],
  ] as const) {
    it(`answers ${label} whole, decompressed, with X-Pulsar-Num-Batch-Message`, async () => {
      const t = freshTopic('peek-batch');
      const p = await rawProducer(broker.port, t.name);
      clients.push(p);
      await a.put(`${t.path}/subscription/s`, { ledgerId: -1, entryId: -1 });
      const id = await sendBatch(p, ['alpha', 'beta', 'gamma'], compression);
      const r = await httpRaw(broker.webServiceUrl, 'GET', `/admin/v2${t.path}/subscription/s/position/1`);
      expect(r.status).toBe(200);
      expect(r.headers.get('x-pulsar-message-id')).toBe(id);
      expect(r.headers.get('x-pulsar-num-batch-message')).toBe('3');
      const messages = parseBatch(r.body, 3);
      expect(messages.map((m) => m.payload.toString())).toEqual(['alpha', 'beta', 'gamma']);
      expect(messages[1]!.metadata.properties).toEqual([{ key: 'index', value: '1' }]);
    });
  }
});

describe('reset cursor, skip, clear backlog, expire', () => {
  it('resets by time: a consumer that resubscribes receives from there', async () => {
    const base = Date.now() - 60_000;
    const t = await topicWith('reset-time', 5, (i) => base + i * 1000);
    const c = await connect();
    await rawSubscribe(c, t.name, 's', 1, SubType.Exclusive);
    flow(c, 1, 10);
    for (let i = 0; i < 5; i++) await nextMessage(c, 1);
    expect((await a.post(`${t.path}/subscription/s/resetcursor/${base + 2500}`)).status).toBe(204);
    // The consumer is closed from the broker side; subscribing again starts at m3.
    await c.next((f) => f.command.type === CommandType.CLOSE_CONSUMER);
    await rawSubscribe(c, t.name, 's', 2, SubType.Exclusive);
    flow(c, 2, 10);
    const m = await nextMessage(c, 2);
    expect(m.payload?.payload.toString()).toBe('m3');
    expect(await backlog(t.path, 's')).toBe(2);
  });

  it('resets to a message id, or just after it with isExcluded', async () => {
    const t = await topicWith('reset-id', 4);
    await a.put(`${t.path}/subscription/s`);
    expect((await a.post(`${t.path}/subscription/s/resetcursor`, idOf(t.ids[1]!))).status).toBe(204);
    expect(await backlog(t.path, 's')).toBe(3);
    await a.post(`${t.path}/subscription/s/resetcursor`, { ...idOf(t.ids[1]!), isExcluded: true });
    expect(await backlog(t.path, 's')).toBe(2);
    await a.post(`${t.path}/subscription/s/resetcursor?isExcluded=false`, { ledgerId: -1, entryId: -1 });
    expect(await backlog(t.path, 's')).toBe(4);
    const noBody = await a.post(`${t.path}/subscription/s/resetcursor`);
    expect(noBody.status).toBe(400);
    const noSub = await a.post(`${t.path}/subscription/none/resetcursor/0`);
    expect([noSub.status, reason(noSub)]).toEqual([404, `Subscription none not found for topic ${t.name}`]);
  });

  it('skips n messages and clears the backlog', async () => {
    const t = await topicWith('skip', 6);
    await a.put(`${t.path}/subscription/s`, { ledgerId: -1, entryId: -1 });
    expect((await a.post(`${t.path}/subscription/s/skip/2`)).status).toBe(204);
    expect(await backlog(t.path, 's')).toBe(4);
    const peek = await httpRaw(broker.webServiceUrl, 'GET', `/admin/v2${t.path}/subscription/s/position/1`);
    expect(peek.body.toString()).toBe('m2');
    await a.post(`${t.path}/subscription/s/skip/100`);
    expect(await backlog(t.path, 's')).toBe(0);
    await send(t.p, 'more');
    expect((await a.post(`${t.path}/subscription/s/skip_all`)).status).toBe(204);
    expect(await backlog(t.path, 's')).toBe(0);
    expect((await a.post(`${t.path}/subscription/s/skip/abc`)).status).toBe(400);
  });

  it('skips past messages a consumer holds, which then count as acknowledged', async () => {
    const t = await topicWith('skip-pending', 3);
    const c = await connect();
    await rawSubscribe(c, t.name, 's', 1, SubType.Shared);
    flow(c, 1, 3);
    for (let i = 0; i < 3; i++) await nextMessage(c, 1);
    await a.post(`${t.path}/subscription/s/skip/2`);
    const s = (await a.get(`${t.path}/stats`)).body as { subscriptions: Record<string, Json> };
    expect(s.subscriptions.s).toMatchObject({ msgBacklog: 1, unackedMessages: 1 });
  });

  it('expires messages older than n seconds, on one subscription or all', async () => {
    const now = Date.now();
    const t = await topicWith('expire', 5, (i) => (i < 3 ? now - 3_600_000 : now));
    await a.put(`${t.path}/subscription/one`, { ledgerId: -1, entryId: -1 });
    await a.put(`${t.path}/subscription/two`, { ledgerId: -1, entryId: -1 });
    expect((await a.post(`${t.path}/subscription/one/expireMessages/600`)).status).toBe(204);
    expect(await backlog(t.path, 'one')).toBe(2);
    expect(await backlog(t.path, 'two')).toBe(5);
    const one = ((await a.get(`${t.path}/stats`)).body as { subscriptions: Record<string, Json> })
      .subscriptions.one;
    expect(one.totalMsgExpired).toBe(3);
    expect(one.lastExpireTimestamp).toBeGreaterThanOrEqual(now);
    expect((await a.post(`${t.path}/all_subscription/expireMessages/600`)).status).toBe(204);
    expect(await backlog(t.path, 'two')).toBe(2);
    await a.post(`${t.path}/all_subscription/expireMessages/0`);
    expect(await backlog(t.path, 'one')).toBe(0);
    expect(await backlog(t.path, 'two')).toBe(0);
    const noSub = await a.post(`${t.path}/subscription/none/expireMessages/1`);
    expect(noSub.status).toBe(404);
  });
});
