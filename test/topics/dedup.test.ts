import { afterEach, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { CommandType, TopicName } from '@magnetar/protocol';
import { Client } from '@magnetar/client';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { api } from '../admin/http.js';
import { openProducer, readAll, receipt, sendAndWait, sendRaw } from './helpers.js';

const brokers: TestBroker[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const b of brokers.splice(0)) await b.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function broker(overrides = {}, dataDir?: string): Promise<TestBroker> {
  const b = await startTestBroker({ brokerDeduplicationEnabled: true, ...overrides }, dataDir);
  brokers.push(b);
  if (!dirs.includes(b.dataDir)) dirs.push(b.dataDir);
  return b;
}

const isDuplicateReceipt = (f: {
  command: { type: number; send_receipt?: { message_id?: { ledgerId: number; entryId: number } } };
}) =>
  f.command.type === CommandType.SEND_RECEIPT &&
  f.command.send_receipt!.message_id!.ledgerId === -1 &&
  f.command.send_receipt!.message_id!.entryId === -1;

describe('message deduplication', () => {
  it('answers a resent message with -1:-1 and stores it once', async () => {
    const b = await broker();
    const topic = 'persistent://public/default/dedup-resend';
    const c = await RawClient.connected(b.port);
    expect((await openProducer(c, topic, 1, 'p1')).command.type).toBe(CommandType.PRODUCER_SUCCESS);
    for (let i = 0; i < 10; i++) await sendAndWait(c, 1, 'p1', i, `m-${i}`);
    for (let i = 0; i < 10; i++) sendRaw(c, 1, 'p1', i, `again-${i}`);
    for (let i = 0; i < 10; i++) expect(isDuplicateReceipt(await receipt(c, 1, i))).toBe(true);
    // A new sequence id is stored again.
    expect((await sendAndWait(c, 1, 'p1', 10, 'm-10')).ledgerId).toBeGreaterThanOrEqual(0);
    c.close();
    expect(await readAll(b.port, topic, 11)).toEqual(Array.from({ length: 11 }, (_, i) => `m-${i}`));
  });

  it('recognises a copy sent while the first is still being written, and answers in SEND order', async () => {
    const b = await broker();
    const topic = 'persistent://public/default/dedup-inflight';
    const c = await RawClient.connected(b.port);
    await openProducer(c, topic, 1, 'p1');
    // Both copies leave before the broker can have stored the first (one write and fsync later).
    for (let i = 0; i < 20; i++) {
      sendRaw(c, 1, 'p1', i, `m-${i}`);
      sendRaw(c, 1, 'p1', i, `copy-${i}`);
    }
    const order: boolean[] = [];
    for (let n = 0; n < 40; n++) {
      const f = await c.next((x) => x.command.type === CommandType.SEND_RECEIPT, 10_000);
      expect(f.command.send_receipt!.sequence_id).toBe(Math.floor(n / 2));
      order.push(isDuplicateReceipt(f));
    }
    expect(order).toEqual(Array.from({ length: 40 }, (_, n) => n % 2 === 1));
    c.close();
    expect(await readAll(b.port, topic, 20)).toEqual(Array.from({ length: 20 }, (_, i) => `m-${i}`));
  });

  it('treats a batch by its highest sequence id', async () => {
    const b = await broker();
    const topic = 'persistent://public/default/dedup-batch';
    const c = await RawClient.connected(b.port);
    await openProducer(c, topic, 1, 'p1');
    sendRaw(c, 1, 'p1', 0, 'batch-0-4', 4);
    expect(isDuplicateReceipt(await receipt(c, 1, 0))).toBe(false);
    // Any message inside the stored batch is a duplicate; the next one is not.
    sendRaw(c, 1, 'p1', 3, 'inside');
    expect(isDuplicateReceipt(await receipt(c, 1, 3))).toBe(true);
    expect((await sendAndWait(c, 1, 'p1', 5, 'after')).entryId).toBeGreaterThanOrEqual(0);
    c.close();
  });

  it('returns the last stored sequence id to a producer that comes back, also after a restart', async () => {
    const b = await broker();
    const topic = 'persistent://public/default/dedup-last-seq';
    const c = await RawClient.connected(b.port);
    const first = await openProducer(c, topic, 1, 'p1');
    expect(first.command.producer_success!.last_sequence_id).toBe(-1);
    for (let i = 0; i < 7; i++) await sendAndWait(c, 1, 'p1', i, `m-${i}`);
    c.close();
    const d = await RawClient.connected(b.port);
    // The broker notices the first connection's end; until then the name is busy (ProducerBusy).
    let again = await openProducer(d, topic, 1, 'p1');
    for (let tries = 0; again.command.type !== CommandType.PRODUCER_SUCCESS && tries < 50; tries++) {
      await new Promise((r) => setTimeout(r, 50));
      again = await openProducer(d, topic, 1, 'p1');
    }
    expect(again.command.producer_success!.last_sequence_id).toBe(6);
    const other = await openProducer(d, topic, 2, 'p2');
    expect(other.command.producer_success!.last_sequence_id).toBe(-1);
    d.close();

    const dataDir = b.dataDir;
    await b.close();
    brokers.splice(brokers.indexOf(b), 1);
    const b2 = await broker({}, dataDir);
    const e = await RawClient.connected(b2.port);
    expect((await openProducer(e, topic, 1, 'p1')).command.producer_success!.last_sequence_id).toBe(6);
    sendRaw(e, 1, 'p1', 6, 'again');
    expect(isDuplicateReceipt(await receipt(e, 1, 6))).toBe(true);
    e.close();
    expect(await readAll(b2.port, topic, 7)).toHaveLength(7);
  });

  it('follows the namespace policy: on and off at runtime, off removes the dedup cursor', async () => {
    const b = await broker({ brokerDeduplicationEnabled: false });
    const admin = api(b.webServiceUrl);
    const topic = 'persistent://public/default/dedup-policy';
    const c = await RawClient.connected(b.port);
    await openProducer(c, topic, 1, 'p1');
    await sendAndWait(c, 1, 'p1', 0, 'a');
    sendRaw(c, 1, 'p1', 0, 'a-again');
    expect(isDuplicateReceipt(await receipt(c, 1, 0))).toBe(false);

    expect((await admin.post('/namespaces/public/default/deduplication', true)).status).toBe(204);
    const loaded = await b.broker.getTopic(TopicName.parse(topic), false);
    await waitFor(() => loaded.dedup.enabled);
    await sendAndWait(c, 1, 'p1', 1, 'b');
    sendRaw(c, 1, 'p1', 1, 'b-again');
    expect(isDuplicateReceipt(await receipt(c, 1, 1))).toBe(true);

    expect((await admin.post('/namespaces/public/default/deduplication', false)).status).toBe(204);
    await waitFor(() => !loaded.dedup.enabled && !loaded.ledger.cursors().has('pulsar.dedup'));
    sendRaw(c, 1, 'p1', 1, 'b-third');
    expect(isDuplicateReceipt(await receipt(c, 1, 1))).toBe(false);
    c.close();
    // The dedup cursor never shows as a subscription.
    expect([...loaded.subscriptions.keys()]).not.toContain('pulsar.dedup');
  });

  it('lets a @magnetar/client producer that comes back under its name continue after the stored ids', async () => {
    const b = await broker();
    const topic = 'persistent://public/default/dedup-client';
    const client = new Client({ serviceUrl: b.brokerServiceUrl, operationTimeoutSeconds: 10 });
    try {
      for (const round of [0, 1]) {
        const producer = await client.createProducer({ topic, producerName: 'cp', batchingEnabled: false });
        for (let i = 0; i < 5; i++) await producer.send({ data: Buffer.from(`r${round}-${i}`) });
        await producer.close();
      }
    } finally {
      await client.close();
    }
    // Without last_sequence_id the second producer would reuse ids 0..4 and be dropped as duplicates.
    expect(await readAll(b.port, topic, 10)).toEqual(
      [0, 1].flatMap((r) => [0, 1, 2, 3, 4].map((i) => `r${r}-${i}`)),
    );
  });

  it('does not deduplicate non-persistent topics (nothing is stored to compare with)', async () => {
    const b = await broker();
    const c = await RawClient.connected(b.port);
    await openProducer(c, 'non-persistent://public/default/dedup-np', 1, 'p1');
    sendRaw(c, 1, 'p1', 0, 'x');
    sendRaw(c, 1, 'p1', 0, 'x');
    expect(isDuplicateReceipt(await receipt(c, 1, 0))).toBe(false);
    expect(isDuplicateReceipt(await receipt(c, 1, 0))).toBe(false);
    c.close();
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
