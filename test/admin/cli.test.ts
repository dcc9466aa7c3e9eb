// `magnetar admin ...` as users run it: the built CLI (`npm run build`, which `npm test` runs first)
// as a child process against a live broker on 127.0.0.1, checked by its output and exit status.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { api } from './http.js';

const BIN = fileURLToPath(new URL('../../packages/cli/bin/magnetar.js', import.meta.url));
const DIST = fileURLToPath(new URL('../../packages/cli/dist/commands/admin.js', import.meta.url));

let broker: TestBroker;

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first`);
  broker = await startTestBroker();
});
afterAll(() => broker?.destroy());

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `magnetar admin --admin-url <broker> ...args`. */
function admin(...args: string[]): Promise<Result> {
  return adminAt(broker.webServiceUrl, ...args);
}

function adminAt(url: string, ...args: string[]): Promise<Result> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MAGNETAR_')));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'admin', '--admin-url', url, ...args],
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

describe('magnetar admin (process)', () => {
  it('clusters list and get', async () => {
    expect(await ok('clusters', 'list')).toBe('standalone\n');
    const out = await ok('clusters', 'get', 'standalone');
    expect(out).toMatch(new RegExp(`^serviceUrl +${broker.webServiceUrl}$`, 'm'));
    expect(out).toMatch(new RegExp(`^brokerServiceUrl +${broker.brokerServiceUrl}$`, 'm'));
    expect(JSON.parse(await ok('--json', 'clusters', 'get', 'standalone'))).toEqual({
      serviceUrl: broker.webServiceUrl,
      brokerServiceUrl: broker.brokerServiceUrl,
    });
  });

  it('tenants create, get, update, list, delete', async () => {
    await ok('tenants', 'create', 'acme', '--admin-roles', 'ops,dev');
    expect(await ok('tenants', 'get', 'acme')).toMatch(
      /^adminRoles +ops, dev\nallowedClusters +standalone\n$/,
    );
    await ok('tenants', 'update', 'acme', '--admin-roles', 'ops');
    expect(JSON.parse(await ok('tenants', 'get', 'acme', '--json'))).toEqual({
      adminRoles: ['ops'],
      allowedClusters: ['standalone'],
    });
    expect(await ok('tenants', 'list')).toBe('acme\npublic\n');
    await ok('tenants', 'create', 'scratch', '-c', 'standalone');
    await ok('tenants', 'delete', 'scratch');
    expect(await ok('tenants', 'list')).toBe('acme\npublic\n');
  });

  it('namespaces create, list, policies, topics, delete', async () => {
    await ok('namespaces', 'create', 'acme/orders');
    expect(await ok('namespaces', 'list', 'acme')).toBe('acme/orders\n');
    expect(await ok('namespaces', 'policies', 'acme/orders')).toMatch(/^replication_clusters +standalone$/m);
    expect(JSON.parse(await ok('--json', 'namespaces', 'policies', 'acme/orders'))).toMatchObject({
      bundles: { numBundles: 1 },
      replication_clusters: ['standalone'],
    });
    expect(await ok('namespaces', 'topics', 'acme/orders')).toBe('');
    await ok('namespaces', 'create', 'acme/tmp');
    await ok('namespaces', 'delete', 'acme/tmp');
    expect(await ok('namespaces', 'list', 'acme')).toBe('acme/orders\n');
  });

  it('retention and message TTL: set, get (table and --json), remove', async () => {
    await ok('namespaces', 'set-retention', 'acme/orders', '--size', '10G', '--time', '3d');
    expect(await ok('namespaces', 'get-retention', 'acme/orders')).toBe(
      'time  4320 minutes (3d)\nsize  10240 MB (10G)\n',
    );
    expect(JSON.parse(await ok('namespaces', 'get-retention', 'acme/orders', '--json'))).toEqual({
      retentionTimeInMinutes: 4320,
      retentionSizeInMB: 10240,
    });
    await ok('namespaces', 'remove-retention', 'acme/orders');
    expect(await ok('namespaces', 'get-retention', 'acme/orders')).toMatch(/^\(not set/);
    expect(await ok('--json', 'namespaces', 'get-retention', 'acme/orders')).toBe('null\n');

    await ok('namespaces', 'set-message-ttl', 'acme/orders', '--ttl', '3600');
    expect(await ok('namespaces', 'get-message-ttl', 'acme/orders')).toBe('3600 seconds\n');
    await ok('namespaces', 'set-message-ttl', 'acme/orders', '--ttl', '2h');
    expect(await ok('--json', 'namespaces', 'get-message-ttl', 'acme/orders')).toBe('7200\n');
  });

  it('backlog quota, deduplication, limits, auto topic creation, schema strategy', async () => {
    await ok(
      'namespaces',
      'set-backlog-quota',
      'acme/orders',
      '--limit',
      '10G',
      '--limitTime',
      '3600',
      '--policy',
      'producer_request_hold',
    );
    expect(await ok('namespaces', 'get-backlog-quotas', 'acme/orders')).toMatch(
      /^type +limitSize +limitTime +policy\ndestination_storage +10G +1h +producer_request_hold\n$/,
    );
    await ok('namespaces', 'set-deduplication', 'acme/orders', '--enable');
    await ok('namespaces', 'set-max-producers-per-topic', 'acme/orders', '--max-producers-per-topic', '5');
    await ok('namespaces', 'set-max-consumers-per-topic', 'acme/orders', '-c', '6');
    await ok(
      'namespaces',
      'set-auto-topic-creation',
      'acme/orders',
      '--enable',
      '--type',
      'partitioned',
      '--num-partitions',
      '4',
    );
    await ok('namespaces', 'set-schema-compatibility-strategy', 'acme/orders', '--compatibility', 'BACKWARD');
    expect(await ok('namespaces', 'get-schema-compatibility-strategy', 'acme/orders')).toBe('BACKWARD\n');
    expect(await ok('namespaces', 'get-max-producers-per-topic', 'acme/orders')).toBe('5\n');

    const policies = (await api(broker.webServiceUrl).get('/namespaces/acme/orders')).body;
    expect(policies).toMatchObject({
      backlog_quota_map: {
        destination_storage: { limitSize: 10 * 1024 ** 3, limitTime: 3600, policy: 'producer_request_hold' },
      },
      deduplicationEnabled: true,
      max_producers_per_topic: 5,
      max_consumers_per_topic: 6,
      autoTopicCreationOverride: {
        allowAutoTopicCreation: true,
        topicType: 'partitioned',
        defaultNumPartitions: 4,
      },
      schema_compatibility_strategy: 'BACKWARD',
    });
    await ok('namespaces', 'set-deduplication', 'acme/orders', '--disable');
    expect(await ok('namespaces', 'get-deduplication', 'acme/orders')).toBe('disabled\n');
  });

  it('delayed delivery, publish and dispatch rates, replication clusters', async () => {
    await ok('namespaces', 'set-delayed-delivery', 'acme/orders', '--enable', '--time', '2s');
    await ok('namespaces', 'set-publish-rate', 'acme/orders', '--msg-rate', '100');
    await ok('namespaces', 'set-dispatch-rate', 'acme/orders', '--byte-rate', '1024', '--period', '5');
    expect(await ok('namespaces', 'get-publish-rate', 'acme/orders')).toMatch(
      /^publishThrottlingRateInMsg +100\npublishThrottlingRateInByte +-1\n$/,
    );
    expect(JSON.parse(await ok('--json', 'namespaces', 'get-dispatch-rate', 'acme/orders'))).toEqual({
      dispatchThrottlingRateInMsg: -1,
      dispatchThrottlingRateInByte: 1024,
      ratePeriodInSecond: 5,
      relativeToPublishRate: false,
    });
    expect(JSON.parse(await ok('--json', 'namespaces', 'get-delayed-delivery', 'acme/orders'))).toEqual({
      active: true,
      tickTime: 2000,
      maxDeliveryDelayInMillis: 0,
    });
    await ok('namespaces', 'remove-delayed-delivery', 'acme/orders');
    expect(await ok('namespaces', 'get-delayed-delivery', 'acme/orders')).toMatch(/^\(not set/);
    expect(await ok('namespaces', 'get-clusters', 'acme/orders')).toBe('standalone\n');
    await ok('namespaces', 'set-clusters', 'acme/orders', '--clusters', 'standalone');
  });

  it('prints the broker reason and exits 1 on HTTP errors', async () => {
    const missing = await admin('namespaces', 'get-retention', 'acme/nope');
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'error: Namespace does not exist (HTTP 404)\n' });
    const dup = await admin('tenants', 'create', 'acme');
    expect(dup).toMatchObject({ code: 1, stderr: 'error: Tenant already exist (HTTP 409)\n' });
    const rule = await admin('namespaces', 'set-message-ttl', 'acme/orders', '--ttl', '-1');
    expect(rule).toMatchObject({
      code: 1,
      stderr: 'error: Invalid value for message TTL, message TTL must >= 0 (HTTP 412)\n',
    });
  });

  it('refuses bad arguments before sending anything (exit 1)', async () => {
    const size = await admin('namespaces', 'set-retention', 'acme/orders', '--size', '10X', '--time', '3d');
    expect(size.code).toBe(1);
    expect(size.stderr).toMatch(/invalid size '10X'/);
    const both = await admin('namespaces', 'set-deduplication', 'acme/orders', '--enable', '--disable');
    expect(both).toMatchObject({ code: 1, stderr: 'error: give exactly one of --enable or --disable\n' });
    const negative = await admin('namespaces', 'set-max-producers-per-topic', 'acme/orders', '-p', '-3');
    expect(negative.code).toBe(1);
    expect(negative.stderr).toMatch(/argument '-3' is invalid\. expected an integer of at least 0/);
    const ns = await admin('namespaces', 'policies', 'no-slash');
    expect(ns).toMatchObject({
      code: 1,
      stderr: "error: namespace must be given as tenant/namespace, got 'no-slash'\n",
    });
    expect((await api(broker.webServiceUrl).get('/namespaces/acme/orders/deduplication')).body).toBe(false);
  });

  it('reports an unreachable broker and exits 1', async () => {
    // A port that was just bound and released: nothing listens there now.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise((r) => server.close(r));
    const r = await adminAt(`http://127.0.0.1:${port}`, 'tenants', 'list');
    expect(r).toMatchObject({
      code: 1,
      stderr: `error: cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n`,
    });
  });
});
