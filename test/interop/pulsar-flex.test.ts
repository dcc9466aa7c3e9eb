import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import flex from 'pulsar-flex';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

// pulsar-flex is a pure-JavaScript Pulsar client that we did not write: if it works against
// Magnetar, the wire format is Pulsar's and not just our client's idea of it.
const { Producer, Consumer, logLevel } = flex as unknown as {
  Producer: new (o: Record<string, unknown>) => FlexProducer;
  Consumer: (new (o: Record<string, unknown>) => FlexConsumer) & {
    SUB_TYPES: Record<string, number>;
    INITIAL_POSITION: Record<string, number>;
    ACK_TYPES: Record<string, number>;
  };
  logLevel: Record<string, number>;
};
interface FlexProducer {
  create(): Promise<void>;
  close(): Promise<void>;
  sendMessage(m: { payload: string; properties?: Record<string, string> }): Promise<unknown>;
  sendBatch(m: { messages: { payload: string; properties?: Record<string, string> }[] }): Promise<unknown>;
}
interface FlexMessage {
  message: Buffer;
  properties: Record<string, string>;
  redeliveryCount: number;
  ack(o?: { type?: number }): Promise<void>;
}
interface FlexConsumer {
  subscribe(): Promise<void>;
  unsubscribe(): Promise<void>;
  run(o: { onMessage: (m: FlexMessage) => Promise<void>; autoAck: boolean }): Promise<void>;
}

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.destroy();
});

const common = () => ({ discoveryServers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING });

function collect(consumer: FlexConsumer, n: number, ack = true): Promise<FlexMessage[]> {
  const got: FlexMessage[] = [];
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`received ${got.length} of ${n}`)), 15_000);
    void consumer.run({
      autoAck: false,
      onMessage: async (m) => {
        got.push(m);
        if (ack) await m.ack();
        if (got.length === n) {
          clearTimeout(t);
          resolve(got);
        }
      },
    });
  });
}

describe('pulsar-flex against Magnetar', () => {
  it('produces single messages and batches that an Exclusive consumer receives in order', async () => {
    const topic = 'persistent://public/default/flex-exclusive';
    const consumer = new Consumer({
      ...common(),
      topic,
      subscription: 'flex-sub',
      subType: Consumer.SUB_TYPES.EXCLUSIVE,
      consumerName: 'flex-c',
      receiveQueueSize: 100,
    });
    await consumer.subscribe();
    const producer = new Producer({ ...common(), topic, producerAccessMode: 0 });
    await producer.create();
    for (let i = 0; i < 5; i++)
      await producer.sendMessage({ payload: `single-${i}`, properties: { idx: String(i) } });
    await producer.sendBatch({
      messages: Array.from({ length: 5 }, (_, i) => ({
        payload: `batch-${i}`,
        properties: { b: String(i) },
      })),
    });
    const got = await collect(consumer, 10);
    expect(got.map((m) => m.message.toString())).toEqual([
      ...Array.from({ length: 5 }, (_, i) => `single-${i}`),
      ...Array.from({ length: 5 }, (_, i) => `batch-${i}`),
    ]);
    expect(got[2].properties).toMatchObject({ idx: '2' });
    expect(got[7].properties).toMatchObject({ b: '2' });
    await producer.close();
    await consumer.unsubscribe();
  });

  it('shares a Shared subscription between two pulsar-flex consumers', async () => {
    const topic = 'persistent://public/default/flex-shared';
    const mk = (name: string) =>
      new Consumer({
        ...common(),
        topic,
        subscription: 'flex-shared-sub',
        subType: Consumer.SUB_TYPES.SHARED,
        consumerName: name,
        receiveQueueSize: 10,
      });
    const a = mk('a');
    const b = mk('b');
    await a.subscribe();
    await b.subscribe();
    const seen: string[] = [];
    const both = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`received ${seen.length} of 40`)), 15_000);
      const onMessage = async (m: FlexMessage) => {
        seen.push(m.message.toString());
        await m.ack();
        if (seen.length === 40) {
          clearTimeout(t);
          resolve();
        }
      };
      void a.run({ onMessage, autoAck: false });
      void b.run({ onMessage, autoAck: false });
    });
    const producer = new Producer({ ...common(), topic, producerAccessMode: 0 });
    await producer.create();
    for (let i = 0; i < 40; i++) await producer.sendMessage({ payload: `s-${i}` });
    await both;
    expect([...seen].sort()).toEqual(Array.from({ length: 40 }, (_, i) => `s-${i}`).sort());
    await producer.close();
    await a.unsubscribe();
    await b.unsubscribe();
  });

  it('redelivers a negatively acknowledged message with a higher redelivery count', async () => {
    const topic = 'persistent://public/default/flex-nack';
    const consumer = new Consumer({
      ...common(),
      topic,
      subscription: 'flex-nack-sub',
      subType: Consumer.SUB_TYPES.SHARED,
      consumerName: 'n',
      receiveQueueSize: 10,
    });
    await consumer.subscribe();
    const producer = new Producer({ ...common(), topic, producerAccessMode: 0 });
    await producer.create();
    await producer.sendMessage({ payload: 'retry-me' });
    const counts: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`saw ${counts.length} deliveries`)), 15_000);
      void consumer.run({
        autoAck: false,
        onMessage: async (m) => {
          counts.push(m.redeliveryCount);
          if (counts.length === 1) await m.ack({ type: Consumer.ACK_TYPES.NEGATIVE });
          else {
            await m.ack();
            clearTimeout(t);
            resolve();
          }
        },
      });
    });
    expect(counts[0]).toBe(0);
    expect(counts[1]).toBe(1);
    await producer.close();
    await consumer.unsubscribe();
  });
});
