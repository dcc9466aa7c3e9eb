// The namespace policy delayed_delivery_policies turns delayed delivery off (messages go out at
// once) or on, overriding the broker's delayedDeliveryEnabled.
import { CommandType, SubType } from '@magnetar/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.destroy();
});

async function setPolicy(ns: string, body: unknown): Promise<void> {
  const res = await fetch(`${broker.webServiceUrl}/admin/v2/namespaces/${ns}/delayedDelivery`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(204);
}

async function firstDeliveryMs(topic: string): Promise<number> {
  const c = await RawClient.connected(broker.port);
  c.send({ type: CommandType.PRODUCER, producer: { topic, producer_id: 1, request_id: 1 } });
  await c.response(1);
  c.send({
    type: CommandType.SUBSCRIBE,
    subscribe: { topic, subscription: 's', subType: SubType.Shared, consumer_id: 1, request_id: 2 },
  });
  await c.response(2);
  c.send({ type: CommandType.FLOW, flow: { consumer_id: 1, messagePermits: 10 } });
  const start = Date.now();
  c.sendPayload(
    { type: CommandType.SEND, send: { producer_id: 1, sequence_id: 0 } },
    { producer_name: 'p', sequence_id: 0, publish_time: start, deliver_at_time: start + 1500 },
    Buffer.from('later'),
  );
  await c.messages(1, 1, 10_000);
  c.close();
  return Date.now() - start;
}

describe('namespace delayed-delivery policy', () => {
  it('delivers at once when the namespace turns delayed delivery off, and holds when on', async () => {
    for (const ns of ['public/dd-off', 'public/dd-on']) {
      const res = await fetch(`${broker.webServiceUrl}/admin/v2/namespaces/${ns}`, { method: 'PUT' });
      expect(res.status).toBe(204);
    }
    await setPolicy('public/dd-off', { active: false, tickTime: 1000 });
    await setPolicy('public/dd-on', { active: true, tickTime: 100 });
    expect(await firstDeliveryMs('persistent://public/dd-off/t')).toBeLessThan(1000);
    expect(await firstDeliveryMs('persistent://public/dd-on/t')).toBeGreaterThanOrEqual(1400);
  });
});
