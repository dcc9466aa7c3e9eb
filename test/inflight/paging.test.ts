// Paging at scale: 100,000 small messages (batched by the client to keep the test fast) sit
// delivered and unacknowledged at one consumer with a large receiver queue; walking the listing
// with limit=1000 must show every pending entry exactly once, and the batch sizes must add up.
import { Client } from '@magnetar/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { eventually, inflightApi } from './helpers.js';

const MESSAGES = 100_000;
/** Messages per batch entry: 10,000 entries, so the walk spans ten pages of 1000. */
const BATCH = 10;

let broker: TestBroker;
let client: Client;

beforeAll(async () => {
  // The per-consumer and per-subscription unacked limits would stop dispatch long before 100,000.
  broker = await startTestBroker({ maxUnackedMessagesPerConsumer: 0, maxUnackedMessagesPerSubscription: 0 });
  client = new Client({ serviceUrl: broker.brokerServiceUrl });
});
afterAll(async () => {
  await client?.close();
  await broker?.destroy();
});

describe('in-flight paging', () => {
  it(
    'lists 100,000 pending messages page by page, each entry exactly once',
    { timeout: 60_000 },
    async () => {
      const topic = 'inflight-paging';
      const consumer = await client.subscribe({
        topic,
        subscription: 'hoard',
        subscriptionType: 'Shared',
        consumerName: 'hoarder',
        receiverQueueSize: MESSAGES,
      });
      const producer = await client.createProducer({
        topic,
        batchingEnabled: true,
        batchingMaxMessages: BATCH,
        batchingMaxPublishDelayMs: 1000,
        maxPendingMessages: MESSAGES,
      });
      const small = Buffer.from('x');
      const ids = await Promise.all(Array.from({ length: MESSAGES }, () => producer.send({ data: small })));
      const entries = new Set(ids.map((id) => `${id.ledgerId}:${id.entryId}`));

      const listing = inflightApi(broker.webServiceUrl, topic, 'hoard');
      await eventually(async () => expect((await listing.page('?limit=1')).total).toBe(entries.size), 20_000);

      const started = Date.now();
      const seen: string[] = [];
      let messages = 0;
      let cursor = '';
      let pages = 0;
      for (;;) {
        const page = await listing.page(`?limit=1000${cursor}`);
        pages++;
        expect(page.total).toBe(entries.size);
        expect(page.returned).toBe(page.entries.length);
        for (const e of page.entries) {
          seen.push(e.messageId);
          messages += e.batchSize;
          expect(e.consumerName).toBe('hoarder');
        }
        if (page.nextCursor === null) break;
        cursor = `&cursor=${page.nextCursor}`;
      }
      const walkMs = Date.now() - started;

      expect(new Set(seen).size).toBe(seen.length);
      expect(new Set(seen)).toEqual(entries);
      expect(messages).toBe(MESSAGES);
      expect(pages).toBe(Math.ceil(entries.size / 1000));
      // Each page is one pass over the pending entries, not a sort of them all.
      expect(walkMs).toBeLessThan(10_000);

      await producer.close();
      await consumer.close();
    },
  );
});
