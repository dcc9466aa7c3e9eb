import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, defaultConfig, startStandalone, type Standalone } from '@magnetar/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../index.js';

let dataDir: string;
let broker: Standalone | undefined;

function start(port: number): Promise<Standalone> {
  const config = {
    ...defaultConfig(),
    dataDir,
    bindAddress: '127.0.0.1',
    brokerServicePort: port,
    webServicePort: 0,
    logLevel: 'warn' as const,
  };
  return startStandalone({ config, logger: createLogger({ level: 'warn' }) });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'magnetar-client-rc-'));
  broker = await start(0);
});

afterAll(async () => {
  await broker?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('reconnect', () => {
  it('completes pending sends and resumes consuming after the broker restarts', async () => {
    const port = broker!.port;
    const client = new Client({ serviceUrl: broker!.brokerServiceUrl, operationTimeoutSeconds: 10 });
    const topic = `persistent://public/default/reconnect-${Date.now()}`;
    const consumer = await client.subscribe({ topic, subscription: 'rc', subscriptionType: 'Exclusive' });
    const producer = await client.createProducer({ topic, producerName: 'rc-producer' });
    for (let i = 0; i < 5; i++) await producer.send({ data: Buffer.from(`before-${i}`) });
    for (let i = 0; i < 5; i++) await consumer.acknowledge(await consumer.receive(2000));

    await broker!.close();
    broker = undefined;
    // These sends are queued while the broker is gone and must complete once it is back.
    const pending = Array.from({ length: 20 }, (_, i) => producer.send({ data: Buffer.from(`during-${i}`) }));
    await new Promise((r) => setTimeout(r, 300));
    broker = await start(port);

    const ids = await Promise.all(pending);
    expect(ids).toHaveLength(20);
    expect(producer.getProducerName()).toBe('rc-producer');
    const got: string[] = [];
    for (let i = 0; i < 20; i++) {
      const msg = await consumer.receive(10_000);
      got.push(msg.getData().toString());
      await consumer.acknowledge(msg);
    }
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => `during-${i}`));
    expect(producer.isConnected()).toBe(true);
    expect(consumer.isConnected()).toBe(true);
    await producer.close();
    await consumer.close();
    await client.close();
  });
});
