import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandType, InitialPosition, ServerError, SubType, type MessageMetadata } from '@magnetar/protocol';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.destroy();
});

const meta = (seq: number, extra: Partial<MessageMetadata> = {}): MessageMetadata => ({
  producer_name: 'p',
  sequence_id: seq,
  publish_time: Date.now(),
  ...extra,
});

async function createProducer(c: RawClient, topic: string, producerId = 1, requestId = 100) {
  c.send({ type: CommandType.PRODUCER, producer: { topic, producer_id: producerId, request_id: requestId } });
  const f = await c.response(requestId);
  expect(f.command.type).toBe(CommandType.PRODUCER_SUCCESS);
  return f.command.producer_success!;
}

async function publish(c: RawClient, producerId: number, n: number, first = 0) {
  for (let i = first; i < first + n; i++) {
    c.sendPayload(
      { type: CommandType.SEND, send: { producer_id: producerId, sequence_id: i } },
      meta(i),
      Buffer.from(`m-${i}`),
    );
  }
  const receipts = [];
  for (let i = first; i < first + n; i++) {
    receipts.push(await c.next((f) => f.command.type === CommandType.SEND_RECEIPT));
  }
  return receipts.map((r) => r.command.send_receipt!);
}

describe('handshake', () => {
  it('answers CONNECT with server_version, min protocol version and max_message_size', async () => {
    const c = await RawClient.open(broker.port);
    c.send({ type: CommandType.CONNECT, connect: { client_version: 'x', protocol_version: 17 } });
    const f = await c.next((x) => x.command.type === CommandType.CONNECTED);
    expect(f.command.connected!.server_version).toMatch(/Magnetar/);
    expect(f.command.connected!.protocol_version).toBe(17);
    expect(f.command.connected!.max_message_size).toBe(5 * 1024 * 1024);
    c.close();
  });

  it('closes a connection that sends a command before CONNECT', async () => {
    const c = await RawClient.open(broker.port);
    c.send({ type: CommandType.PING, ping: {} });
    await c.whenClosed();
  });

  it('answers PING with PONG', async () => {
    const c = await RawClient.connected(broker.port);
    c.send({ type: CommandType.PING, ping: {} });
    await c.next((f) => f.command.type === CommandType.PONG);
    c.close();
  });

  it('answers LOOKUP with Connect to itself, authoritatively', async () => {
    const c = await RawClient.connected(broker.port);
    c.send({ type: CommandType.LOOKUP, lookupTopic: { topic: 'my-topic', request_id: 7 } });
    const r = (await c.response(7)).command.lookupTopicResponse!;
    expect(r.response).toBe(1);
    expect(r.brokerServiceUrl).toBe(broker.brokerServiceUrl);
    expect(r.authoritative).toBe(true);
    c.close();
  });
});

describe('produce and consume', () => {
  it('delivers every message to an Exclusive subscription in publish order, then acks', async () => {
    const topic = 'persistent://public/default/order-1';
    const c = await RawClient.connected(broker.port);
    const ps = await createProducer(c, topic);
    expect(ps.producer_name).toBeTruthy();
    const receipts = await publish(c, 1, 200);
    expect(receipts.map((r) => r.sequence_id)).toEqual([...Array(200).keys()]);
    c.send({
      type: CommandType.SUBSCRIBE,
      subscribe: {
        topic,
        subscription: 's',
        subType: SubType.Exclusive,
        consumer_id: 1,
        request_id: 2,
        initialPosition: InitialPosition.Earliest,
      },
    });
    expect((await c.response(2)).command.type).toBe(CommandType.SUCCESS);
    c.send({ type: CommandType.FLOW, flow: { consumer_id: 1, messagePermits: 1000 } });
    const msgs = await c.messages(1, 200);
    expect(msgs.map((m) => m.payload!.payload.toString())).toEqual(
      [...Array(200).keys()].map((i) => `m-${i}`),
    );
    expect(msgs.map((m) => m.payload!.metadata.sequence_id)).toEqual([...Array(200).keys()]);
    const last = msgs[199].command.message!.message_id;
    c.send({
      type: CommandType.ACK,
      ack: { consumer_id: 1, ack_type: 1, message_id: [last], request_id: 3 },
    });
    const ar = await c.response(3);
    expect(ar.command.type).toBe(CommandType.ACK_RESPONSE);
    expect(ar.command.ackResponse!.error).toBeUndefined();
    c.close();
  });

  it('respects FLOW permits: no more messages than granted', async () => {
    const topic = 'persistent://public/default/permits-1';
    const c = await RawClient.connected(broker.port);
    await createProducer(c, topic);
    await publish(c, 1, 10);
    c.send({
      type: CommandType.SUBSCRIBE,
      subscribe: {
        topic,
        subscription: 's',
        subType: SubType.Exclusive,
        consumer_id: 1,
        request_id: 2,
        initialPosition: InitialPosition.Earliest,
      },
    });
    await c.response(2);
    c.send({ type: CommandType.FLOW, flow: { consumer_id: 1, messagePermits: 3 } });
    await c.messages(1, 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(c.frames.filter((f) => f.command.type === CommandType.MESSAGE)).toHaveLength(0);
    c.send({ type: CommandType.FLOW, flow: { consumer_id: 1, messagePermits: 7 } });
    const rest = await c.messages(1, 7);
    expect(rest.map((m) => m.payload!.payload.toString())).toEqual(
      [3, 4, 5, 6, 7, 8, 9].map((i) => `m-${i}`),
    );
    c.close();
  });

  it('shares a Shared subscription between two consumers, each message once', async () => {
    const topic = 'persistent://public/default/shared-1';
    const p = await RawClient.connected(broker.port);
    await createProducer(p, topic);
    const a = await RawClient.connected(broker.port);
    const b = await RawClient.connected(broker.port);
    for (const [c, id] of [
      [a, 1],
      [b, 2],
    ] as const) {
      c.send({
        type: CommandType.SUBSCRIBE,
        subscribe: {
          topic,
          subscription: 'sh',
          subType: SubType.Shared,
          consumer_id: id,
          request_id: 10,
          consumer_name: `c${id}`,
        },
      });
      await c.response(10);
      c.send({ type: CommandType.FLOW, flow: { consumer_id: id, messagePermits: 100 } });
    }
    await publish(p, 1, 40);
    await new Promise((r) => setTimeout(r, 300));
    const got = [a, b].flatMap((c) => c.frames.filter((f) => f.command.type === CommandType.MESSAGE));
    const bodies = got.map((f) => f.payload!.payload.toString()).sort();
    expect(bodies).toEqual([...Array(40).keys()].map((i) => `m-${i}`).sort());
    expect(a.frames.length).toBeGreaterThan(0);
    expect(b.frames.length).toBeGreaterThan(0);
    for (const c of [a, b, p]) c.close();
  });

  it('refuses a second Exclusive consumer with ConsumerBusy', async () => {
    const topic = 'persistent://public/default/excl-busy';
    const a = await RawClient.connected(broker.port);
    const b = await RawClient.connected(broker.port);
    const sub = (c: RawClient, rid: number) =>
      c.send({
        type: CommandType.SUBSCRIBE,
        subscribe: { topic, subscription: 's', subType: SubType.Exclusive, consumer_id: 1, request_id: rid },
      });
    sub(a, 1);
    expect((await a.response(1)).command.type).toBe(CommandType.SUCCESS);
    sub(b, 2);
    const err = (await b.response(2)).command.error!;
    expect(err.error).toBe(ServerError.ConsumerBusy);
    a.close();
    b.close();
  });

  it('redelivers unacked messages with a redelivery count after REDELIVER on Shared', async () => {
    const topic = 'persistent://public/default/redeliver-1';
    const c = await RawClient.connected(broker.port);
    await createProducer(c, topic);
    await publish(c, 1, 3);
    c.send({
      type: CommandType.SUBSCRIBE,
      subscribe: {
        topic,
        subscription: 's',
        subType: SubType.Shared,
        consumer_id: 1,
        request_id: 2,
        initialPosition: InitialPosition.Earliest,
      },
    });
    await c.response(2);
    c.send({ type: CommandType.FLOW, flow: { consumer_id: 1, messagePermits: 10 } });
    const first = await c.messages(1, 3);
    const id = first[1].command.message!.message_id;
    c.send({
      type: CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES,
      redeliverUnacknowledgedMessages: { consumer_id: 1, message_ids: [id] },
    });
    const [again] = await c.messages(1, 1);
    expect(again.command.message!.message_id).toMatchObject({ ledgerId: id.ledgerId, entryId: id.entryId });
    expect(again.command.message!.redelivery_count).toBe(1);
    expect(again.payload!.payload.toString()).toBe('m-1');
    c.close();
  });

  it('answers GET_LAST_MESSAGE_ID with the last published position', async () => {
    const topic = 'persistent://public/default/last-id';
    const c = await RawClient.connected(broker.port);
    await createProducer(c, topic);
    const receipts = await publish(c, 1, 5);
    c.send({
      type: CommandType.SUBSCRIBE,
      subscribe: {
        topic,
        subscription: 'r',
        subType: SubType.Exclusive,
        consumer_id: 1,
        request_id: 2,
        durable: false,
      },
    });
    await c.response(2);
    c.send({ type: CommandType.GET_LAST_MESSAGE_ID, getLastMessageId: { consumer_id: 1, request_id: 3 } });
    const r = (await c.response(3)).command.getLastMessageIdResponse!;
    expect(r.last_message_id).toMatchObject(receipts[4].message_id!);
    c.close();
  });
});

describe('bad input', () => {
  it('answers a SEND with a wrong checksum with SEND_ERROR ChecksumError', async () => {
    const c = await RawClient.connected(broker.port);
    await createProducer(c, 'persistent://public/default/crc');
    const { serializePayloadCommand } = await import('@magnetar/protocol');
    const frame = serializePayloadCommand(
      { type: CommandType.SEND, send: { producer_id: 1, sequence_id: 0 } },
      meta(0),
      Buffer.from('x'),
    );
    frame[frame.length - 1] ^= 0xff; // corrupt the payload after the checksum was computed
    c.writeRaw(frame);
    const f = await c.next((x) => x.command.type === CommandType.SEND_ERROR);
    expect(f.command.send_error!.error).toBe(ServerError.ChecksumError);
    c.close();
  });

  it('closes a connection sending an oversize frame, and keeps serving others', async () => {
    const good = await RawClient.connected(broker.port);
    const bad = await RawClient.connected(broker.port);
    const header = Buffer.alloc(8);
    header.writeUInt32BE(64 * 1024 * 1024, 0);
    header.writeUInt32BE(10, 4);
    bad.writeRaw(header);
    await bad.whenClosed();
    good.send({ type: CommandType.PING, ping: {} });
    await good.next((f) => f.command.type === CommandType.PONG);
    good.close();
  });

  it('survives random garbage on one connection while another produces and consumes', async () => {
    const topic = 'persistent://public/default/garbage-neighbour';
    const good = await RawClient.connected(broker.port);
    await createProducer(good, topic);
    for (let i = 0; i < 20; i++) {
      const junk = await RawClient.open(broker.port);
      const bytes = Buffer.alloc(64 + i * 13);
      for (let k = 0; k < bytes.length; k++) bytes[k] = (k * 7919 + i * 104729) & 0xff;
      junk.writeRaw(bytes);
      junk.close();
    }
    const receipts = await publish(good, 1, 20);
    expect(receipts).toHaveLength(20);
    good.close();
  });

  it('answers an unknown topic name with InvalidTopicName', async () => {
    const c = await RawClient.connected(broker.port);
    c.send({
      type: CommandType.PRODUCER,
      producer: { topic: 'persistent://bad', producer_id: 1, request_id: 5 },
    });
    const f = await c.response(5);
    expect(f.command.type).toBe(CommandType.ERROR);
    expect(f.command.error!.error).toBe(ServerError.InvalidTopicName);
    c.close();
  });

  it('closes the connection on SEND for a producer that does not exist', async () => {
    const c = await RawClient.connected(broker.port);
    c.sendPayload(
      { type: CommandType.SEND, send: { producer_id: 99, sequence_id: 0 } },
      meta(0),
      Buffer.from('x'),
    );
    await c.whenClosed();
  });
});
