// End-to-end: `magnetar standalone --workers 2` as a real process tree (a primary and two
// workers), on ephemeral loopback ports and a temp data directory, with fsync on (the default).
// Needs the compiled CLI (`npm run build`, which `npm test` runs first).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@magnetar/client';
import { CommandType, ServerError } from '@magnetar/protocol';
import { ownerOf } from '@magnetar/server';
import flex from 'pulsar-flex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startBrokerProcess, type BrokerProcess } from '../helpers/process-broker.js';
import { RawClient, createProducer as createRawProducer } from '../policies/helpers.js';

const {
  Producer: FlexProducer,
  Consumer: FlexConsumer,
  logLevel,
} = flex as unknown as {
  Producer: new (o: Record<string, unknown>) => {
    create(): Promise<void>;
    close(): Promise<void>;
    sendMessage(m: { payload: string }): Promise<unknown>;
  };
  Consumer: (new (o: Record<string, unknown>) => {
    subscribe(): Promise<void>;
    unsubscribe(): Promise<void>;
    run(o: {
      onMessage: (m: { message: Buffer; ack(): Promise<void> }) => Promise<void>;
      autoAck: boolean;
    }): Promise<void>;
  }) & { SUB_TYPES: Record<string, number> };
  logLevel: Record<string, number>;
};

const BIN = fileURLToPath(new URL('../../packages/cli/bin/magnetar.js', import.meta.url));

interface WorkersView {
  self: number;
  workers: number;
  running: { index: number; pid: number; brokerServiceUrl: string; webServiceUrl: string }[];
}

let b: BrokerProcess;
let client: Client;

beforeAll(async () => {
  b = await startBrokerProcess({ args: ['--workers', '2'] });
  client = new Client({ serviceUrl: b.brokerServiceUrl, operationTimeoutSeconds: 20 });
}, 30_000);

afterAll(async () => {
  await client?.close().catch(() => undefined);
  await b?.stop();
  if (b) await removeDir(b.dataDir);
});

/** `count` topic names of namespace `ns` owned by worker `owner` (of 2). */
function topicsOwnedBy(owner: number, count: number, ns = 'public/default', prefix = 'mc'): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const t = `persistent://${ns}/${prefix}-${i}`;
    if (ownerOf(t, 2) === owner) out.push(t);
  }
  return out;
}

/**
 * GET /admin/v2/magnetar/workers on the public web port, once both workers are running (after a
 * worker restart, the other learns of it by a watch).
 */
async function workersView(): Promise<WorkersView> {
  const end = Date.now() + 10_000;
  for (;;) {
    const res = await fetch(`${b.webServiceUrl}/admin/v2/magnetar/workers`);
    expect(res.status).toBe(200);
    const view = (await res.json()) as WorkersView;
    if (view.running.length === 2 || Date.now() > end) return view;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function lookupUrl(topic: string): Promise<string> {
  const path = topic.replace('://', '/');
  const res = await fetch(`${b.webServiceUrl}/lookup/v2/topic/${path}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { brokerUrl: string }).brokerUrl;
}

/** Runs the built `magnetar admin --admin-url <url> ...args`. */
function adminCli(url: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MAGNETAR_')));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'admin', '--admin-url', url, ...args],
      { env, timeout: 20_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

async function eventually(cond: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Produces `n` numbered messages to `topic` and receives them on a new subscription, in order. */
async function roundTrip(topic: string, n: number): Promise<void> {
  const consumer = await client.subscribe({
    topic,
    subscription: 'mc-sub',
    subscriptionType: 'Exclusive',
    subscriptionInitialPosition: 'Earliest',
  });
  const producer = await client.createProducer({ topic });
  await Promise.all(Array.from({ length: n }, (_, i) => producer.send({ data: Buffer.from(String(i)) })));
  const got: number[] = [];
  for (let i = 0; i < n; i++) {
    const m = await consumer.receive(15_000);
    got.push(Number(m.getData().toString()));
    await consumer.acknowledge(m);
  }
  expect(got, topic).toEqual(Array.from({ length: n }, (_, i) => i));
  await producer.close();
  await consumer.close();
}

describe('magnetar standalone --workers 2', () => {
  it('runs two workers and answers each lookup with the owning worker’s own URL', async () => {
    const view = await workersView();
    expect(view.workers).toBe(2);
    expect(view.running.map((r) => r.index)).toEqual([0, 1]);
    const urlOf = new Map(view.running.map((r) => [r.index, r.brokerServiceUrl]));
    expect(urlOf.get(0)).not.toBe(urlOf.get(1));
    const names = Array.from({ length: 16 }, (_, i) => `persistent://public/default/spread-${i}`);
    const owners = names.map((t) => ownerOf(t, 2));
    // Both workers get topics (the hash spreads 16 names over both).
    expect(new Set(owners)).toEqual(new Set([0, 1]));
    for (const [i, t] of names.entries()) expect(await lookupUrl(t)).toBe(urlOf.get(owners[i]));
  });

  it('refuses a topic at a worker that does not own it (ServiceNotReady), without creating it there', async () => {
    const view = await workersView();
    const [notOwnedBy0] = topicsOwnedBy(1, 1, 'public/default', 'refuse');
    const local = notOwnedBy0.split('/').pop()!;
    const raw = await RawClient.connected(Number(new URL(view.running[0].brokerServiceUrl).port));
    try {
      const answer = await createRawProducer(raw, notOwnedBy0, 1);
      expect(answer.command.type).toBe(CommandType.ERROR);
      expect(answer.command.error).toMatchObject({ error: ServerError.ServiceNotReady });
      expect(answer.command.error?.message).toMatch(/served by worker 1/);
    } finally {
      raw.close();
    }
    // Nothing was created: the topic is not listed anywhere.
    const list = (await (
      await fetch(`${b.webServiceUrl}/admin/v2/persistent/public/default`)
    ).json()) as string[];
    expect(list).not.toContain(notOwnedBy0);
    // Our client, pointed at worker 0, is sent to worker 1 by the lookup: the producer works.
    const direct = new Client({ serviceUrl: view.running[0].brokerServiceUrl, operationTimeoutSeconds: 20 });
    try {
      const p = await direct.createProducer({ topic: notOwnedBy0 });
      await p.send({ data: Buffer.from('x') });
      await p.close();
    } finally {
      await direct.close();
    }
    // Admin calls on the wrong worker's own URL are redirected to the owner's, path kept.
    const res = await fetch(
      `${view.running[0].webServiceUrl}/admin/v2/persistent/public/default/${local}/stats`,
      {
        redirect: 'manual',
      },
    );
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe(
      `${view.running[1].webServiceUrl}/admin/v2/persistent/public/default/${local}/stats`,
    );
  });

  it('produces and consumes in order on 8 topics spread over both workers and a 4-partition topic', async () => {
    const topics = [
      ...topicsOwnedBy(0, 4, 'public/default', 'order'),
      ...topicsOwnedBy(1, 4, 'public/default', 'order'),
    ];
    await Promise.all(topics.map((t) => roundTrip(t, 100)));

    const part = 'persistent://public/default/mc-partitioned';
    const created = await fetch(
      `${b.webServiceUrl}/admin/v2/persistent/public/default/mc-partitioned/partitions`,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '4',
      },
    );
    expect(created.status).toBe(204);
    expect(new Set(Array.from({ length: 4 }, (_, i) => ownerOf(`${part}-partition-${i}`, 2)))).toEqual(
      new Set([0, 1]),
    );
    const consumer = await client.subscribe({
      topic: part,
      subscription: 'mc-sub',
      subscriptionType: 'Exclusive',
      subscriptionInitialPosition: 'Earliest',
    });
    // Without batching the round-robin router moves to the next partition at every message.
    const producer = await client.createProducer({ topic: part, batchingEnabled: false });
    const n = 200;
    await Promise.all(Array.from({ length: n }, (_, i) => producer.send({ data: Buffer.from(String(i)) })));
    const byPartition = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const m = await consumer.receive(15_000);
      const list = byPartition.get(m.getTopicName()) ?? [];
      list.push(Number(m.getData().toString()));
      byPartition.set(m.getTopicName(), list);
      await consumer.acknowledge(m);
    }
    expect(byPartition.size).toBe(4);
    for (const [p, got] of byPartition) expect(got, p).toEqual([...got].sort((x, y) => x - y));
    expect([...byPartition.values()].flat().sort((x, y) => x - y)).toEqual(
      Array.from({ length: n }, (_, i) => i),
    );
    await producer.close();
    await consumer.close();
    // Stats of the partitioned topic, summed over partitions on both workers.
    const stats = await fetch(
      `${b.webServiceUrl}/admin/v2/persistent/public/default/mc-partitioned/partitioned-stats`,
    );
    expect(stats.status).toBe(200);
    expect(((await stats.json()) as { msgInCounter: number }).msgInCounter).toBe(n);
  });

  it('lets pulsar-flex produce and consume on topics of both workers', async () => {
    // Whichever worker the public port hands flex's lookup connection to, one of the two topics is
    // owned by the other worker, which flex then reaches at the URL the lookup answered.
    for (const topic of [
      topicsOwnedBy(0, 1, 'public/default', 'flex')[0],
      topicsOwnedBy(1, 1, 'public/default', 'flex')[0],
    ]) {
      const common = { discoveryServers: [`127.0.0.1:${b.port}`], logLevel: logLevel.NOTHING, topic };
      const consumer = new FlexConsumer({
        ...common,
        subscription: 'flex-sub',
        subType: FlexConsumer.SUB_TYPES.EXCLUSIVE,
        consumerName: 'flex-c',
        receiveQueueSize: 100,
      });
      await consumer.subscribe();
      const producer = new FlexProducer({ ...common, producerAccessMode: 0 });
      await producer.create();
      for (let i = 0; i < 10; i++) await producer.sendMessage({ payload: `flex-${i}` });
      const got: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${topic}: received ${got.length} of 10`)), 15_000);
        void consumer.run({
          autoAck: false,
          onMessage: async (m) => {
            got.push(m.message.toString());
            await m.ack();
            if (got.length === 10) {
              clearTimeout(t);
              resolve();
            }
          },
        });
      });
      expect(got).toEqual(Array.from({ length: 10 }, (_, i) => `flex-${i}`));
      await producer.close();
      await consumer.unsubscribe().catch(() => undefined);
    }
  });

  it('applies a namespace policy set on the public web port to topics of both workers', async () => {
    const ns = 'public/mc-policy';
    const put = await fetch(`${b.webServiceUrl}/admin/v2/namespaces/${ns}`, { method: 'PUT' });
    expect(put.status).toBe(204);
    const topics = [topicsOwnedBy(0, 1, ns)[0], topicsOwnedBy(1, 1, ns)[0]];
    // Loaded on both workers before the policy changes: the change must reach loaded topics.
    const first = await Promise.all(topics.map((topic) => client.createProducer({ topic })));
    const set = await fetch(`${b.webServiceUrl}/admin/v2/namespaces/${ns}/maxProducersPerTopic`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '1',
    });
    expect(set.status).toBe(204);
    // A raw connection to each owner's own port: the refusal (ProducerBusy) comes back as is,
    // where our client would keep retrying it.
    const view = await workersView();
    for (const [owner, topic] of topics.entries()) {
      const port = Number(new URL(view.running[owner].brokerServiceUrl).port);
      const raw = await RawClient.connected(port);
      let id = 100;
      try {
        await eventually(async () => {
          const answer = await createRawProducer(raw, topic, id++);
          return (
            answer.command.type === CommandType.ERROR &&
            answer.command.error?.error === ServerError.ProducerBusy
          );
        }, `maxProducersPerTopic on ${topic}`);
      } finally {
        raw.close();
      }
    }
    await Promise.all(first.map((p) => p.close()));
  });

  it('serves admin stats of either worker’s topic through the public web port', async () => {
    for (const owner of [0, 1]) {
      const [topic] = topicsOwnedBy(owner, 1, 'public/default', 'stats');
      const p = await client.createProducer({ topic });
      await p.send({ data: Buffer.from('s') });
      const local = topic.split('/').pop();
      // fetch follows the 307 a non-owner answers; the owner answers at once.
      const res = await fetch(`${b.webServiceUrl}/admin/v2/persistent/public/default/${local}/stats`);
      expect(res.status).toBe(200);
      const stats = (await res.json()) as { msgInCounter: number; publishers: unknown[] };
      expect(stats.msgInCounter).toBe(1);
      expect(stats.publishers).toHaveLength(1);
      await p.close();
    }
    // /metrics on the public port sums both workers: topics of both appear in one scrape.
    const text = await (await fetch(`${b.webServiceUrl}/metrics`)).text();
    for (const owner of [0, 1]) {
      const [topic] = topicsOwnedBy(owner, 1, 'public/default', 'stats');
      expect(text).toContain(`topic="${topic}"`);
    }
  });

  it('magnetar admin follows the redirect for PUT, GET and DELETE on another worker’s topic', async () => {
    const view = await workersView();
    const [topic] = topicsOwnedBy(1, 1, 'public/default', 'cli');
    // Worker 0's own web URL: every call on this topic is redirected to worker 1.
    const at = view.running[0].webServiceUrl;
    expect(await adminCli(at, 'topics', 'create', topic)).toMatchObject({ code: 0, stderr: '' });
    const stats = await adminCli(at, '--json', 'topics', 'stats', topic);
    expect(stats).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(stats.stdout)).toMatchObject({ msgInCounter: 0 });
    expect(await adminCli(at, 'topics', 'delete', topic)).toMatchObject({ code: 0, stderr: '' });
    const list = (await (
      await fetch(`${b.webServiceUrl}/admin/v2/persistent/public/default`)
    ).json()) as string[];
    expect(list).not.toContain(topic);
  });

  it('restarts a worker killed with SIGKILL, keeps every acknowledged message, and its producer goes on', async () => {
    const before = await workersView();
    const victim = 1;
    const [topic] = topicsOwnedBy(victim, 1, 'public/default', 'durable');
    const producer = await client.createProducer({ topic, batchingEnabled: false });
    const n = 300;
    await Promise.all(Array.from({ length: n }, (_, i) => producer.send({ data: Buffer.from(String(i)) })));
    const oldPid = before.running.find((r) => r.index === victim)!.pid;
    process.kill(oldPid, 'SIGKILL');
    await eventually(
      async () => {
        const view = await workersView().catch(() => undefined);
        const now = view?.running.find((r) => r.index === victim);
        return now !== undefined && now.pid !== oldPid;
      },
      'the worker to come back',
      20_000,
    );
    // The producer outlives its broker: it reconnects (a new lookup finds the new worker's URL).
    await producer.send({ data: Buffer.from(String(n)) });
    await producer.close();
    const consumer = await client.subscribe({
      topic,
      subscription: 'after-crash',
      subscriptionType: 'Exclusive',
      subscriptionInitialPosition: 'Earliest',
    });
    const got: number[] = [];
    for (let i = 0; i <= n; i++) got.push(Number((await consumer.receive(15_000)).getData().toString()));
    expect(got).toEqual(Array.from({ length: n + 1 }, (_, i) => i));
    await consumer.close();
  }, 45_000);

  it('refuses to start on the same data directory with another worker count, naming the setting', async () => {
    await client.close();
    expect(await b.stop()).toBe(0);
    for (const workers of ['3', '1']) {
      await expect(startBrokerProcess({ dataDir: b.dataDir, args: ['--workers', workers] })).rejects.toThrow(
        /exited with 1[\s\S]*standaloneWorkers is \d, but the data directory[\s\S]*standaloneWorkers=2/,
      );
    }
  }, 30_000);
});
