import { afterEach, describe, expect, it } from 'vitest';
import { CommandType, SubType, TopicName, type Frame } from '@magnetar/protocol';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createProducer, drainMessages, flow, send, subscribe, until } from './raw-helpers.js';

let broker: TestBroker | undefined;
afterEach(async () => {
  await broker?.destroy();
  broker = undefined;
});

const TICK_MS = 1000;
/** Scheduling slack on a loaded machine, on top of the tick. */
const SLACK_MS = 1500;

async function consumerOn(port: number, topic: string, subType: number): Promise<RawClient> {
  const c = await RawClient.connected(port);
  expect((await subscribe(c, { topic, subscription: 's', subType, consumer_id: 1 })).command.type).toBe(
    CommandType.SUCCESS,
  );
  flow(c, 1, 1000);
  return c;
}

describe('delayed delivery (real time)', () => {
  it('Shared: a message for now+1.5 s arrives after 1.5 s and within a tick; Exclusive gets it at once', async () => {
    broker = await startTestBroker({ delayedDeliveryTickTimeMillis: TICK_MS });
    const topic = 'persistent://public/default/delayed-rt';
    const p = await RawClient.connected(broker.port);
    await createProducer(p, topic);
    const shared = await consumerOn(broker.port, topic, SubType.Shared);
    const excl = await RawClient.connected(broker.port);
    expect(
      (await subscribe(excl, { topic, subscription: 'e', subType: SubType.Exclusive, consumer_id: 1 }))
        .command.type,
    ).toBe(CommandType.SUCCESS);
    flow(excl, 1, 1000);
    const deliverAt = Date.now() + 1500;
    await send(p, 'later', { deliver_at_time: deliverAt });
    await send(p, 'now');
    const [e1, e2] = await excl.messages(1, 2, 1000);
    expect([e1, e2].map((f) => f.payload!.payload.toString())).toEqual(['later', 'now']);
    expect(Date.now()).toBeLessThan(deliverAt);
    const [first] = await shared.messages(1, 1, 1000);
    expect(first.payload!.payload.toString()).toBe('now');
    const [late] = await shared.messages(1, 1, 1500 + TICK_MS + SLACK_MS);
    const arrived = Date.now();
    expect(late.payload!.payload.toString()).toBe('later');
    expect(arrived).toBeGreaterThanOrEqual(deliverAt);
    expect(arrived - deliverAt).toBeLessThan(TICK_MS + SLACK_MS);
    for (const c of [p, shared, excl]) c.close();
  });

  it('delayed messages survive a broker restart, spilled buckets included, and come on time after it', async () => {
    const settings = {
      delayedDeliveryTickTimeMillis: 200,
      delayedDeliveryMinIndexCountPerBucket: 100,
      delayedDeliveryMaxIndexesPerBucketSnapshotSegment: 20,
    };
    broker = await startTestBroker(settings);
    const topic = 'persistent://public/default/delayed-restart';
    const p = await RawClient.connected(broker.port);
    await createProducer(p, topic);
    const c = await consumerOn(broker.port, topic, SubType.Shared);
    const N = 250;
    const deliverAt = Date.now() + 4000;
    let last;
    for (let i = 0; i < N; i++) last = await send(p, `d${i}`, { deliver_at_time: deliverAt + (i % 10) });
    const sub = async (b: TestBroker) =>
      (await b.broker.getTopic(TopicName.parse(topic), false)).subscriptions.get('s')!;
    const before = await sub(broker);
    await until(() => before.delayedMessages() === N, 5000, 'every message indexed');
    expect(drainMessages(c, 1)).toEqual([]);
    p.close();
    c.close();
    const dataDir = broker.dataDir;
    await broker.close();
    broker = await startTestBroker(settings, dataDir);
    const c2 = await consumerOn(broker.port, topic, SubType.Shared);
    const after = await sub(broker);
    const tracker = after.delayedTracker!;
    await tracker.whenReady();
    // The index came back from disk: nothing was indexed again (that would double the count).
    expect(tracker.covers(last!)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(after.delayedMessages()).toBe(N);
    expect(tracker.bucketCount).toBeGreaterThanOrEqual(2);
    const got: Frame[] = [];
    let firstAt = 0;
    await until(
      () => {
        got.push(...drainMessages(c2, 1));
        if (got.length > 0 && firstAt === 0) firstAt = Date.now();
        return got.length >= N;
      },
      Math.max(0, deliverAt - Date.now()) + 200 + SLACK_MS + 3000,
      'every delayed message',
    );
    expect(firstAt).toBeGreaterThanOrEqual(deliverAt);
    expect(new Set(got.map((f) => f.payload!.payload.toString())).size).toBe(N);
    c2.close();
  });
});
