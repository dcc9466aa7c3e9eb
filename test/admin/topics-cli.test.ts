// `magnetar admin topics ...` as users run it: the built CLI as a child process against a live
// broker on 127.0.0.1, checked by its output (tables, --json) and exit status.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CompressionType } from '@magnetar/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import type { RawClient } from '../helpers/raw-client.js';
import { api, type Api } from './http.js';
import { rawProducer, send, sendBatch } from './topics-helpers.js';

const BIN = fileURLToPath(new URL('../../packages/cli/bin/magnetar.js', import.meta.url));
const DIST = fileURLToPath(new URL('../../packages/cli/dist/admin/topics.js', import.meta.url));

let broker: TestBroker;
let a: Api;
const clients: RawClient[] = [];

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first`);
  broker = await startTestBroker();
  a = api(broker.webServiceUrl);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await broker?.destroy();
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function admin(...args: string[]): Promise<Result> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MAGNETAR_')));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'admin', '--admin-url', broker.webServiceUrl, ...args],
      { env, timeout: 20_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function ok(...args: string[]): Promise<string> {
  const r = await admin(...args);
  expect(r, `magnetar admin ${args.join(' ')}`).toMatchObject({ code: 0, stderr: '' });
  return r.stdout;
}

describe('magnetar admin topics (process)', () => {
  it('create, list, subscriptions, stats, stats-internal, last-message-id, delete', async () => {
    await ok('topics', 'create', 'persistent://public/default/cli-a');
    await ok('topics', 'create', 'cli-b');
    expect(await ok('topics', 'list', 'public/default')).toMatch(
      /^persistent:\/\/public\/default\/cli-a\npersistent:\/\/public\/default\/cli-b\n/,
    );
    const p = await rawProducer(broker.port, 'persistent://public/default/cli-a');
    clients.push(p);
    await ok('topics', 'create-subscription', 'cli-a', '-s', 'audit', '-m', 'earliest');
    const id = await send(p, 'hello');
    expect(await ok('topics', 'subscriptions', 'public/default/cli-a')).toBe('audit\n');

    const stats = await ok('topics', 'stats', 'cli-a');
    expect(stats).toMatch(/^msgInCounter +1$/m);
    expect(stats).toMatch(
      /^subscriptions\nname +type +backlog +delayed +unacked +consumers +msgRateOut +active\n/m,
    );
    expect(stats).toMatch(/^audit +Exclusive +1 +0 +0 +0 +0 +-$/m);
    expect(stats).toMatch(/^publishers\n/m);
    expect(JSON.parse(await ok('--json', 'topics', 'stats', 'cli-a'))).toMatchObject({
      msgInCounter: 1,
      subscriptions: { audit: { msgBacklog: 1 } },
    });
    const internal = await ok('topics', 'stats-internal', 'cli-a');
    expect(internal).toMatch(new RegExp(`^lastConfirmedEntry +${id}$`, 'm'));
    expect(internal).toMatch(/^cursors\ncursor +markDeletePosition/m);
    expect(await ok('topics', 'last-message-id', 'cli-a')).toBe(`${id}\n`);
    expect(JSON.parse(await ok('topics', 'last-message-id', 'cli-a', '--json'))).toMatchObject({
      partitionIndex: -1,
    });

    const busy = await admin('topics', 'delete', 'cli-a');
    expect(busy).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: Topic has active producers/subscriptions (HTTP 412)\n',
    });
    await ok('topics', 'delete', 'cli-a', '--force');
    await ok('topics', 'delete', 'cli-b');
    expect(await ok('topics', 'list', 'public/default')).not.toMatch(/cli-[ab]/);
  });

  it('peek-messages splits batches (compressed too) and prints text or JSON', async () => {
    const topic = 'persistent://public/default/cli-peek';
    const p = await rawProducer(broker.port, topic);
    clients.push(p);
    await ok('topics', 'create-subscription', topic, '-s', 's', '-m', 'earliest');
    const single = await send(p, 'plain', { properties: [{ key: 'color', value: 'blue' }] });
    const batch = await sendBatch(p, ['one', 'two', 'three'], CompressionType.LZ4);

    const out = await ok('topics', 'peek-messages', topic, '-s', 's', '-n', '3');
    const blocks = out.trimEnd().split('\n\n');
    expect(blocks).toHaveLength(3);
    const block = (id: string, props: string, payload: string) =>
      new RegExp(
        `^${id}\nPublish time: \\d{4}-\\d\\d-\\d\\dT[^\n]+Z\nProperties: ${props}\nPayload: ${payload}$`,
      );
    expect(blocks[0]).toMatch(block(`Message ID: ${single}`, 'color=blue', 'plain'));
    expect(blocks[1]).toMatch(block(`Batch Message ID: ${batch}:0`, 'index=0', 'one'));
    expect(blocks[2]).toMatch(block(`Batch Message ID: ${batch}:1`, 'index=1', 'two'));

    const json = JSON.parse(await ok('--json', 'topics', 'peek-messages', topic, '-s', 's', '-n', '10')) as {
      messageId: string;
      batchIndex?: number;
      payload: string;
    }[];
    expect(json.map((m) => [m.messageId, m.batchIndex, m.payload])).toEqual([
      [single, undefined, 'plain'],
      [batch, 0, 'one'],
      [batch, 1, 'two'],
      [batch, 2, 'three'],
    ]);
    const none = await admin('topics', 'peek-messages', topic, '-s', 'missing');
    expect(none).toMatchObject({
      code: 1,
      stderr: `error: Subscription missing not found for topic ${topic} (HTTP 404)\n`,
    });
  });

  it('reset-cursor, skip, clear-backlog, expire-messages, unsubscribe, terminate, unload', async () => {
    const topic = 'persistent://public/default/cli-cursor';
    const p = await rawProducer(broker.port, topic);
    clients.push(p);
    await ok('topics', 'create-subscription', topic, '-s', 's', '-m', 'earliest');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await send(p, `m${i}`, { publish_time: Date.now() - 7_200_000 }));
    // The effect of each verb is read over HTTP, which is quicker than another CLI process.
    const backlog = async () =>
      (
        (await a.get('/persistent/public/default/cli-cursor/stats')).body as {
          subscriptions: { s: { msgBacklog: number } };
        }
      ).subscriptions.s.msgBacklog;

    await ok('topics', 'skip', topic, '-s', 's', '-n', '1');
    expect(await backlog()).toBe(3);
    await ok('topics', 'reset-cursor', topic, '-s', 's', '-m', ids[0]!);
    expect(await backlog()).toBe(4);
    await ok('topics', 'reset-cursor', topic, '-s', 's', '-m', ids[0]!, '-e');
    expect(await backlog()).toBe(3);
    await ok('topics', 'clear-backlog', topic, '-s', 's');
    expect(await backlog()).toBe(0);
    await ok('topics', 'reset-cursor', topic, '-s', 's', '-t', '3h');
    expect(await backlog()).toBe(4);
    await ok('topics', 'expire-messages', topic, '-s', 's', '-t', '1h');
    expect(await backlog()).toBe(0);
    await ok('topics', 'reset-cursor', topic, '-s', 's', '-t', '3h');
    await ok('topics', 'expire-messages-all-subscriptions', topic, '-t', '3600');
    expect(await backlog()).toBe(0);
    const neither = await admin('topics', 'reset-cursor', topic, '-s', 's');
    expect(neither).toMatchObject({ code: 1, stderr: 'error: give either --time or --messageId\n' });

    expect(await ok('topics', 'terminate', topic)).toBe(`terminated at ${ids[3]}\n`);
    await ok('topics', 'unload', topic);
    await ok('topics', 'unsubscribe', topic, '-s', 's');
    expect(await ok('topics', 'subscriptions', topic)).toBe('');
    const bad = await admin('topics', 'stats', 'a/b');
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stderr).toMatch(/^error: topic must be given as/);
  });
});
