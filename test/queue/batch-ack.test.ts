import { afterEach, describe, expect, it } from 'vitest';
import {
  CommandType,
  SubType,
  TopicName,
  parseBatch,
  serializeBatch,
  type Frame,
  type MessageIdData,
} from '@magnetar/protocol';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createProducer, flow, send, subscribe } from './raw-helpers.js';

let broker: TestBroker | undefined;
afterEach(async () => {
  await broker?.destroy();
  broker = undefined;
});

/** ack_set words with bit i set for every index in `unacked` (batch indexes still unacknowledged). */
const ackSet = (unacked: number[]) => [unacked.reduce((w, i) => w | (1 << i), 0)];

async function publishBatch(p: RawClient, n: number): Promise<MessageIdData> {
  const payload = serializeBatch(
    Array.from({ length: n }, (_, i) => ({ metadata: { payload_size: 0 }, payload: Buffer.from(`b${i}`) })),
  );
  return send(p, payload, { num_messages_in_batch: n });
}

describe('batch-index acknowledgement', () => {
  it('keeps acks of 2 of 5 batch messages across a restart and redelivers with the 3 unacked bits', async () => {
    broker = await startTestBroker();
    const topic = 'persistent://public/default/batch-ack';
    const p = await RawClient.connected(broker.port);
    await createProducer(p, topic);
    const c = await RawClient.connected(broker.port);
    expect(
      (await subscribe(c, { topic, subscription: 's', subType: SubType.Shared, consumer_id: 1 })).command
        .type,
    ).toBe(CommandType.SUCCESS);
    const id = await publishBatch(p, 5);
    flow(c, 1, 100);
    const [first] = await c.messages(1, 1);
    expect(first.payload!.metadata.num_messages_in_batch).toBe(5);
    expect(first.command.message!.ack_set).toBeUndefined();
    // Acknowledge indexes 1 and 3 (one ack each, as the Java client does: all bits but its own).
    for (const done of [1, 3]) {
      c.send({
        type: CommandType.ACK,
        ack: {
          consumer_id: 1,
          ack_type: 0,
          message_id: [
            {
              ...id,
              batch_index: done,
              batch_size: 5,
              ack_set: ackSet([0, 1, 2, 3, 4].filter((i) => i !== done)),
            },
          ],
          request_id: 50 + done,
        },
      });
      expect((await c.response(50 + done)).command.ackResponse!.error).toBeUndefined();
    }
    p.close();
    c.close();
    const dataDir = broker.dataDir;
    await broker.close();
    broker = await startTestBroker({}, dataDir);
    const c2 = await RawClient.connected(broker.port);
    expect(
      (await subscribe(c2, { topic, subscription: 's', subType: SubType.Shared, consumer_id: 1 })).command
        .type,
    ).toBe(CommandType.SUCCESS);
    flow(c2, 1, 100);
    const [again]: Frame[] = await c2.messages(1, 1);
    expect(again.command.message!.message_id).toMatchObject({ ledgerId: id.ledgerId, entryId: id.entryId });
    expect(again.command.message!.ack_set).toEqual(ackSet([0, 2, 4]));
    // The client drops indexes whose bit is clear; what is left is the three unacked messages.
    const left = parseBatch(again.payload!.payload, 5).filter(
      (_, i) => (again.command.message!.ack_set![0] >> i) & 1,
    );
    expect(left.map((m) => m.payload.toString())).toEqual(['b0', 'b2', 'b4']);
    // Acking the rest by index completes the entry: nothing is redelivered any more.
    c2.send({
      type: CommandType.ACK,
      ack: { consumer_id: 1, ack_type: 0, message_id: [{ ...id, ack_set: [0] }], request_id: 60 },
    });
    await c2.response(60);
    const sub = (await broker.broker.getTopic(TopicName.parse(topic), false)).subscriptions.get('s')!;
    expect(sub.backlog()).toBe(0);
    c2.close();
  });

  it('a cumulative ack inside a batch acks what precedes it and keeps the batch in part (Exclusive)', async () => {
    broker = await startTestBroker();
    const topic = 'persistent://public/default/batch-cumulative';
    const p = await RawClient.connected(broker.port);
    await createProducer(p, topic);
    const c = await RawClient.connected(broker.port);
    await subscribe(c, { topic, subscription: 'x', subType: SubType.Exclusive, consumer_id: 1 });
    await send(p, 'single');
    const id = await publishBatch(p, 4);
    flow(c, 1, 100);
    await c.messages(1, 2);
    // Cumulative up to index 1 of the batch: indexes 2 and 3 stay unacked.
    c.send({
      type: CommandType.ACK,
      ack: {
        consumer_id: 1,
        ack_type: 1,
        message_id: [{ ...id, batch_index: 1, batch_size: 4, ack_set: ackSet([2, 3]) }],
      },
    });
    c.send({
      type: CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES,
      redeliverUnacknowledgedMessages: { consumer_id: 1 },
    });
    const [again] = await c.messages(1, 1);
    expect(again.command.message!.message_id).toMatchObject({ ledgerId: id.ledgerId, entryId: id.entryId });
    expect(again.command.message!.ack_set).toEqual(ackSet([2, 3]));
    expect(again.command.message!.redelivery_count).toBe(1);
    c.close();
    p.close();
  });
});
