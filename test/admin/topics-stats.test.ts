// GET .../stats and .../internalStats over real HTTP with live producers and consumers: Pulsar's
// field names (compared with a Pulsar 4.1 broker's output) and the values behind them.
import { SubType } from '@magnetar/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { api, type Api } from './http.js';
import {
  PULSAR_CONSUMER_FIELDS,
  PULSAR_CURSOR_FIELDS,
  PULSAR_INTERNAL_STATS_FIELDS,
  PULSAR_PUBLISHER_FIELDS,
  PULSAR_SUBSCRIPTION_FIELDS,
  PULSAR_TOPIC_STATS_FIELDS,
  ackIds,
  flow,
  freshTopic,
  nextMessage,
  rawProducer,
  rawSubscribe,
  send,
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

/** Every Pulsar field is there, and anything more is one of Magnetar's documented additions. */
function expectFields(o: unknown, pulsar: string[], extras: string[] = [], optional: string[] = []) {
  const keys = Object.keys(o as Json);
  expect(keys).toEqual(expect.arrayContaining(pulsar));
  expect(keys.filter((k) => !pulsar.includes(k) && !extras.includes(k) && !optional.includes(k))).toEqual([]);
}

describe('topic stats', () => {
  it('has Pulsar’s fields and counts publishes, deliveries, backlog and consumers', async () => {
    const t = freshTopic('stats');
    const p = await rawProducer(broker.port, t.name);
    clients.push(p);
    const c = await connect();
    await rawSubscribe(c, t.name, 'shared', 1, SubType.Shared, 'alice');
    for (let i = 0; i < 4; i++) await send(p, `message-${i}`, { properties: [{ key: 'k', value: 'v' }] });
    flow(c, 1, 3);
    for (let i = 0; i < 3; i++) await nextMessage(c, 1);

    const got = await a.get(`${t.path}/stats`);
    expect(got.status).toBe(200);
    const s = got.body as Json;
    expectFields(s, PULSAR_TOPIC_STATS_FIELDS);
    expect(s).toMatchObject({
      msgInCounter: 4,
      msgOutCounter: 3,
      deduplicationStatus: 'Disabled',
      replication: {},
      backlogQuotaLimitSize: -1,
    });
    expect(s.bytesInCounter).toBeGreaterThan(4 * 'message-0'.length);
    expect(s.storageSize).toBe(s.bytesInCounter);
    expect(s.backlogSize).toBe(s.storageSize);
    expect(s.ownerBroker).toBe(new URL(broker.webServiceUrl).host);
    expect(s.lastPublishTimeStamp).toBeGreaterThan(0);
    expect(s.topicCreationTimeStamp).toBeLessThanOrEqual(s.lastPublishTimeStamp as number);

    const [pub] = s.publishers as Json[];
    expectFields(pub, PULSAR_PUBLISHER_FIELDS);
    expect(pub).toMatchObject({ producerId: 1, accessMode: 'Shared', clientVersion: 'raw-test' });
    expect(pub.address).toMatch(/^\/127\.0\.0\.1:\d+$/);
    expect(new Date(pub.connectedSince as string).toISOString()).toBe(pub.connectedSince);

    const sub = (s.subscriptions as Record<string, Json>).shared;
    expectFields(sub, PULSAR_SUBSCRIPTION_FIELDS, ['oldestUnackedMessageAgeMs', 'stuckMessages']);
    expect(sub).toMatchObject({
      type: 'Shared',
      msgBacklog: 4,
      msgBacklogNoDelayed: 4,
      msgDelayed: 0,
      unackedMessages: 3,
      msgOutCounter: 3,
      isDurable: true,
      durable: true,
      blockedSubscriptionOnUnackedMsgs: false,
      // Magnetar: nothing has been pending for the default 300 s stuck threshold.
      stuckMessages: 0,
    });
    expect(sub.oldestUnackedMessageAgeMs).toBeGreaterThanOrEqual(0);
    const [consumer] = sub.consumers as Json[];
    expectFields(consumer, PULSAR_CONSUMER_FIELDS, ['oldestUnackedMessageAgeMs']);
    expect(consumer).toMatchObject({
      consumerName: 'alice',
      availablePermits: 0,
      unackedMessages: 3,
      msgOutCounter: 3,
      clientVersion: 'raw-test',
      blockedConsumerOnUnackedMsgs: false,
    });
  });

  it('names the active consumer of a Failover subscription and reports Key_Shared insight', async () => {
    const t = freshTopic('kinds');
    const p = await rawProducer(broker.port, t.name);
    clients.push(p);
    const c = await connect();
    await rawSubscribe(c, t.name, 'fo', 1, SubType.Failover, 'b-second');
    await rawSubscribe(c, t.name, 'fo', 2, SubType.Failover, 'a-first');
    await rawSubscribe(c, t.name, 'ks', 3, SubType.Key_Shared, 'keyed');
    await send(p, 'k1', { partition_key: 'user-1' });
    flow(c, 3, 10);
    await nextMessage(c, 3);

    const s = (await a.get(`${t.path}/stats`)).body as { subscriptions: Record<string, Json> };
    expect(s.subscriptions.fo).toMatchObject({ type: 'Failover', activeConsumerName: 'a-first' });
    expect((s.subscriptions.fo.consumers as Json[]).map((x) => x.consumerName).sort()).toEqual([
      'a-first',
      'b-second',
    ]);
    const ks = s.subscriptions.ks;
    expectFields(ks, PULSAR_SUBSCRIPTION_FIELDS, [
      'oldestUnackedMessageAgeMs',
      'hotKeys',
      'keySharedMode',
      'stuckMessages',
    ]);
    expect(ks).toMatchObject({
      type: 'Key_Shared',
      keySharedMode: 'AUTO_SPLIT',
      allowOutOfOrderDelivery: false,
      drainingHashesCount: 0,
      unackedMessages: 1,
    });
    const hot = ks.hotKeys as { hottestByPending: Json[] };
    expect(hot.hottestByPending[0]).toMatchObject({
      consumerName: 'keyed',
      pendingMessages: 1,
      sampleKey: 'user-1',
    });
    const [keyed] = ks.consumers as Json[];
    expectFields(
      keyed,
      PULSAR_CONSUMER_FIELDS,
      ['oldestUnackedMessageAgeMs'],
      ['drainingHashes', 'keyHashRangeArrays'],
    );
    expect((keyed.keyHashRangeArrays as number[][]).length).toBeGreaterThan(0);
    expect(keyed.drainingHashes).toEqual([]);
  });

  it('counts delayed messages apart from the rest of the backlog', async () => {
    const t = freshTopic('delayed');
    const p = await rawProducer(broker.port, t.name);
    clients.push(p);
    const c = await connect();
    await rawSubscribe(c, t.name, 'later', 1, SubType.Shared);
    await send(p, 'now');
    await send(p, 'in an hour', { deliver_at_time: Date.now() + 3_600_000 });
    flow(c, 1, 10);
    await nextMessage(c, 1);
    await until(async () => {
      const s = (await a.get(`${t.path}/stats`)).body as { subscriptions: Record<string, Json> };
      return s.subscriptions.later.msgDelayed === 1;
    }, 'the delayed message to be indexed');
    const sub = ((await a.get(`${t.path}/stats`)).body as { subscriptions: Record<string, Json> })
      .subscriptions.later;
    expect(sub).toMatchObject({ msgBacklog: 2, msgDelayed: 1, msgBacklogNoDelayed: 1 });
    expect(sub.delayedMessageIndexSizeInBytes).toBeGreaterThan(0);
  });

  it('answers 404 for a topic that does not exist', async () => {
    const r = await a.get('/persistent/public/default/not-there/stats');
    expect(r).toMatchObject({
      status: 404,
      body: { reason: 'Topic persistent://public/default/not-there not found' },
    });
  });
});

describe('internal stats', () => {
  it('shows ledgers and cursors as Pulsar does, acked ranges in Pulsar’s notation', async () => {
    const t = freshTopic('internal');
    const p = await rawProducer(broker.port, t.name);
    clients.push(p);
    const c = await connect();
    await rawSubscribe(c, t.name, 'sub', 1, SubType.Shared);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await send(p, `m${i}`));
    flow(c, 1, 5);
    for (let i = 0; i < 5; i++) await nextMessage(c, 1);
    const pos = (id: string) => ({ ledgerId: Number(id.split(':')[0]), entryId: Number(id.split(':')[1]) });
    ackIds(c, 1, [pos(ids[2]!), pos(ids[3]!)]);
    const [ledger] = ids[0]!.split(':');
    await until(async () => {
      const st = (await a.get(`${t.path}/stats`)).body as { subscriptions: Record<string, Json> };
      return st.subscriptions.sub.msgBacklog === 3;
    }, 'the acks');

    const got = await a.get(`${t.path}/internalStats`);
    expect(got.status).toBe(200);
    const s = got.body as Json;
    expectFields(s, PULSAR_INTERNAL_STATS_FIELDS);
    expect(s).toMatchObject({
      entriesAddedCounter: 5,
      numberOfEntries: 5,
      currentLedgerEntries: 5,
      lastConfirmedEntry: ids[4],
      state: 'LedgerOpened',
      schemaLedgers: [],
      compactedLedger: { ledgerId: -1, entries: -1, size: -1, offloaded: false, underReplicated: false },
    });
    expect(s.ledgers).toEqual([
      { ledgerId: Number(ledger), entries: 5, size: s.totalSize, offloaded: false, underReplicated: false },
    ]);
    const cursor = (s.cursors as Record<string, Json>).sub;
    expectFields(cursor, PULSAR_CURSOR_FIELDS);
    expect(cursor).toMatchObject({
      markDeletePosition: `${ledger}:-1`,
      readPosition: `${ledger}:5`,
      individuallyDeletedMessages: `[(${ledger}:1..${ledger}:3]]`,
      totalNonContiguousDeletedMessagesRange: 1,
      messagesConsumedCounter: 2,
      state: 'Open',
      active: true,
      waitingReadOp: true,
      cursorLedger: -1,
      properties: {},
    });
  });
});
