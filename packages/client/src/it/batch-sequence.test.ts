import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchingType, Message } from '../index.js';
import { startTestBed, uniqueTopic, type TestBed } from './helpers.js';

let bed: TestBed;

beforeAll(async () => {
  bed = await startTestBed();
  const res = await fetch(`${bed.broker.webServiceUrl}/admin/v2/namespaces/public/default/deduplication`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: 'true',
  });
  expect(res.status).toBeLessThan(300);
});

afterAll(async () => {
  await bed?.destroy();
});

describe.each<BatchingType>(['DEFAULT', 'KEY_BASED'])('batch highest_sequence_id (%s)', (batchingType) => {
  it('lets a new producer of the same name continue after the last message of the last batch', async () => {
    const topic = uniqueTopic(`hseq-${batchingType.toLowerCase()}`);
    const consumer = await bed.client.subscribe({
      topic,
      subscription: 's',
      subscriptionInitialPosition: 'Earliest',
    });
    const opts = {
      topic,
      producerName: `p-${batchingType}`,
      batchingType,
      batchingMaxMessages: batchingType === 'KEY_BASED' ? 10 : 5,
      batchingMaxPublishDelayMs: 60_000,
    };
    const first = await bed.client.createProducer(opts);
    // Two batches: 0..4 and 5..9 (by key for KEY_BASED, by count for DEFAULT).
    const sent = Array.from({ length: 10 }, (_, i) =>
      first.sendAsync({ data: Buffer.from(`m${i}`), partitionKey: i < 5 ? 'a' : 'b' }),
    );
    const ids = await Promise.all(sent);
    expect(new Set(ids.map((id) => `${id.ledgerId}:${id.entryId}`)).size).toBe(2);
    expect(ids.every((id) => id.ledgerId >= 0)).toBe(true);
    expect(first.getLastSequenceId()).toBe(9);
    await first.close();

    // PRODUCER_SUCCESS.last_sequence_id is what deduplication recorded: the last batch's highest id.
    const second = await bed.client.createProducer(opts);
    expect(second.getLastSequenceId()).toBe(9);
    const next = second.sendAsync({ data: Buffer.from('m10'), partitionKey: 'c' });
    await second.flush();
    expect((await next).ledgerId).toBeGreaterThanOrEqual(0);
    expect(second.getLastSequenceId()).toBe(10);
    await second.close();

    const got: Message[] = [];
    for (let i = 0; i < 11; i++) got.push(await consumer.receive(5000));
    expect(got.map((m) => m.getData().toString())).toEqual(Array.from({ length: 11 }, (_, i) => `m${i}`));
    await consumer.close();
  });
});
