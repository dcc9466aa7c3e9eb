import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandType } from '@magnetar/protocol';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import {
  RawClient,
  createProducer,
  eventually,
  loaded,
  namespaceWith,
  receipt,
  send,
  subscribe,
} from './helpers.js';

// Measured on the real clock over a few seconds, with generous bounds: periods are aligned to the
// clock's whole seconds, so N messages at R per period cross at least N / R - 1 period boundaries
// and take more than (N / R - 2) seconds, however the first period is cut.
let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => {
  await b.destroy();
});

/** Sends `n` messages one after the other (each after the previous receipt); resolves with the ms taken. */
async function sendSequentially(c: RawClient, from: number, n: number): Promise<number> {
  const start = Date.now();
  for (let i = from; i < from + n; i++) {
    send(c, 1, i, `m${i}`);
    expect((await receipt(c, 1, i, 10_000)).command.type).toBe(CommandType.SEND_RECEIPT);
  }
  return Date.now() - start;
}

describe('rate limits', () => {
  it('publish rate: reading from the producer pauses for the rest of the period; lifting it applies at once', async () => {
    const cluster = b.policies.clusterName;
    await namespaceWith(b, 'public/rate-pub', (p) => {
      p.publishMaxMessageRate[cluster] = { publishThrottlingRateInMsg: 10, publishThrottlingRateInByte: -1 };
    });
    const topic = 'persistent://public/rate-pub/t';
    const c = await RawClient.connected(b.port);
    expect((await createProducer(c, topic, 1)).command.type).toBe(CommandType.PRODUCER_SUCCESS);
    const throttled = await sendSequentially(c, 0, 40);
    expect(throttled).toBeGreaterThanOrEqual(2000);
    expect(throttled).toBeLessThan(15_000);

    await b.resources.namespaces.update('public/rate-pub', (p) => {
      delete p.publishMaxMessageRate[cluster];
    });
    await eventually(() => loaded(b, topic).policy.effective?.publishRate === null);
    // Let a pause from the last period run out before measuring.
    await new Promise((r) => setTimeout(r, 1100));
    expect(await sendSequentially(c, 40, 30)).toBeLessThan(1500);
    c.close();
  });

  it('dispatch rate: a topic delivers at most its rate per period', async () => {
    const cluster = b.policies.clusterName;
    await namespaceWith(b, 'public/rate-disp', (p) => {
      p.topicDispatchRate[cluster] = {
        dispatchThrottlingRateInMsg: 10,
        dispatchThrottlingRateInByte: -1,
        relativeToPublishRate: false,
        ratePeriodInSecond: 1,
      };
    });
    const topic = 'persistent://public/rate-disp/t';
    const c = await RawClient.connected(b.port);
    expect((await subscribe(c, topic, 'sub', 1)).command.type).toBe(CommandType.SUCCESS);
    await createProducer(c, topic, 1);
    for (let i = 0; i < 40; i++) send(c, 1, i, `m${i}`);
    await receipt(c, 1, 39);
    const start = Date.now();
    c.send({ type: CommandType.FLOW, flow: { consumer_id: 1, messagePermits: 1000 } });
    await c.messages(1, 40, 15_000);
    const took = Date.now() - start;
    expect(took).toBeGreaterThanOrEqual(2000);
    expect(took).toBeLessThan(15_000);
    c.close();
  });
});
