import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import flex from 'pulsar-flex';
import type { TestBroker } from '../helpers/broker.js';
import { TokenKey, startTokenBroker } from './protocol-helpers.js';

// Token authentication with a client we did not write: pulsar-flex sends its `jwt` option as
// CONNECT auth_method_name "token" / auth_data, as Pulsar's AuthenticationToken does.

const { Producer, Consumer, logLevel } = flex as unknown as {
  Producer: new (o: Record<string, unknown>) => FlexProducer;
  Consumer: (new (o: Record<string, unknown>) => FlexConsumer) & { SUB_TYPES: Record<string, number> };
  logLevel: Record<string, number>;
};
interface FlexProducer {
  create(): Promise<void>;
  close(): Promise<void>;
  sendMessage(m: { payload: string }): Promise<unknown>;
}
interface FlexMessage {
  message: Buffer;
  ack(): Promise<void>;
}
interface FlexConsumer {
  subscribe(): Promise<void>;
  unsubscribe(): Promise<void>;
  run(o: { onMessage: (m: FlexMessage) => Promise<void>; autoAck: boolean }): Promise<void>;
}

describe('pulsar-flex with a token', () => {
  const key = new TokenKey();
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTokenBroker(key);
  });
  afterAll(async () => {
    await broker.destroy();
  });

  const common = (jwt: string) => ({
    discoveryServers: [`127.0.0.1:${broker.port}`],
    jwt,
    logLevel: logLevel.NOTHING,
  });

  it('produces and consumes with a valid token', async () => {
    const topic = 'persistent://public/default/flex-token';
    const jwt = await key.sign('flex-user');
    const consumer = new Consumer({
      ...common(jwt),
      topic,
      subscription: 'flex-token-sub',
      subType: Consumer.SUB_TYPES.EXCLUSIVE,
      consumerName: 'c',
      receiveQueueSize: 10,
    });
    await consumer.subscribe();
    const producer = new Producer({ ...common(jwt), topic, producerAccessMode: 0 });
    await producer.create();
    for (let i = 0; i < 3; i++) await producer.sendMessage({ payload: `m-${i}` });
    const got: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`received ${got.length} of 3`)), 10_000);
      void consumer.run({
        autoAck: false,
        onMessage: async (m) => {
          got.push(m.message.toString());
          await m.ack();
          if (got.length === 3) {
            clearTimeout(t);
            resolve();
          }
        },
      });
    });
    expect(got).toEqual(['m-0', 'm-1', 'm-2']);
    await producer.close();
    await consumer.unsubscribe();
  });

  it('is refused with a token the broker did not sign', async () => {
    const producer = new Producer({
      ...common(await new TokenKey().sign('flex-user')),
      topic: 'persistent://public/default/flex-token-refused',
      producerAccessMode: 0,
    });
    await expect(producer.create()).rejects.toThrow();
    const list = await broker.broker.topicsOfNamespace('public/default');
    expect(list).not.toContain('persistent://public/default/flex-token-refused');
  });
});
