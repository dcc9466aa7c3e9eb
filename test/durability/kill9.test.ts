import { afterEach, describe, expect, it } from 'vitest';
import { CommandType, InitialPosition, SubType } from '@magnetar/protocol';
import { RawClient } from '../helpers/raw-client.js';
import { removeDir, startBrokerProcess, type BrokerProcess } from '../helpers/process-broker.js';

const topic = 'persistent://public/default/durable-kill9';
const procs: BrokerProcess[] = [];
afterEach(async () => {
  for (const p of procs.splice(0)) {
    await p.stop('SIGKILL');
    await removeDir(p.dataDir);
  }
});

async function produce(port: number, from: number, n: number) {
  const c = await RawClient.connected(port);
  c.send({ type: CommandType.PRODUCER, producer: { topic, producer_id: 1, request_id: 1 } });
  await c.response(1);
  for (let i = from; i < from + n; i++) {
    c.sendPayload(
      { type: CommandType.SEND, send: { producer_id: 1, sequence_id: i } },
      { producer_name: 'durability', sequence_id: i, publish_time: Date.now() },
      Buffer.from(`msg-${i}`),
    );
  }
  for (let i = 0; i < n; i++) await c.next((f) => f.command.type === CommandType.SEND_RECEIPT, 10_000);
  c.close();
}

async function subscribe(port: number) {
  const c = await RawClient.connected(port);
  c.send({
    type: CommandType.SUBSCRIBE,
    subscribe: {
      topic,
      subscription: 'dur',
      subType: SubType.Exclusive,
      consumer_id: 1,
      request_id: 1,
      initialPosition: InitialPosition.Earliest,
    },
  });
  expect((await c.response(1)).command.type).toBe(CommandType.SUCCESS);
  c.send({ type: CommandType.FLOW, flow: { consumer_id: 1, messagePermits: 100_000 } });
  return c;
}

describe('durability across SIGKILL', () => {
  it('keeps every acknowledged message and does not redeliver acked ones beyond the flush window', async () => {
    const first = await startBrokerProcess();
    procs.push(first);
    const N = 2000;
    await produce(first.port, 0, N);
    // Consume and ack the first half cumulatively, then wait past the cursor flush interval (1 s).
    const c = await subscribe(first.port);
    const msgs = await c.messages(1, N / 2, 10_000);
    const lastAcked = msgs[N / 2 - 1].command.message!.message_id;
    c.send({
      type: CommandType.ACK,
      ack: { consumer_id: 1, ack_type: 1, message_id: [lastAcked], request_id: 9 },
    });
    await c.response(9);
    await new Promise((r) => setTimeout(r, 2500));
    await first.stop('SIGKILL');

    const second = await startBrokerProcess({ dataDir: first.dataDir });
    procs.push(second);
    const d = await subscribe(second.port);
    const rest = await d.messages(1, N / 2, 10_000);
    expect(rest.map((m) => m.payload!.payload.toString())).toEqual(
      Array.from({ length: N / 2 }, (_, i) => `msg-${N / 2 + i}`),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(d.frames.filter((f) => f.command.type === CommandType.MESSAGE)).toHaveLength(0);
    d.close();
    // And a fresh reader from the earliest position still finds all N published messages.
    const r = await RawClient.connected(second.port);
    r.send({
      type: CommandType.SUBSCRIBE,
      subscribe: {
        topic,
        subscription: 'reader-all',
        subType: SubType.Exclusive,
        consumer_id: 2,
        request_id: 2,
        durable: false,
        initialPosition: InitialPosition.Earliest,
      },
    });
    await r.response(2);
    r.send({ type: CommandType.FLOW, flow: { consumer_id: 2, messagePermits: 100_000 } });
    const all = await r.messages(2, N, 10_000);
    expect(all.map((m) => m.payload!.payload.toString())).toEqual(
      Array.from({ length: N }, (_, i) => `msg-${i}`),
    );
    r.close();
  }, 60_000);
});
