// TableView: the initial load from the compacted view plus the tail, then live updates; listen()
// replays the current entries and follows; null values and empty payloads remove keys; typed
// values through a schema; a partitioned topic read partition by partition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Schema } from '@magnetar/client';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { api } from '../admin/http.js';
import { adminOf, compact, publish } from './helpers.js';

let broker: TestBroker;
let client: Client;

beforeAll(async () => {
  broker = await startTestBroker();
  client = new Client({ serviceUrl: broker.brokerServiceUrl, operationTimeoutSeconds: 10 });
});
afterAll(async () => {
  await client?.close();
  await broker?.destroy();
});

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('TableView', () => {
  it('loads the compacted view and the tail, then follows updates and removals', async () => {
    const topic = 'tv-basic';
    const p = await client.createProducer({ topic, batchingEnabled: false });
    await publish(p, [
      { key: 'a', value: '1' },
      { key: 'b', value: '1' },
      { key: 'a', value: '2' },
    ]);
    await compact(adminOf(broker), topic);
    await publish(p, [{ key: 'c', value: '1' }]);
    const view = await client.createTableView({ topic });
    expect(view.size).toBe(3);
    expect(view.get('a')?.toString()).toBe('2');
    expect([...view.keys()].sort()).toEqual(['a', 'b', 'c']);

    const seen: [string, string | null][] = [];
    const stop = view.listen((k, v) => seen.push([k, v === null ? null : v.toString()]));
    expect(seen.sort()).toEqual([
      ['a', '2'],
      ['b', '1'],
      ['c', '1'],
    ]);
    seen.length = 0;
    await publish(p, [
      { key: 'b', value: null },
      { key: 'c', value: '2' },
    ]);
    await p.send({ data: Buffer.alloc(0), partitionKey: 'a' });
    await until(() => seen.length === 3, 'three updates');
    expect(seen).toEqual([
      ['b', null],
      ['c', '2'],
      ['a', null],
    ]);
    expect(view.has('b')).toBe(false);
    expect(view.has('a')).toBe(false);
    const fromForEach: string[] = [];
    view.forEach((v, k) => fromForEach.push(`${k}=${v.toString()}`));
    expect(fromForEach).toEqual(['c=2']);
    stop();
    await view.close();
    await p.close();
  });

  it('decodes values with a schema and reads every partition of a partitioned topic', async () => {
    const topic = 'tv-partitioned';
    expect(
      (await api(broker.webServiceUrl).put(`/persistent/public/default/${topic}/partitions`, 3)).status,
    ).toBe(204);
    const schema = Schema.json<{ n: number }>({
      type: 'record',
      name: 'N',
      fields: [{ name: 'n', type: 'int' }],
    });
    const p = await client.createProducer({ topic, schema, batchingEnabled: false });
    for (let i = 0; i < 12; i++) await p.send({ value: { n: i }, partitionKey: `k${i % 6}` });
    const view = await client.createTableView({ topic, schema });
    expect(view.size).toBe(6);
    expect(view.get('k0')).toEqual({ n: 6 });
    expect(view.get('k5')).toEqual({ n: 11 });
    await p.send({ value: { n: 100 }, partitionKey: 'k0' });
    await until(() => view.get('k0')?.n === 100, 'the live update');
    await view.close();
    await p.close();
  });

  it('is empty for a topic whose compacted view has no live key', async () => {
    const topic = 'tv-empty';
    const p = await client.createProducer({ topic, batchingEnabled: false });
    await publish(p, [
      { key: 'a', value: '1' },
      { key: 'a', value: null },
    ]);
    await compact(adminOf(broker), topic);
    const view = await client.createTableView({ topic });
    expect(view.size).toBe(0);
    await view.close();
    await p.close();
  });
});
