import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandType, ServerError, SubType, TopicDomainMode, TopicName } from '@magnetar/protocol';
import { Client } from '@magnetar/client';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import {
  flow,
  isErrorFrame,
  nextRequestId,
  openProducer,
  receipt,
  sendAndWait,
  sendRaw,
  subscribe,
} from './helpers.js';

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => {
  await b.destroy();
});

let n = 0;
const newTopic = () => `non-persistent://public/default/np-${n++}`;
const payloads = (frames: { payload?: { payload: Buffer } }[]) =>
  frames.map((f) => f.payload!.payload.toString());

function npTopic(name: string) {
  const t = b.broker.loadedNonPersistentTopic(TopicName.parse(name));
  if (!t) throw new Error(`${name} is not loaded`);
  return t;
}

/** Total bytes under the data directory's ledger store. */
async function ledgerBytes(): Promise<number> {
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else total += (await stat(p)).size;
    }
  };
  await walk(join(b.dataDir, 'ledgers'));
  return total;
}

describe('non-persistent topics', () => {
  it('delivers to a consumer within its permits and drops (and counts) the rest', async () => {
    const topic = newTopic();
    const c = await RawClient.connected(b.port);
    expect((await subscribe(c, { topic, subscription: 's', consumer_id: 1 })).command.type).toBe(
      CommandType.SUCCESS,
    );
    flow(c, 1, 5);
    expect((await openProducer(c, topic, 1, 'np')).command.type).toBe(CommandType.PRODUCER_SUCCESS);
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push(await sendAndWait(c, 1, 'np', i, `m-${i}`));
    // Receipt ids grow as clients expect, one ledger per loaded topic.
    expect(new Set(ids.map((id) => id.ledgerId)).size).toBe(1);
    expect(ids.map((id) => id.entryId)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const got = await c.messages(1, 5);
    expect(payloads(got)).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);
    expect(got.map((f) => f.command.message!.message_id.entryId)).toEqual([0, 1, 2, 3, 4]);
    const t = npTopic(topic);
    expect(t.droppedMessages).toBe(3);
    expect(t.subscriptions.get('s')!.droppedMessages).toBe(3);
    // New permits bring new messages only: nothing dropped comes back.
    flow(c, 1, 10);
    await sendAndWait(c, 1, 'np', 8, 'm-8');
    expect(payloads(await c.messages(1, 1))).toEqual(['m-8']);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.frames.filter((f) => f.command.type === CommandType.MESSAGE)).toHaveLength(0);
    c.close();
  });

  it('answers a producer without subscribers at once and stores nothing on disk', async () => {
    const topic = newTopic();
    const before = await ledgerBytes();
    const c = await RawClient.connected(b.port);
    await openProducer(c, topic, 1, 'np');
    for (let i = 0; i < 500; i++) sendRaw(c, 1, 'np', i, 'x'.repeat(1000));
    for (let i = 0; i < 500; i++)
      expect((await receipt(c, 1, i)).command.type).toBe(CommandType.SEND_RECEIPT);
    c.close();
    expect(await ledgerBytes()).toBe(before);
    expect(await b.broker.managedLedgers.list()).not.toContain(topic);
    // Without a subscription nothing is dropped: there is nobody to drop it for.
    expect(npTopic(topic).droppedMessages).toBe(0);
    expect(npTopic(topic).msgInCounter).toBe(500);
    // Listed by GET_TOPICS_OF_NAMESPACE in the non-persistent and ALL modes only.
    const d = await RawClient.connected(b.port);
    const list = async (mode: number) => {
      const rid = nextRequestId();
      d.send({
        type: CommandType.GET_TOPICS_OF_NAMESPACE,
        getTopicsOfNamespace: { request_id: rid, namespace: 'public/default', mode },
      });
      return (await d.response(rid)).command.getTopicsOfNamespaceResponse!.topics ?? [];
    };
    expect(await list(TopicDomainMode.NON_PERSISTENT)).toContain(topic);
    expect(await list(TopicDomainMode.ALL)).toContain(topic);
    expect(await list(TopicDomainMode.PERSISTENT)).not.toContain(topic);
    d.close();
  });

  it('Shared: round robin over consumers with permits; a consumer without permits is skipped', async () => {
    const topic = newTopic();
    const c = await RawClient.connected(b.port);
    await subscribe(c, { topic, subscription: 's', consumer_id: 1, subType: SubType.Shared });
    await subscribe(c, { topic, subscription: 's', consumer_id: 2, subType: SubType.Shared });
    flow(c, 1, 100);
    flow(c, 2, 2);
    await openProducer(c, topic, 1, 'np');
    for (let i = 0; i < 6; i++) await sendAndWait(c, 1, 'np', i, `m-${i}`);
    await new Promise((r) => setTimeout(r, 50));
    const to = (id: number) =>
      payloads(
        c.frames.filter(
          (f) => f.command.type === CommandType.MESSAGE && f.command.message!.consumer_id === id,
        ),
      );
    expect(to(1)).toEqual(['m-0', 'm-2', 'm-4', 'm-5']);
    expect(to(2)).toEqual(['m-1', 'm-3']);
    expect(npTopic(topic).droppedMessages).toBe(0);
    c.close();
  });

  it('Failover: only the active consumer receives; standbys are told they are not active', async () => {
    const topic = newTopic();
    const c = await RawClient.connected(b.port);
    await subscribe(c, {
      topic,
      subscription: 's',
      consumer_id: 1,
      subType: SubType.Failover,
      consumer_name: 'a',
    });
    await subscribe(c, {
      topic,
      subscription: 's',
      consumer_id: 2,
      subType: SubType.Failover,
      consumer_name: 'b',
    });
    flow(c, 1, 10);
    flow(c, 2, 10);
    const change = await c.next(
      (f) =>
        f.command.type === CommandType.ACTIVE_CONSUMER_CHANGE &&
        f.command.active_consumer_change!.consumer_id === 2,
    );
    expect(change.command.active_consumer_change!.is_active).toBe(false);
    await openProducer(c, topic, 1, 'np');
    for (let i = 0; i < 3; i++) await sendAndWait(c, 1, 'np', i, `m-${i}`);
    expect(payloads(await c.messages(1, 3))).toEqual(['m-0', 'm-1', 'm-2']);
    // The active one leaves: the standby takes over for new messages.
    const rid = nextRequestId();
    c.send({ type: CommandType.CLOSE_CONSUMER, close_consumer: { consumer_id: 1, request_id: rid } });
    await c.response(rid);
    await sendAndWait(c, 1, 'np', 3, 'm-3');
    expect(payloads(await c.messages(2, 1))).toEqual(['m-3']);
    c.close();
  });

  it('Exclusive refuses a second consumer; a reconnecting consumer gets no old messages', async () => {
    const topic = newTopic();
    const c = await RawClient.connected(b.port);
    await subscribe(c, { topic, subscription: 's', consumer_id: 1 });
    expect(
      isErrorFrame(
        await subscribe(c, { topic, subscription: 's', consumer_id: 2 }),
        ServerError.ConsumerBusy,
      ),
    ).toBe(true);
    await openProducer(c, topic, 1, 'np');
    await sendAndWait(c, 1, 'np', 0, 'before');
    c.close();
    const d = await RawClient.connected(b.port);
    await subscribe(d, { topic, subscription: 's', consumer_id: 1 });
    flow(d, 1, 10);
    await openProducer(d, topic, 1, 'np2');
    await sendAndWait(d, 1, 'np2', 0, 'after');
    expect(payloads(await d.messages(1, 1))).toEqual(['after']);
    d.close();
  });

  it('Key_Shared: every message of a key goes to the one consumer that owns the key', async () => {
    const topic = newTopic();
    const c = await RawClient.connected(b.port);
    for (const id of [1, 2]) {
      const ok = await subscribe(c, {
        topic,
        subscription: 'ks',
        consumer_id: id,
        subType: SubType.Key_Shared,
        consumer_name: `k${id}`,
      });
      expect(ok.command.type).toBe(CommandType.SUCCESS);
      flow(c, id, 1000);
    }
    await openProducer(c, topic, 1, 'np');
    for (let i = 0; i < 60; i++) {
      c.sendPayload(
        { type: CommandType.SEND, send: { producer_id: 1, sequence_id: i } },
        { producer_name: 'np', sequence_id: i, publish_time: Date.now(), partition_key: `key-${i % 6}` },
        Buffer.from(`key-${i % 6}`),
      );
    }
    for (let i = 0; i < 60; i++) await receipt(c, 1, i);
    await new Promise((r) => setTimeout(r, 50));
    const owners = new Map<string, Set<number>>();
    for (const f of c.frames.filter((x) => x.command.type === CommandType.MESSAGE)) {
      const key = f.payload!.payload.toString();
      owners.set(key, (owners.get(key) ?? new Set()).add(f.command.message!.consumer_id));
    }
    expect([...owners.keys()].sort()).toEqual(['key-0', 'key-1', 'key-2', 'key-3', 'key-4', 'key-5']);
    expect([...owners.values()].every((s) => s.size === 1)).toBe(true);
    c.close();
  });

  it('refuses what needs storage: seek, last message id, read_compacted', async () => {
    const topic = newTopic();
    const c = await RawClient.connected(b.port);
    await subscribe(c, { topic, subscription: 's', consumer_id: 1 });
    let rid = nextRequestId();
    c.send({
      type: CommandType.SEEK,
      seek: { consumer_id: 1, request_id: rid, message_id: { ledgerId: 0, entryId: 0 } },
    });
    expect(isErrorFrame(await c.response(rid), ServerError.NotAllowedError)).toBe(true);
    rid = nextRequestId();
    c.send({ type: CommandType.GET_LAST_MESSAGE_ID, getLastMessageId: { consumer_id: 1, request_id: rid } });
    expect(isErrorFrame(await c.response(rid), ServerError.NotAllowedError)).toBe(true);
    const compacted = await subscribe(c, { topic, subscription: 'rc', consumer_id: 2, read_compacted: true });
    expect(isErrorFrame(compacted, ServerError.NotAllowedError)).toBe(true);
    // Unsubscribing works and the subscription is gone.
    rid = nextRequestId();
    c.send({ type: CommandType.UNSUBSCRIBE, unsubscribe: { consumer_id: 1, request_id: rid } });
    expect((await c.response(rid)).command.type).toBe(CommandType.SUCCESS);
    expect(npTopic(topic).subscriptions.size).toBe(0);
    c.close();
  });

  it('works end to end with @magnetar/client', async () => {
    const topic = newTopic();
    const client = new Client({ serviceUrl: b.brokerServiceUrl, operationTimeoutSeconds: 10 });
    try {
      const consumer = await client.subscribe({ topic, subscription: 'c', subscriptionType: 'Shared' });
      const producer = await client.createProducer({ topic, batchingEnabled: true });
      const sent = await Promise.all(
        Array.from({ length: 50 }, (_, i) => producer.send({ data: Buffer.from(`c-${i}`) })),
      );
      expect(sent).toHaveLength(50);
      const got: string[] = [];
      for (let i = 0; i < 50; i++) {
        const m = await consumer.receive(5000);
        got.push(m.getData().toString());
        await consumer.acknowledge(m);
      }
      expect(got).toEqual(Array.from({ length: 50 }, (_, i) => `c-${i}`));
      await producer.close();
      await consumer.close();
    } finally {
      await client.close();
    }
  });
});
