// The compaction property: for random sequences of keyed writes and tombstones, some batched, some
// sent one by one, spread over two ledgers (the first trimmed after compaction), the compacted view
// a read_compacted reader sees, followed by the live tail, equals the last write per key; a
// TableView agrees; and both still do after the broker restarts on the same data directory.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '@magnetar/client';
import { TopicName } from '@magnetar/protocol';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { adminOf, compact, expectedView, publish, readCompacted, restPath, type Write } from './helpers.js';

const write = fc.record({
  key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
  value: fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 6 }) },
    { weight: 1, arbitrary: fc.constant(null) },
  ),
});
/** A chunk of writes sent through a batching producer (one batch) or one message at a time. */
const chunk = fc.record({ batched: fc.boolean(), writes: fc.array(write, { minLength: 1, maxLength: 8 }) });
const scenario = fc.record({
  before: fc.array(chunk, { minLength: 1, maxLength: 4 }),
  after: fc.array(chunk, { maxLength: 3 }),
  tail: fc.array(write, { maxLength: 4 }),
});

let broker: TestBroker | undefined;
afterAll(() => broker?.destroy());

/** Folds what a reader delivered into the key → value map it describes. */
function fold(messages: [string, string | null][]): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of messages) {
    if (v === null || v === '') m.delete(k);
    else m.set(k, v);
  }
  return m;
}

async function tableViewOf(client: Client, topic: string): Promise<Map<string, string>> {
  const view = await client.createTableView({ topic });
  const out = new Map([...view.entries()].map(([k, v]) => [k, v.toString()] as [string, string]));
  await view.close();
  return out;
}

describe('compaction property', () => {
  it('the compacted view and a TableView equal the last write per key, across a restart', async () => {
    broker = await startTestBroker();
    const checked: { topic: string; expected: Map<string, string> }[] = [];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const b = broker!;
        const a = adminOf(b);
        const client = new Client({ serviceUrl: b.brokerServiceUrl, operationTimeoutSeconds: 10 });
        const topic = `prop-${run++}`;
        try {
          const single = await client.createProducer({ topic, batchingEnabled: false });
          const batching = await client.createProducer({
            topic,
            batchingMaxPublishDelayMs: 60_000,
            batchingMaxMessages: 1000,
          });
          const send = async (chunks: typeof s.before) => {
            for (const c of chunks) await publish(c.batched ? batching : single, c.writes);
          };
          await send(s.before);
          // Unloading starts a new ledger; the first one is trimmed once compaction moved past it.
          expect((await a.put(`${restPath(topic)}/unload`)).status).toBe(204);
          await send(s.after);
          expect(await compact(a, topic)).toEqual({ status: 'SUCCESS', lastError: '' });
          const loaded = await b.broker.getTopic(
            TopicName.parse(`persistent://public/default/${topic}`),
            false,
          );
          await loaded.ledger.trimConsumedLedgers();
          const compacted = [...s.before, ...s.after].flatMap((c) => c.writes);
          const afterCompaction = expectedView(compacted);
          const seen = await readCompacted(client, topic);
          // The compacted part holds exactly one message per live key, in the order of last writes.
          expect(seen).toEqual([...afterCompaction.entries()]);
          await publish(single, s.tail);
          const all: Write[] = [...compacted, ...s.tail];
          const expected = expectedView(all);
          expect(fold(await readCompacted(client, topic))).toEqual(expected);
          expect(await tableViewOf(client, topic)).toEqual(expected);
          checked.push({ topic, expected });
          await single.close();
          await batching.close();
        } finally {
          await client.close();
        }
      }),
      { numRuns: 20 },
    );
    // Everything again from the data directory alone.
    const dir = broker.dataDir;
    await broker.close();
    broker = await startTestBroker({}, dir);
    const client = new Client({ serviceUrl: broker.brokerServiceUrl, operationTimeoutSeconds: 10 });
    try {
      for (const { topic, expected } of checked) {
        expect(fold(await readCompacted(client, topic))).toEqual(expected);
        expect(await tableViewOf(client, topic)).toEqual(expected);
      }
    } finally {
      await client.close();
    }
  }, 120_000);
});
