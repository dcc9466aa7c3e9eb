import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandType, LookupType, ServerError, serializeCommand, type BaseCommand } from '@magnetar/protocol';
import { Client } from '@magnetar/client';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { TokenKey, rawConnect, startTokenBroker, until } from './protocol-helpers.js';

// The limits that protect a broker from one client (docs/security/limits.md): what each refuses
// and how the client hears of it.

/** Several commands in one write, so the broker dispatches them in one read before answering any. */
function burst(c: RawClient, cmds: BaseCommand[]): void {
  c.writeRaw(Buffer.concat(cmds.map((cmd) => serializeCommand(cmd))));
}

const producer = (i: number, topic = 'persistent://public/default/limits'): BaseCommand => ({
  type: CommandType.PRODUCER,
  producer: { topic, producer_id: i, request_id: i },
});

describe('connection limits', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker({
      brokerMaxConnectionsPerIp: 2,
      maxProducersPerConnection: 2,
      maxConsumersPerConnection: 1,
      maxConcurrentLookupRequest: 1,
    });
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('refuses a connection beyond brokerMaxConnectionsPerIp with NotAllowedError, and counts closes', async () => {
    const a = await RawClient.connected(broker.port);
    const b = await RawClient.connected(broker.port);
    const refused = await RawClient.open(broker.port);
    const err = await refused.next((f) => f.command.type === CommandType.ERROR);
    expect(err.command.error?.error).toBe(ServerError.NotAllowedError);
    expect(err.command.error?.message).toContain('127.0.0.1');
    await refused.whenClosed(2000);
    a.close();
    await until(() => broker.broker.connections.size < 2);
    const again = await RawClient.connected(broker.port);
    again.close();
    b.close();
    await until(() => broker.broker.connections.size === 0);
  });

  it('refuses PRODUCER beyond maxProducersPerConnection, counting producers still being created', async () => {
    const c = await RawClient.connected(broker.port);
    burst(c, [producer(1), producer(2), producer(3)]);
    const answers = await Promise.all([1, 2, 3].map((i) => c.response(i)));
    const ok = answers.filter((f) => f.command.type === CommandType.PRODUCER_SUCCESS);
    const refused = answers.filter((f) => f.command.type === CommandType.ERROR);
    expect(ok).toHaveLength(2);
    expect(refused).toHaveLength(1);
    expect(refused[0].command.error?.error).toBe(ServerError.NotAllowedError);
    expect(refused[0].command.error?.message).toContain('maxProducersPerConnection');
    // Closing one makes room again.
    c.send({ type: CommandType.CLOSE_PRODUCER, close_producer: { producer_id: 1, request_id: 10 } });
    await c.response(10);
    c.send(producer(4));
    expect((await c.response(4)).command.type).toBe(CommandType.PRODUCER_SUCCESS);
    c.close();
  });

  it('refuses SUBSCRIBE beyond maxConsumersPerConnection', async () => {
    const c = await RawClient.connected(broker.port);
    const sub = (i: number): BaseCommand => ({
      type: CommandType.SUBSCRIBE,
      subscribe: {
        topic: 'persistent://public/default/limits-consumers',
        subscription: `s${i}`,
        subType: 0,
        consumer_id: i,
        request_id: i,
      },
    });
    c.send(sub(1));
    expect((await c.response(1)).command.type).toBe(CommandType.SUCCESS);
    c.send(sub(2));
    const err = await c.response(2);
    expect(err.command.error?.error).toBe(ServerError.NotAllowedError);
    expect(err.command.error?.message).toContain('maxConsumersPerConnection');
    c.close();
  });

  it('refuses lookups beyond maxConcurrentLookupRequest with TooManyRequests', async () => {
    const c = await RawClient.connected(broker.port);
    burst(
      c,
      [1, 2, 3].map((i) => ({
        type: CommandType.LOOKUP,
        lookupTopic: { topic: 'persistent://public/default/limits-lookup', request_id: i },
      })),
    );
    const answers = await Promise.all([1, 2, 3].map((i) => c.response(i)));
    const kinds = answers.map((f) => f.command.lookupTopicResponse?.response);
    expect(kinds.filter((k) => k === LookupType.Connect)).toHaveLength(1);
    const refused = answers.filter((f) => f.command.lookupTopicResponse?.response === LookupType.Failed);
    expect(refused).toHaveLength(2);
    for (const f of refused) expect(f.command.lookupTopicResponse?.error).toBe(ServerError.TooManyRequests);
    // Permits come back once answered.
    c.send({
      type: CommandType.LOOKUP,
      lookupTopic: { topic: 'persistent://public/default/x', request_id: 9 },
    });
    expect((await c.response(9)).command.lookupTopicResponse?.response).toBe(LookupType.Connect);
    c.close();
  });
});

describe('our client under maxConcurrentLookupRequest', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker({ maxConcurrentLookupRequest: 1 });
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('retries partitioned-metadata and lookup refusals (TooManyRequests) until every producer is created', async () => {
    const client = new Client({ serviceUrl: broker.brokerServiceUrl, operationTimeoutSeconds: 20 });
    try {
      // 40 producers at once on one connection, one lookup permit: most first attempts are refused.
      const topics = Array.from({ length: 40 }, (_, i) => `persistent://public/default/lookup-busy-${i}`);
      const producers = await Promise.all(topics.map((topic) => client.createProducer({ topic })));
      const ids = await Promise.all(producers.map((p, i) => p.send({ data: Buffer.from(`m${i}`) })));
      expect(ids).toHaveLength(40);
      await Promise.all(producers.map((p) => p.close()));
    } finally {
      await client.close();
    }
  });
});

describe('maxPendingRequestsPerConnection', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker({ maxPendingRequestsPerConnection: 2 });
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('answers requests beyond the limit with TooManyRequests in their own response form', async () => {
    const c = await RawClient.connected(broker.port);
    burst(c, [
      producer(1),
      producer(2),
      producer(3),
      { type: CommandType.LOOKUP, lookupTopic: { topic: 'persistent://public/default/x', request_id: 4 } },
    ]);
    const answers = await Promise.all([1, 2, 3, 4].map((i) => c.response(i)));
    expect(answers[0].command.type).toBe(CommandType.PRODUCER_SUCCESS);
    expect(answers[1].command.type).toBe(CommandType.PRODUCER_SUCCESS);
    expect(answers[2].command.error?.error).toBe(ServerError.TooManyRequests);
    expect(answers[3].command.lookupTopicResponse?.response).toBe(LookupType.Failed);
    expect(answers[3].command.lookupTopicResponse?.error).toBe(ServerError.TooManyRequests);
    // Answered requests free their places.
    c.send(producer(5));
    expect((await c.response(5)).command.type).toBe(CommandType.PRODUCER_SUCCESS);
    c.close();
  });
});

describe('peers that stall', () => {
  const key = new TokenKey();
  let broker: TestBroker;
  beforeAll(async () => {
    // maxMessageSize at its minimum makes the output-buffer limit (16 frames) about 180 KiB.
    broker = await startTokenBroker(key, { connectionTimeoutMs: 200, maxMessageSize: 1024 });
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('closes a connection that sends no CONNECT within connectionTimeoutMs', async () => {
    const c = await RawClient.open(broker.port);
    await c.whenClosed(2000);
  });

  it('evicts a client that never reads while it makes the broker answer', async () => {
    const { client, connected } = await rawConnect(broker.port, {
      auth_method_name: 'token',
      auth_data: Buffer.from(await key.sign('reader')),
    });
    expect(connected).toBe(true);
    const closedBefore = broker.broker.connectionsClosed;
    client.socket.pause();
    // PINGs, each answered with a PONG the client never reads: once the kernel buffers are full
    // the broker's output grows past its limit and it drops the connection.
    const pings = Buffer.concat(
      Array.from({ length: 50_000 }, () => serializeCommand({ type: CommandType.PING, ping: {} })),
    );
    for (let i = 0; i < 40 && broker.broker.connectionsClosed === closedBefore; i++) {
      client.socket.write(pings);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await until(() => broker.broker.connectionsClosed > closedBefore, 5000);
    client.close();
  });
});
