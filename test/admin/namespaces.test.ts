// Admin REST v2 for namespaces (NamespacesBase): list, create with and without policies, get all
// policies with Pulsar's JSON field names, topics, bundles, replication, delete.
import { TopicName } from '@magnetar/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { api, reason, type Api } from './http.js';

let broker: TestBroker;
let a: Api;

beforeAll(async () => {
  broker = await startTestBroker();
  a = api(broker.webServiceUrl);
  await a.put('/tenants/acme', { adminRoles: [], allowedClusters: ['standalone'] });
});
afterAll(() => broker?.destroy());

/** The fields `pulsar-admin namespaces policies` shows for a new namespace (nulls are left out). */
const NEW_NAMESPACE_POLICIES = {
  auth_policies: { namespace_auth: {}, destination_auth: {}, subscription_auth_roles: {} },
  replication_clusters: ['standalone'],
  allowed_clusters: [],
  bundles: { boundaries: ['0x00000000', '0xffffffff'], numBundles: 1 },
  backlog_quota_map: {},
  clusterDispatchRate: {},
  topicDispatchRate: {},
  subscriptionDispatchRate: {},
  replicatorDispatchRate: {},
  clusterSubscribeRate: {},
  publishMaxMessageRate: {},
  latency_stats_sample_rate: {},
  deleted: false,
  encryption_required: false,
  subscription_auth_mode: 'None',
  offload_threshold: -1,
  offload_threshold_in_seconds: -1,
  schema_compatibility_strategy: 'UNDEFINED',
  schema_validation_enforced: false,
  subscription_types_enabled: [],
  properties: {},
  migrated: false,
};

describe('namespaces', () => {
  it('has public/default from the first start, with the default policies', async () => {
    expect(await a.get('/namespaces/public')).toMatchObject({ status: 200, body: ['public/default'] });
    const got = await a.get('/namespaces/public/default');
    expect(got.status).toBe(200);
    expect(got.contentType).toMatch(/^application\/json/);
    expect(got.body).toEqual(NEW_NAMESPACE_POLICIES);
  });

  it('lists per tenant: 404 "Tenant not found", 412 for a bad tenant name', async () => {
    const missing = await a.get('/namespaces/nobody');
    expect([missing.status, reason(missing)]).toEqual([404, 'Tenant not found']);
    const bad = await a.get('/namespaces/b%20d');
    expect([bad.status, reason(bad)]).toEqual([412, 'Tenant name is not valid']);
  });

  it('creates without a body, with an empty body, and refuses duplicates (409)', async () => {
    expect((await a.put('/namespaces/acme/plain')).status).toBe(204);
    expect((await a.raw('PUT', '/namespaces/acme/empty', '')).status).toBe(204);
    expect((await a.raw('PUT', '/namespaces/acme/nullbody', 'null')).status).toBe(204);
    const dup = await a.put('/namespaces/acme/plain');
    expect([dup.status, reason(dup)]).toEqual([409, 'Namespace already exists']);
    expect((await a.get('/namespaces/acme')).body).toEqual(['acme/empty', 'acme/nullbody', 'acme/plain']);
    expect((await a.get('/namespaces/acme/plain')).body).toEqual(NEW_NAMESPACE_POLICIES);
  });

  it('creates with policies, keeping Pulsar field names and normalising bundles', async () => {
    const body = {
      message_ttl_in_seconds: 60,
      retention_policies: { retentionTimeInMinutes: 10, retentionSizeInMB: 100 },
      deduplicationEnabled: true,
      bundles: { numBundles: 4 },
      unknown_field_ignored_like_pulsar: 1,
    };
    expect((await a.put('/namespaces/acme/withpolicies', body)).status).toBe(204);
    const got = (await a.get('/namespaces/acme/withpolicies')).body as Record<string, unknown>;
    expect(got).toMatchObject({
      message_ttl_in_seconds: 60,
      retention_policies: { retentionTimeInMinutes: 10, retentionSizeInMB: 100 },
      deduplicationEnabled: true,
      bundles: {
        boundaries: ['0x00000000', '0x40000000', '0x80000000', '0xc0000000', '0xffffffff'],
        numBundles: 4,
      },
    });
    expect(got).not.toHaveProperty('unknown_field_ignored_like_pulsar');
    expect((await a.get('/namespaces/acme/withpolicies/bundles')).body).toEqual(got.bundles);
  });

  it('refuses bad creation input: 404 tenant, 412 name, 403 cluster, 400 types, 412 rules', async () => {
    const cases: [string, unknown, number, string][] = [
      ['/namespaces/ghost/ns', undefined, 404, 'Tenant does not exist'],
      ['/namespaces/acme/bad%20name', undefined, 412, 'Namespace name is not valid'],
      [
        '/namespaces/acme/elsewhere',
        { replication_clusters: ['other'] },
        403,
        'Cluster [other] is not in the list of allowed clusters list for tenant [acme]',
      ],
      [
        '/namespaces/acme/x',
        { message_ttl_in_seconds: 'soon' },
        400,
        'message_ttl_in_seconds must be an integer from -2147483648 to 2147483647',
      ],
      ['/namespaces/acme/x', { message_ttl_in_seconds: -1 }, 412, 'Invalid value for message TTL'],
      ['/namespaces/acme/x', [1, 2], 400, 'policies must be a JSON object'],
      [
        '/namespaces/acme/x',
        { bundles: { boundaries: ['0x00000000', '0x7fffffff'] } },
        400,
        'Input bundles do not cover the whole hash range. first:0x00000000, last:0x7fffffff',
      ],
      [
        '/namespaces/acme/x',
        { schema_compatibility_strategy: 'LOOSE' },
        400,
        expect.stringContaining('schema_compatibility_strategy must be one of') as unknown as string,
      ],
    ];
    for (const [path, body, status, text] of cases) {
      const res = await a.put(path, body);
      expect({ path, status: res.status, reason: reason(res) }).toEqual({ path, status, reason: text });
    }
    const malformed = await a.raw('PUT', '/namespaces/acme/x', '{"message_ttl_in_seconds":');
    expect(malformed.status).toBe(400);
    // Nothing was half-created by any refused request.
    expect((await a.get('/namespaces/acme/x')).status).toBe(404);
    expect((await a.get('/namespaces/acme/elsewhere')).status).toBe(404);
  });

  it('reads JSON with a charset parameter, refuses bodies over 1 MiB with 413', async () => {
    const res = await fetch(`${broker.webServiceUrl}/admin/v2/namespaces/acme/charset`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ message_ttl_in_seconds: 5 }),
    });
    expect(res.status).toBe(204);
    expect((await a.get('/namespaces/acme/charset')).body).toMatchObject({ message_ttl_in_seconds: 5 });
    const huge = { properties: { blob: 'x'.repeat(1024 * 1024) } };
    const tooBig = await a.put('/namespaces/acme/huge', huge);
    expect(tooBig.status).toBe(413);
    expect((await a.get('/namespaces/acme/huge')).status).toBe(404);
  });

  it('gets 404 "Namespace does not exist" and 412 for bad names', async () => {
    const missing = await a.get('/namespaces/acme/none');
    expect([missing.status, reason(missing)]).toEqual([404, 'Namespace does not exist']);
    const bad = await a.get('/namespaces/acme/n%24');
    expect([bad.status, reason(bad)]).toEqual([412, 'Namespace name is not valid']);
  });

  it('lists the topics the broker has, 404 for an unknown namespace', async () => {
    await a.put('/namespaces/acme/busy');
    expect((await a.get('/namespaces/acme/busy/topics')).body).toEqual([]);
    await broker.broker.getTopic(TopicName.parse('persistent://acme/busy/t1'), true);
    expect((await a.get('/namespaces/acme/busy/topics')).body).toEqual(['persistent://acme/busy/t1']);
    const missing = await a.get('/namespaces/acme/none/topics');
    expect([missing.status, reason(missing)]).toEqual([404, 'Namespace does not exist']);
  });

  it('deletes: 404 when missing, 409 with topics, 405 for force while topics cannot be deleted', async () => {
    const missing = await a.delete('/namespaces/acme/none');
    expect([missing.status, reason(missing)]).toEqual([404, 'Namespace acme/none does not exist.']);
    const busy = await a.delete('/namespaces/acme/busy');
    expect([busy.status, reason(busy)]).toEqual([409, 'Cannot delete non empty namespace']);
    const forced = await a.delete('/namespaces/acme/busy?force=true');
    expect([forced.status, reason(forced)]).toEqual([
      405,
      "Broker doesn't allow forced deletion of namespaces",
    ]);
    expect((await a.get('/namespaces/acme/busy')).status).toBe(200);

    expect((await a.delete('/namespaces/acme/plain')).status).toBe(204);
    expect((await a.get('/namespaces/acme/plain')).status).toBe(404);
    expect((await a.delete('/namespaces/acme/empty?force=true')).status).toBe(204);
    expect((await a.get('/namespaces/acme')).body).not.toContain('acme/plain');
  });

  it('gets and sets replication clusters with Pulsar checks', async () => {
    await a.put('/namespaces/acme/repl');
    expect((await a.get('/namespaces/acme/repl/replication')).body).toEqual(['standalone']);
    await a.put('/clusters/east', { serviceUrl: 'http://east:8080' });
    const notAllowed = await a.post('/namespaces/acme/repl/replication', ['standalone', 'east']);
    expect([notAllowed.status, reason(notAllowed)]).toEqual([
      403,
      'Cluster [east] is not in the list of allowed clusters list for tenant [acme]',
    ]);
    const unknown = await a.post('/namespaces/acme/repl/replication', ['mars']);
    expect([unknown.status, reason(unknown)]).toEqual([403, 'Invalid cluster id: mars']);
    const empty = await a.post('/namespaces/acme/repl/replication', []);
    expect([empty.status, reason(empty)]).toEqual([412, 'ClusterIds should not be null or empty']);
    const global = await a.post('/namespaces/acme/repl/replication', ['global']);
    expect([global.status, reason(global)]).toEqual([
      412,
      'Cannot specify global in the list of replication clusters',
    ]);

    await a.post('/tenants/acme', { adminRoles: [], allowedClusters: ['standalone', 'east'] });
    expect((await a.post('/namespaces/acme/repl/replication', ['standalone', 'east'])).status).toBe(204);
    expect((await a.get('/namespaces/acme/repl/replication')).body).toEqual(['standalone', 'east']);
    expect((await a.post('/namespaces/acme/none/replication', ['standalone'])).status).toBe(404);
  });
});
