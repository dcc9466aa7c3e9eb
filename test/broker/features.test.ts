import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandType, InitialPosition, ProducerAccessMode, ServerError, SubType } from '@magnetar/protocol';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.destroy();
});

const send = (c: RawClient, producerId: number, seq: number, body: string) =>
  c.sendPayload(
    { type: CommandType.SEND, send: { producer_id: producerId, sequence_id: seq } },
    { producer_name: 'p', sequence_id: seq, publish_time: Date.now() },
    Buffer.from(body),
  );

describe('Failover subscriptions', () => {
  it('makes the consumer with the best priority level (then name) active and tells everyone', async () => {
    const topic = 'persistent://public/default/failover-1';
    const a = await RawClient.connected(broker.port);
    const b = await RawClient.connected(broker.port);
    const sub = (c: RawClient, name: string, priority: number) =>
      c.send({
        type: CommandType.SUBSCRIBE,
        subscribe: {
          topic,
          subscription: 'fo',
          subType: SubType.Failover,
          consumer_id: 1,
          request_id: 1,
          consumer_name: name,
          priority_level: priority,
        },
      });
    sub(a, 'zeta', 0);
    await a.response(1);
    const first = await a.next((f) => f.command.type === CommandType.ACTIVE_CONSUMER_CHANGE);
    expect(first.command.active_consumer_change!.is_active).toBe(true);
    // "alpha" sorts first by name but has a worse priority level (1 > 0), so "zeta" stays active.
    sub(b, 'alpha', 1);
    await b.response(1);
    const bState = await b.next((f) => f.command.type === CommandType.ACTIVE_CONSUMER_CHANGE);
    expect(bState.command.active_consumer_change!.is_active).toBe(false);
    // When the active consumer leaves, the standby becomes active and gets the messages.
    a.close();
    const promoted = await b.next(
      (f) =>
        f.command.type === CommandType.ACTIVE_CONSUMER_CHANGE &&
        f.command.active_consumer_change!.is_active === true,
    );
    expect(promoted).toBeTruthy();
    b.send({ type: CommandType.FLOW, flow: { consumer_id: 1, messagePermits: 10 } });
    const p = await RawClient.connected(broker.port);
    p.send({ type: CommandType.PRODUCER, producer: { topic, producer_id: 1, request_id: 2 } });
    await p.response(2);
    send(p, 1, 0, 'to-standby');
    const [m] = await b.messages(1, 1);
    expect(m.payload!.payload.toString()).toBe('to-standby');
    b.close();
    p.close();
  });
});

describe('producers', () => {
  it('refuses a second producer while an Exclusive one holds the topic, with ProducerBusy', async () => {
    const topic = 'persistent://public/default/exclusive-producer';
    const a = await RawClient.connected(broker.port);
    a.send({
      type: CommandType.PRODUCER,
      producer: { topic, producer_id: 1, request_id: 1, producer_access_mode: ProducerAccessMode.Exclusive },
    });
    expect((await a.response(1)).command.type).toBe(CommandType.PRODUCER_SUCCESS);
    const b = await RawClient.connected(broker.port);
    b.send({ type: CommandType.PRODUCER, producer: { topic, producer_id: 1, request_id: 2 } });
    const err = await b.response(2);
    expect(err.command.error!.error).toBe(ServerError.ProducerBusy);
    // Once the exclusive producer closes, others may produce.
    a.send({ type: CommandType.CLOSE_PRODUCER, close_producer: { producer_id: 1, request_id: 3 } });
    expect((await a.response(3)).command.type).toBe(CommandType.SUCCESS);
    b.send({ type: CommandType.PRODUCER, producer: { topic, producer_id: 2, request_id: 4 } });
    expect((await b.response(4)).command.type).toBe(CommandType.PRODUCER_SUCCESS);
    a.close();
    b.close();
  });

  it('assigns distinct names to producers that do not choose one', async () => {
    const c = await RawClient.connected(broker.port);
    const names = [];
    for (let i = 1; i <= 3; i++) {
      c.send({
        type: CommandType.PRODUCER,
        producer: { topic: 'named-topic', producer_id: i, request_id: i },
      });
      names.push((await c.response(i)).command.producer_success!.producer_name);
    }
    expect(new Set(names).size).toBe(3);
    c.close();
  });
});

describe('namespaces, schemas, unsubscribe', () => {
  it('lists the topics of a namespace, filtered by a pattern', async () => {
    const c = await RawClient.connected(broker.port);
    for (const [i, t] of ['ns-list-a', 'ns-list-b', 'other-c'].entries()) {
      c.send({ type: CommandType.PRODUCER, producer: { topic: t, producer_id: i + 1, request_id: i + 1 } });
      await c.response(i + 1);
    }
    c.send({
      type: CommandType.GET_TOPICS_OF_NAMESPACE,
      getTopicsOfNamespace: {
        request_id: 10,
        namespace: 'public/default',
        topics_pattern: 'public/default/ns-list-.*',
      },
    });
    const r = (await c.response(10)).command.getTopicsOfNamespaceResponse!;
    expect(r.topics).toEqual([
      'persistent://public/default/ns-list-a',
      'persistent://public/default/ns-list-b',
    ]);
    c.close();
  });

  it('stores a producer schema and returns it through GET_SCHEMA', async () => {
    const c = await RawClient.connected(broker.port);
    const schema = {
      name: 'User',
      type: 2 /* JSON */,
      schema_data: Buffer.from('{"type":"record"}'),
      properties: [],
    };
    c.send({
      type: CommandType.PRODUCER,
      producer: { topic: 'schema-topic', producer_id: 1, request_id: 1, schema },
    });
    const ps = (await c.response(1)).command.producer_success!;
    expect(Buffer.from(ps.schema_version!).readBigInt64BE()).toBe(0n);
    c.send({ type: CommandType.GET_SCHEMA, getSchema: { request_id: 2, topic: 'schema-topic' } });
    const r = (await c.response(2)).command.getSchemaResponse!;
    expect(r.error_code).toBeUndefined();
    expect(r.schema!.type).toBe(2);
    expect(Buffer.from(r.schema!.schema_data).toString()).toBe('{"type":"record"}');
    c.send({ type: CommandType.GET_SCHEMA, getSchema: { request_id: 3, topic: 'no-schema-here' } });
    expect((await c.response(3)).command.getSchemaResponse!.error_code).toBe(ServerError.TopicNotFound);
    c.close();
  });

  it('UNSUBSCRIBE deletes the subscription: a new one at Latest sees no old backlog', async () => {
    const topic = 'persistent://public/default/unsub-1';
    const c = await RawClient.connected(broker.port);
    c.send({ type: CommandType.PRODUCER, producer: { topic, producer_id: 1, request_id: 1 } });
    await c.response(1);
    c.send({
      type: CommandType.SUBSCRIBE,
      subscribe: { topic, subscription: 'gone', subType: SubType.Exclusive, consumer_id: 1, request_id: 2 },
    });
    await c.response(2);
    send(c, 1, 0, 'before');
    await c.next((f) => f.command.type === CommandType.SEND_RECEIPT);
    c.send({ type: CommandType.UNSUBSCRIBE, unsubscribe: { consumer_id: 1, request_id: 3 } });
    expect((await c.response(3)).command.type).toBe(CommandType.SUCCESS);
    c.send({
      type: CommandType.SUBSCRIBE,
      subscribe: {
        topic,
        subscription: 'gone',
        subType: SubType.Exclusive,
        consumer_id: 2,
        request_id: 4,
        initialPosition: InitialPosition.Latest,
      },
    });
    await c.response(4);
    c.send({ type: CommandType.FLOW, flow: { consumer_id: 2, messagePermits: 10 } });
    send(c, 1, 1, 'after');
    const [m] = await c.messages(2, 1);
    expect(m.payload!.payload.toString()).toBe('after');
    c.close();
  });

  it('SEEK by publish time rewinds the subscription and disconnects its consumer', async () => {
    const topic = 'persistent://public/default/seek-time';
    const c = await RawClient.connected(broker.port);
    c.send({ type: CommandType.PRODUCER, producer: { topic, producer_id: 1, request_id: 1 } });
    await c.response(1);
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) {
      c.sendPayload(
        { type: CommandType.SEND, send: { producer_id: 1, sequence_id: i } },
        { producer_name: 'p', sequence_id: i, publish_time: t0 + i * 1000 },
        Buffer.from(`t${i}`),
      );
      await c.next((f) => f.command.type === CommandType.SEND_RECEIPT);
    }
    const sub = (consumerId: number, rid: number) =>
      c.send({
        type: CommandType.SUBSCRIBE,
        subscribe: {
          topic,
          subscription: 'seeker',
          subType: SubType.Exclusive,
          consumer_id: consumerId,
          request_id: rid,
          initialPosition: InitialPosition.Earliest,
        },
      });
    sub(1, 2);
    await c.response(2);
    c.send({ type: CommandType.FLOW, flow: { consumer_id: 1, messagePermits: 10 } });
    const all = await c.messages(1, 3);
    c.send({
      type: CommandType.ACK,
      ack: { consumer_id: 1, ack_type: 1, message_id: [all[2].command.message!.message_id] },
    });
    c.send({
      type: CommandType.SEEK,
      seek: { consumer_id: 1, request_id: 3, message_publish_time: t0 + 1000 },
    });
    expect((await c.response(3)).command.type).toBe(CommandType.SUCCESS);
    await c.next(
      (f) => f.command.type === CommandType.CLOSE_CONSUMER && f.command.close_consumer!.consumer_id === 1,
    );
    sub(2, 4);
    await c.response(4);
    c.send({ type: CommandType.FLOW, flow: { consumer_id: 2, messagePermits: 10 } });
    const again = await c.messages(2, 2);
    expect(again.map((m) => m.payload!.payload.toString())).toEqual(['t1', 't2']);
    c.close();
  });
});

describe('settings and liveness', () => {
  it('with auto topic creation off, refuses unknown topics with TopicNotFound', async () => {
    const b = await startTestBroker({ allowAutoTopicCreation: false });
    try {
      const c = await RawClient.connected(b.port);
      c.send({
        type: CommandType.PRODUCER,
        producer: { topic: 'never-created', producer_id: 1, request_id: 1 },
      });
      expect((await c.response(1)).command.error!.error).toBe(ServerError.TopicNotFound);
      c.close();
    } finally {
      await b.destroy();
    }
  });

  it('drops a connection that stops answering, after two keep-alive intervals', async () => {
    const b = await startTestBroker({ keepAliveIntervalSeconds: 1 });
    try {
      const c = await RawClient.connected(b.port);
      c.answerPings = false;
      await c.whenClosed(6000);
      expect(c.closed).toBe(true);
    } finally {
      await b.destroy();
    }
  });

  it('tells producers and consumers with CLOSE_PRODUCER / CLOSE_CONSUMER when the broker shuts down', async () => {
    const b = await startTestBroker();
    const c = await RawClient.connected(b.port);
    c.send({ type: CommandType.PRODUCER, producer: { topic: 'bye', producer_id: 7, request_id: 1 } });
    await c.response(1);
    c.send({
      type: CommandType.SUBSCRIBE,
      subscribe: { topic: 'bye', subscription: 's', subType: SubType.Shared, consumer_id: 8, request_id: 2 },
    });
    await c.response(2);
    const closing = b.destroy();
    const cp = await c.next((f) => f.command.type === CommandType.CLOSE_PRODUCER);
    const cc = await c.next((f) => f.command.type === CommandType.CLOSE_CONSUMER);
    expect(cp.command.close_producer!.producer_id).toBe(7);
    expect(cc.command.close_consumer!.consumer_id).toBe(8);
    await closing;
    await c.whenClosed();
  });
});

describe('namespaces and auto-creation policy', () => {
  it('refuses topics in a namespace that does not exist, and follows the namespace override', async () => {
    const c = await RawClient.connected(broker.port);
    c.send({
      type: CommandType.PRODUCER,
      producer: { topic: 'persistent://nope/nada/t', producer_id: 1, request_id: 1 },
    });
    expect((await c.response(1)).command.error!.error).toBe(ServerError.TopicNotFound);
    // public/default exists from the start; turning auto-creation off there refuses new topics.
    const url = `${broker.webServiceUrl}/admin/v2/namespaces/public/default/autoTopicCreation`;
    const off = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ allowAutoTopicCreation: false, topicType: 'non-partitioned' }),
    });
    expect(off.status).toBe(204);
    c.send({
      type: CommandType.PRODUCER,
      producer: { topic: 'not-auto-created', producer_id: 2, request_id: 2 },
    });
    expect((await c.response(2)).command.error!.error).toBe(ServerError.TopicNotFound);
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(204);
    c.send({
      type: CommandType.PRODUCER,
      producer: { topic: 'not-auto-created', producer_id: 3, request_id: 3 },
    });
    expect((await c.response(3)).command.type).toBe(CommandType.PRODUCER_SUCCESS);
    c.close();
  });
});
