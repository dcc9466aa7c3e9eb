// `magnetar admin topics inflight` and `key-shared-owners` as users run them: the built CLI as a
// child process against a live broker on 127.0.0.1, checked by output and exit status.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, type Consumer } from '@magnetar/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { eventually, inflightApi, type Page } from './helpers.js';

const BIN = fileURLToPath(new URL('../../packages/cli/bin/magnetar.js', import.meta.url));
const DIST = fileURLToPath(new URL('../../packages/cli/dist/admin/inflight.js', import.meta.url));

let broker: TestBroker;
let client: Client;
const consumers: Consumer[] = [];

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first`);
  broker = await startTestBroker();
  client = new Client({ serviceUrl: broker.brokerServiceUrl });
  // Five keyed messages held by a Shared consumer, five by a Key_Shared one on another topic.
  for (const [topic, type] of [
    ['cli-inflight', 'Shared'],
    ['cli-owners', 'KeyShared'],
  ] as const) {
    consumers.push(
      await client.subscribe({ topic, subscription: 's', subscriptionType: type, consumerName: `${type}-1` }),
    );
    const p = await client.createProducer({ topic, batchingEnabled: false });
    for (let i = 0; i < 5; i++) {
      await p.send({
        data: Buffer.from(`m${i}`),
        partitionKey: `k${i % 2}`,
        properties: { 'magnetar.priority': '7' },
      });
    }
    await p.close();
    await eventually(async () =>
      expect((await inflightApi(broker.webServiceUrl, topic, 's').page()).total).toBe(5),
    );
  }
});
afterAll(async () => {
  for (const c of consumers) await c.close();
  await client?.close();
  await broker?.destroy();
});

function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MAGNETAR_')));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'admin', '--admin-url', broker.webServiceUrl, ...args],
      { env, timeout: 20_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

async function ok(...args: string[]): Promise<string> {
  const r = await admin(...args);
  expect(r, `magnetar admin ${args.join(' ')}`).toMatchObject({ code: 0, stderr: '' });
  return r.stdout;
}

describe('magnetar admin topics inflight (process)', () => {
  it('prints a table, pages with --limit and follows every page with --all', async () => {
    const table = await ok('topics', 'inflight', 'cli-inflight', '-s', 's');
    expect(table).toMatch(/^messageId +consumer +age +redeliveries +batch +priority +key\n/);
    expect(table.match(/^\d+:\d+ +Shared-1 +\S+ +0 +1 +7 +k[01]$/gm)).toHaveLength(5);
    expect(table).toMatch(/^5 of 5 entries$/m);

    const first = JSON.parse(
      await ok('topics', 'inflight', 'cli-inflight', '-s', 's', '--limit', '2', '--json'),
    ) as Page;
    expect(first).toMatchObject({ total: 5, returned: 2 });
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(await ok('topics', 'inflight', 'cli-inflight', '-s', 's', '--limit', '2')).toMatch(
      new RegExp(`^2 of 5 entries; next page: --cursor ${first.nextCursor}$`, 'm'),
    );
    const rest = JSON.parse(
      await ok(
        '--json',
        'topics',
        'inflight',
        'cli-inflight',
        '-s',
        's',
        '--limit',
        '2',
        '--cursor',
        first.nextCursor!,
      ),
    ) as Page;
    expect(rest.entries.map((e) => e.messageId)).not.toContain(first.entries[0]!.messageId);

    const all = JSON.parse(
      await ok('--json', 'topics', 'inflight', 'cli-inflight', '-s', 's', '--limit', '2', '--all'),
    ) as Page;
    expect(all).toMatchObject({ total: 5, returned: 5, nextCursor: null });
    expect(new Set(all.entries.map((e) => e.messageId)).size).toBe(5);

    const k1 = JSON.parse(
      await ok('--json', 'topics', 'inflight', 'cli-inflight', '-s', 's', '--key', 'k1'),
    ) as Page;
    expect(k1.entries.map((e) => e.key)).toEqual(['k1', 'k1']);
    const none = JSON.parse(
      await ok(
        '--json',
        'topics',
        'inflight',
        'cli-inflight',
        '-s',
        's',
        '--consumer',
        'nobody',
        '--min-age',
        '1m',
      ),
    ) as Page;
    expect(none).toMatchObject({ total: 0, entries: [] });
  });

  it('reports a bad flag and an unknown subscription as errors', async () => {
    expect(await admin('topics', 'inflight', 'cli-inflight', '-s', 's', '--min-age', 'soon')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/invalid age|invalid time/),
    });
    expect(await admin('topics', 'inflight', 'cli-inflight', '-s', 'missing')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error: .*Subscription missing not found/),
    });
  });

  it('key-shared-owners shows each consumer’s hash ranges', async () => {
    const out = await ok('topics', 'key-shared-owners', 'cli-owners', '-s', 's');
    expect(out).toMatch(/^mode AUTO_SPLIT\nconsumer +id +unacked +hashRanges +draining \(slot:pending\)\n/);
    expect(out).toMatch(/^KeyShared-1 +\d+ +5 +[\d,-]+ +-$/m);
    const json = JSON.parse(await ok('--json', 'topics', 'key-shared-owners', 'cli-owners', '-s', 's')) as {
      consumers: { consumerName: string; hashRanges: [number, number][] }[];
    };
    expect(json.consumers).toEqual([expect.objectContaining({ consumerName: 'KeyShared-1' })]);
    expect(json.consumers[0]!.hashRanges.length).toBeGreaterThan(0);
    expect(await admin('topics', 'key-shared-owners', 'cli-inflight', '-s', 's')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/not a Key_Shared subscription/),
    });
  });
});
