import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchingType, Message } from '../index.js';
import { startTestBed, uniqueTopic, type TestBed } from './helpers.js';

let bed: TestBed;

beforeAll(async () => {
  bed = await startTestBed();
});

afterAll(async () => {
  await bed?.destroy();
});

const KEYS = ['k0', 'k1', 'k2', 'k3'];

/** Publishes `n` messages round-robin over KEYS, all at once so that they batch. */
async function publishKeyed(topic: string, n: number, batchingType: BatchingType): Promise<void> {
  const producer = await bed.client.createProducer({ topic, batchingType, batchingMaxPublishDelayMs: 50 });
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      producer.send({ data: Buffer.from(String(i)), partitionKey: KEYS[i % KEYS.length] }),
    ),
  );
  await producer.close();
}

async function receiveAll(topic: string, n: number): Promise<Message[]> {
  const consumer = await bed.client.subscribe({
    topic,
    subscription: 's',
    subscriptionInitialPosition: 'Earliest',
  });
  const out: Message[] = [];
  for (let i = 0; i < n; i++) {
    const m = await consumer.receive(5000);
    out.push(m);
    await consumer.acknowledge(m);
  }
  await consumer.close();
  return out;
}

/** The keys found in each stored entry. */
function keysPerEntry(msgs: Message[]): Map<string, Set<string>> {
  const entries = new Map<string, Set<string>>();
  for (const m of msgs) {
    const e = m.getMessageId().entryKey();
    if (!entries.has(e)) entries.set(e, new Set());
    entries.get(e)!.add(m.getPartitionKey()!);
  }
  return entries;
}

describe('key-based batching', () => {
  it('puts only one key in each batch, keeping per-key order', async () => {
    const topic = uniqueTopic('keybatch');
    await publishKeyed(topic, 40, 'KEY_BASED');
    const msgs = await receiveAll(topic, 40);
    const entries = keysPerEntry(msgs);
    expect([...entries.values()].every((keys) => keys.size === 1)).toBe(true);
    expect(entries.size).toBeLessThan(40); // batches were formed
    for (const k of KEYS) {
      const seq = msgs.filter((m) => m.getPartitionKey() === k).map((m) => Number(m.getData().toString()));
      expect(seq).toEqual([...seq].sort((a, b) => a - b));
      expect(seq).toHaveLength(10);
    }
  });

  it('(contrast) mixes keys in a batch with DEFAULT batching', async () => {
    const topic = uniqueTopic('defaultbatch');
    await publishKeyed(topic, 40, 'DEFAULT');
    const entries = keysPerEntry(await receiveAll(topic, 40));
    expect([...entries.values()].some((keys) => keys.size > 1)).toBe(true);
  });
});

describe('key-based batching with Key_Shared', () => {
  it('hands every key to one consumer only, in order, when each batch holds one key', async () => {
    const topic = uniqueTopic('keyshared');
    const keys = Array.from({ length: 16 }, (_, i) => `key-${i}`);
    const opts = { topic, subscription: 'ks', subscriptionType: 'KeyShared' as const };
    // Fixed consumer names make the broker's hash ranges, and so this test, deterministic.
    const consumers = [
      await bed.client.subscribe({ ...opts, consumerName: 'ks-1' }),
      await bed.client.subscribe({ ...opts, consumerName: 'ks-2' }),
    ];
    const producer = await bed.client.createProducer({
      topic,
      batchingType: 'KEY_BASED',
      batchingMaxPublishDelayMs: 50,
    });
    const n = 160;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        producer.send({ data: Buffer.from(String(i)), partitionKey: keys[i % keys.length] }),
      ),
    );
    const owner = new Map<string, number>();
    const order = new Map<string, number[]>();
    let received = 0;
    await Promise.all(
      consumers.map(async (c, ci) => {
        for (;;) {
          const m = await c.receive(1000).catch(() => undefined);
          if (!m) return;
          received++;
          const k = m.getPartitionKey()!;
          expect(owner.get(k) ?? ci).toBe(ci);
          owner.set(k, ci);
          order.set(k, [...(order.get(k) ?? []), Number(m.getData().toString())]);
          await c.acknowledge(m);
        }
      }),
    );
    expect(received).toBe(n);
    expect(new Set(owner.values()).size).toBe(2);
    for (const seq of order.values()) expect(seq).toEqual([...seq].sort((a, b) => a - b));
    await Promise.all([...consumers.map((c) => c.close()), producer.close()]);
  });
});

describe('processByKey', () => {
  it('runs keys concurrently, each key in order, and acknowledges what it processed', async () => {
    const topic = uniqueTopic('bykey');
    const opts = { topic, subscription: 'work', subscriptionType: 'Shared' as const };
    const consumer = await bed.client.subscribe(opts);
    await publishKeyed(topic, 60, 'KEY_BASED');
    const perKey = new Map<string, number[]>();
    let running = 0;
    let maxRunning = 0;
    let done = 0;
    const processing = consumer.processByKey(
      async (m) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 5 + (Number(m.getData().toString()) % 3) * 5));
        const k = m.getPartitionKey()!;
        perKey.set(k, [...(perKey.get(k) ?? []), Number(m.getData().toString())]);
        running--;
        done++;
      },
      { concurrency: 4 },
    );
    await expect.poll(() => done, { timeout: 10_000 }).toBe(60);
    await processing.stop();
    expect(maxRunning).toBeGreaterThan(1);
    expect(maxRunning).toBeLessThanOrEqual(4);
    for (const k of KEYS) {
      const seq = perKey.get(k)!;
      expect(seq).toHaveLength(15);
      expect(seq).toEqual([...seq].sort((a, b) => a - b));
    }
    await consumer.close();
    const again = await bed.client.subscribe(opts);
    await expect(again.receive(500)).rejects.toMatchObject({ code: 'TIMEOUT' });
    await again.close();
  });
});
