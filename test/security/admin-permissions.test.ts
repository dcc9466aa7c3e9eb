// The permission endpoints (admin/routes/permissions.ts): Pulsar's paths, bodies and answers for
// namespace, subscription and topic grants, their validation, and that a grant made through them
// opens an HTTP operation that was refused, and a revoke closes it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERUSER, startSecureBroker, type SecureBroker } from './admin-helpers.js';

const NS = '/admin/v2/namespaces/public/default';
const TOPIC = '/admin/v2/persistent/public/default/perm-topic';
const as = SUPERUSER;

let b: SecureBroker;
beforeAll(async () => {
  b = await startSecureBroker();
  expect((await b.call('PUT', TOPIC, { as })).status).toBe(204);
});
afterAll(() => b?.destroy());

describe('namespace permissions', () => {
  it('round trip: grant, read, replace, revoke', async () => {
    expect(await b.call('GET', `${NS}/permissions`, { as })).toEqual({ status: 200, body: {} });
    expect(
      (await b.call('POST', `${NS}/permissions/app1`, { as, body: ['produce', 'consume'] })).status,
    ).toBe(204);
    expect(
      (await b.call('POST', `${NS}/permissions/app2`, { as, body: ['consume', 'consume'] })).status,
    ).toBe(204);
    expect((await b.call('GET', `${NS}/permissions`, { as })).body).toEqual({
      app1: ['produce', 'consume'],
      app2: ['consume'],
    });
    // A grant replaces the role's set.
    expect((await b.call('POST', `${NS}/permissions/app1`, { as, body: ['functions'] })).status).toBe(204);
    expect((await b.call('GET', `${NS}/permissions`, { as })).body).toMatchObject({ app1: ['functions'] });
    expect((await b.call('DELETE', `${NS}/permissions/app1`, { as })).status).toBe(204);
    expect((await b.call('DELETE', `${NS}/permissions/app2`, { as })).status).toBe(204);
    expect((await b.call('GET', `${NS}/permissions`, { as })).body).toEqual({});
    // Pulsar revokes a role that has nothing without complaint.
    expect((await b.call('DELETE', `${NS}/permissions/nobody`, { as })).status).toBe(204);
  });

  it('shows the grants in the namespace policies as auth_policies', async () => {
    expect((await b.call('POST', `${NS}/permissions/app3`, { as, body: ['sinks'] })).status).toBe(204);
    const policies = (await b.call('GET', NS, { as })).body as { auth_policies: Record<string, unknown> };
    expect(policies.auth_policies.namespace_auth).toEqual({ app3: ['sinks'] });
    expect((await b.call('DELETE', `${NS}/permissions/app3`, { as })).status).toBe(204);
  });

  it('refuses malformed grants with 400 and a reason', async () => {
    const unknown = await b.call('POST', `${NS}/permissions/app1`, { as, body: ['produce', 'admin'] });
    expect(unknown).toEqual({
      status: 400,
      body: { reason: expect.stringContaining('Unknown action "admin"') },
    });
    expect((await b.call('POST', `${NS}/permissions/app1`, { as, body: 'produce' })).status).toBe(400);
    expect((await b.call('POST', `${NS}/permissions/app1`, { as, body: { produce: true } })).status).toBe(
      400,
    );
    expect((await b.call('POST', `${NS}/permissions/app1`, { as })).status).toBe(400);
    expect((await b.call('POST', `${NS}/permissions/%20`, { as, body: ['produce'] })).status).toBe(400);
    expect((await b.call('GET', `${NS}/permissions`, { as })).body).toEqual({});
  });

  it('answers 404 for a namespace that does not exist and 412 for an invalid name', async () => {
    const missing = '/admin/v2/namespaces/public/missing';
    expect(await b.call('GET', `${missing}/permissions`, { as })).toEqual({
      status: 404,
      body: { reason: 'Namespace does not exist' },
    });
    expect((await b.call('POST', `${missing}/permissions/app1`, { as, body: ['produce'] })).status).toBe(404);
    expect((await b.call('DELETE', `${missing}/permissions/app1`, { as })).status).toBe(404);
    expect((await b.call('GET', '/admin/v2/namespaces/public/b%20ad/permissions', { as })).status).toBe(412);
  });
});

describe('subscription permissions and auth mode', () => {
  it('round trip: grant roles to a subscription, read, revoke one by one', async () => {
    const grant = await b.call('POST', `${NS}/permissions/subscription/orders-sub`, {
      as,
      body: ['app1', 'app2'],
    });
    expect(grant.status).toBe(204);
    expect((await b.call('GET', `${NS}/permissions/subscription`, { as })).body).toEqual({
      'orders-sub': ['app1', 'app2'],
    });
    expect((await b.call('DELETE', `${NS}/permissions/orders-sub/app1`, { as })).status).toBe(204);
    expect((await b.call('GET', `${NS}/permissions/subscription`, { as })).body).toEqual({
      'orders-sub': ['app2'],
    });
    expect((await b.call('DELETE', `${NS}/permissions/orders-sub/app2`, { as })).status).toBe(204);
    expect((await b.call('GET', `${NS}/permissions/subscription`, { as })).body).toEqual({});
    // Nothing left to revoke: Pulsar fails the update and answers 404.
    expect((await b.call('DELETE', `${NS}/permissions/orders-sub/app2`, { as })).status).toBe(404);
  });

  it('refuses a roles body that is not an array of names', async () => {
    expect((await b.call('POST', `${NS}/permissions/subscription/s`, { as, body: 'app1' })).status).toBe(400);
    expect((await b.call('POST', `${NS}/permissions/subscription/s`, { as, body: [''] })).status).toBe(400);
    expect((await b.call('POST', `${NS}/permissions/subscription/s`, { as, body: [1] })).status).toBe(400);
  });

  it('sets and reads the subscription auth mode', async () => {
    expect(await b.call('GET', `${NS}/subscriptionAuthMode`, { as })).toEqual({ status: 200, body: 'None' });
    expect((await b.call('POST', `${NS}/subscriptionAuthMode`, { as, body: 'Prefix' })).status).toBe(204);
    expect((await b.call('GET', `${NS}/subscriptionAuthMode`, { as })).body).toBe('Prefix');
    expect((await b.call('POST', `${NS}/subscriptionAuthMode`, { as, body: 'Sometimes' })).status).toBe(400);
    expect((await b.call('POST', `${NS}/subscriptionAuthMode`, { as })).status).toBe(204);
    expect((await b.call('GET', `${NS}/subscriptionAuthMode`, { as })).body).toBe('None');
  });
});

describe('topic permissions', () => {
  it('round trip, with the namespace grants merged into the topic view', async () => {
    expect((await b.call('POST', `${NS}/permissions/shared`, { as, body: ['produce'] })).status).toBe(204);
    expect((await b.call('POST', `${TOPIC}/permissions/shared`, { as, body: ['consume'] })).status).toBe(204);
    expect((await b.call('POST', `${TOPIC}/permissions/solo`, { as, body: ['consume'] })).status).toBe(204);
    const merged = (await b.call('GET', `${TOPIC}/permissions`, { as })).body as Record<string, string[]>;
    expect(merged.solo).toEqual(['consume']);
    expect([...merged.shared!].sort()).toEqual(['consume', 'produce']);
    // Stored per topic under destination_auth, as Pulsar does.
    const policies = (await b.call('GET', NS, { as })).body as {
      auth_policies: { destination_auth: Record<string, unknown> };
    };
    expect(policies.auth_policies.destination_auth['persistent://public/default/perm-topic']).toEqual({
      shared: ['consume'],
      solo: ['consume'],
    });

    expect((await b.call('DELETE', `${TOPIC}/permissions/solo`, { as })).status).toBe(204);
    expect((await b.call('DELETE', `${TOPIC}/permissions/shared`, { as })).status).toBe(204);
    expect((await b.call('GET', `${TOPIC}/permissions`, { as })).body).toEqual({ shared: ['produce'] });
    // The namespace grant is not the topic's to revoke: 412 as in Pulsar.
    const notSet = await b.call('DELETE', `${TOPIC}/permissions/shared`, { as });
    expect(notSet).toEqual({ status: 412, body: { reason: 'Permissions are not set at the topic level' } });
    expect((await b.call('DELETE', `${NS}/permissions/shared`, { as })).status).toBe(204);
  });

  it('needs an existing topic and a valid body', async () => {
    const missing = '/admin/v2/persistent/public/default/nope';
    expect((await b.call('GET', `${missing}/permissions`, { as })).status).toBe(404);
    expect((await b.call('POST', `${missing}/permissions/r`, { as, body: ['consume'] })).status).toBe(404);
    expect((await b.call('POST', `${TOPIC}/permissions/r`, { as, body: ['read'] })).status).toBe(400);
    expect(
      (await b.call('GET', '/admin/v2/non-persistent/public/default/nope/permissions', { as })).status,
    ).toBe(404);
  });

  it('revoking on a partitioned topic drops the grants of its partitions too', async () => {
    const parted = '/admin/v2/persistent/public/default/parted';
    expect((await b.call('PUT', `${parted}/partitions`, { as, body: 2 })).status).toBe(204);
    expect((await b.call('POST', `${parted}/permissions/p`, { as, body: ['consume'] })).status).toBe(204);
    const part0 = `${parted}-partition-0`;
    expect((await b.call('POST', `${part0}/permissions/p`, { as, body: ['consume'] })).status).toBe(204);
    expect((await b.call('DELETE', `${parted}/permissions/p`, { as })).status).toBe(204);
    expect((await b.call('GET', `${part0}/permissions`, { as })).body).toEqual({});
  });
});

describe('grants decide HTTP operations', () => {
  it('a topic grant opens topic stats to a role, and revoking closes them again', async () => {
    const stats = () => b.call('GET', `${TOPIC}/stats`, { as: 'analyst' });
    expect((await stats()).status).toBe(403);
    expect((await b.call('POST', `${TOPIC}/permissions/analyst`, { as, body: ['consume'] })).status).toBe(
      204,
    );
    expect((await stats()).status).toBe(200);
    expect((await b.call('DELETE', `${TOPIC}/permissions/analyst`, { as })).status).toBe(204);
    expect((await stats()).status).toBe(403);
  });

  it('a namespace grant opens every topic of the namespace, and the topic list', async () => {
    const list = () => b.call('GET', `${NS}/topics`, { as: 'ops' });
    expect((await list()).status).toBe(403);
    expect((await b.call('POST', `${NS}/permissions/ops`, { as, body: ['consume'] })).status).toBe(204);
    expect((await list()).status).toBe(200);
    expect((await b.call('GET', `${TOPIC}/subscriptions`, { as: 'ops' })).status).toBe(200);
    expect((await b.call('DELETE', `${NS}/permissions/ops`, { as })).status).toBe(204);
    expect((await list()).status).toBe(403);
  });

  it('permission endpoints themselves are for tenant admins only', async () => {
    expect(
      (await b.call('POST', `${NS}/permissions/sneaky`, { as: 'sneaky', body: ['produce'] })).status,
    ).toBe(403);
    expect((await b.call('GET', `${NS}/permissions`, { as: 'sneaky' })).status).toBe(403);
    expect((await b.call('GET', `${TOPIC}/permissions`, { as: 'sneaky' })).status).toBe(403);
    expect((await b.call('POST', `${NS}/subscriptionAuthMode`, { as: 'sneaky', body: 'None' })).status).toBe(
      403,
    );
  });
});
