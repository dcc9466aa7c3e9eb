import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandType } from '@magnetar/protocol';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient, createProducer, receipt, send } from '../policies/helpers.js';

// Broker-wide publish throttling (brokerPublisherThrottlingMaxMessageRate / MaxByteRate). Measured
// on the real clock with the bounds test/policies/rates.test.ts explains: N messages at R per
// one-second period cross at least N / R - 1 period boundaries, so they take more than
// (N / R - 2) seconds however the first period is cut. Only the lower bound is tight.

/** Sends `n` messages alternately on two connections (each after the previous receipt); ms taken. */
async function sendAlternately(a: RawClient, b: RawClient, n: number, body: string): Promise<number> {
  const start = Date.now();
  for (let i = 0; i < n; i++) {
    const c = i % 2 === 0 ? a : b;
    send(c, 1, i, body);
    expect((await receipt(c, 1, i, 10_000)).command.type).toBe(CommandType.SEND_RECEIPT);
  }
  return Date.now() - start;
}

async function producersOnTwoTopics(b: TestBroker, name: string): Promise<[RawClient, RawClient]> {
  const one = await RawClient.connected(b.port);
  const two = await RawClient.connected(b.port);
  expect((await createProducer(one, `persistent://public/default/${name}-1`, 1)).command.type).toBe(
    CommandType.PRODUCER_SUCCESS,
  );
  expect((await createProducer(two, `persistent://public/default/${name}-2`, 1)).command.type).toBe(
    CommandType.PRODUCER_SUCCESS,
  );
  return [one, two];
}

describe('broker-wide publish throttling', () => {
  describe('by messages', () => {
    let b: TestBroker;
    beforeAll(async () => {
      b = await startTestBroker({ brokerPublisherThrottlingMaxMessageRate: 10 });
    });
    afterAll(async () => {
      await b.destroy();
    });

    it('holds two connections on two topics to one shared budget, without failing a send', async () => {
      const [one, two] = await producersOnTwoTopics(b, 'msgs');
      const took = await sendAlternately(one, two, 40, 'x');
      // Each topic alone stays at 20 messages; only a shared budget of 10/s makes 40 take > 2 s.
      expect(took).toBeGreaterThanOrEqual(2000);
      expect(took).toBeLessThan(15_000);
      one.close();
      two.close();
    });
  });

  describe('by bytes', () => {
    let b: TestBroker;
    beforeAll(async () => {
      b = await startTestBroker({ brokerPublisherThrottlingMaxByteRate: 10 * 1024 });
    });
    afterAll(async () => {
      await b.destroy();
    });

    it('counts the bytes of every topic', async () => {
      const [one, two] = await producersOnTwoTopics(b, 'bytes');
      // 40 messages of 1 KiB at 10 KiB/s: the same arithmetic as above.
      const took = await sendAlternately(one, two, 40, 'y'.repeat(1024));
      expect(took).toBeGreaterThanOrEqual(2000);
      expect(took).toBeLessThan(15_000);
      one.close();
      two.close();
    });
  });

  describe('off by default', () => {
    let b: TestBroker;
    beforeAll(async () => {
      b = await startTestBroker();
    });
    afterAll(async () => {
      await b.destroy();
    });

    it('does not slow publishing', async () => {
      const [one, two] = await producersOnTwoTopics(b, 'free');
      expect(await sendAlternately(one, two, 40, 'z')).toBeLessThan(2000);
      one.close();
      two.close();
    });
  });
});
