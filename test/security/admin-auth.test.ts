// Authentication and authorization of the HTTP API (admin/auth-hook.ts) on real brokers with token
// authentication: 401 without valid credentials, 403 for a role the rule refuses, and the rules of
// superusers, tenant admins, granted roles and proxies, as Pulsar's admin resources apply them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HmacTokenFixture } from '../../packages/server/src/auth/testing.js';
import { PROXY, SUPERUSER, startSecureBroker, type SecureBroker } from './admin-helpers.js';

const NS = '/admin/v2/namespaces/public/default';
const TOPIC = '/admin/v2/persistent/public/default/orders';

describe('HTTP authentication', () => {
  let b: SecureBroker;
  beforeAll(async () => {
    b = await startSecureBroker();
  });
  afterAll(() => b?.destroy());

  it('answers 401 with a reason when credentials are missing or wrong', async () => {
    const none = await b.call('GET', '/admin/v2/tenants');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ reason: expect.any(String) });

    const malformed = await b.call('GET', '/admin/v2/tenants', { headers: { authorization: 'Bearer junk' } });
    expect(malformed.status).toBe(401);

    const otherKey = await new HmacTokenFixture().sign(SUPERUSER);
    const forged = await b.call('GET', '/admin/v2/tenants', {
      headers: { authorization: `Bearer ${otherKey}` },
    });
    expect(forged.status).toBe(401);

    // No basic provider is configured, so a Basic credential proves nothing.
    const basic = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
    expect((await b.call('GET', '/admin/v2/tenants', { headers: { authorization: basic } })).status).toBe(
      401,
    );
  });

  it('refuses before reading the body: a malformed body without credentials is a 401, not a 400', async () => {
    const res = await b.broker.http.inject({
      method: 'POST',
      url: `${NS}/permissions/alice`,
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(res.statusCode).toBe(401);
  });

  it('keeps /metrics public (authenticateMetricsEndpoint=false) and everything under /admin closed', async () => {
    expect((await b.call('GET', '/metrics')).status).toBe(200);
    expect((await b.call('GET', '/admin/v2/openapi.json')).status).toBe(401);
    expect((await b.call('GET', '/openapi.json')).status).toBe(401);
    expect((await b.call('GET', '/admin/v2/openapi.json', { as: 'alice' })).status).toBe(200);
    expect((await b.call('GET', '/admin/v2/clusters', { as: 'alice' })).status).toBe(200);
  });

  it('unknown paths stay 404 (no route, nothing to protect)', async () => {
    expect((await b.call('GET', '/admin/v2/no-such-thing')).status).toBe(404);
  });
});

describe('HTTP authorization', () => {
  let b: SecureBroker;
  beforeAll(async () => {
    b = await startSecureBroker();
    expect((await b.call('PUT', TOPIC, { as: SUPERUSER })).status).toBe(204);
    const tenant = { adminRoles: ['acme-admin'], allowedClusters: ['standalone'] };
    expect((await b.call('PUT', '/admin/v2/tenants/acme', { as: SUPERUSER, body: tenant })).status).toBe(204);
  });
  afterAll(() => b?.destroy());

  it('gives superusers everything and refuses other roles with 403 and a reason', async () => {
    expect((await b.call('GET', '/admin/v2/tenants', { as: SUPERUSER })).status).toBe(200);
    const refused = await b.call('GET', '/admin/v2/tenants', { as: 'alice' });
    expect(refused).toEqual({ status: 403, body: { reason: 'This operation requires super-user access' } });
    expect((await b.call('GET', '/admin/v2/brokers/health', { as: 'alice' })).status).toBe(403);
    expect((await b.call('GET', '/admin/v2/brokers/health', { as: SUPERUSER })).status).toBe(200);
    expect((await b.call('GET', '/admin/v2/clusters/standalone', { as: 'alice' })).status).toBe(403);
  });

  it('lets a tenant admin manage its own tenant only', async () => {
    const as = 'acme-admin';
    expect((await b.call('GET', '/admin/v2/tenants/acme', { as })).status).toBe(200);
    expect((await b.call('PUT', '/admin/v2/namespaces/acme/app', { as })).status).toBe(204);
    expect((await b.call('GET', '/admin/v2/namespaces/acme', { as })).body).toEqual(['acme/app']);
    expect((await b.call('POST', '/admin/v2/namespaces/acme/app/messageTTL', { as, body: 60 })).status).toBe(
      204,
    );
    // Creating, listing and deleting tenants stay with superusers; other tenants are out of reach.
    expect((await b.call('GET', '/admin/v2/tenants', { as })).status).toBe(403);
    expect((await b.call('DELETE', '/admin/v2/tenants/acme', { as })).status).toBe(403);
    expect((await b.call('GET', '/admin/v2/tenants/public', { as })).status).toBe(403);
    expect((await b.call('PUT', '/admin/v2/namespaces/public/x', { as })).status).toBe(403);
    expect((await b.call('GET', '/admin/v2/namespaces/acme', { as: 'alice' })).status).toBe(403);
  });

  it('lets granted roles read topics: produce or consume for lookups, consume for subscriptions', async () => {
    expect((await b.call('GET', `${TOPIC}/stats`, { as: 'reader' })).status).toBe(403);
    expect((await b.call('GET', `${NS}/topics`, { as: 'reader' })).status).toBe(403);
    await grantNamespace(b, 'reader', ['produce']);
    expect((await b.call('GET', `${TOPIC}/stats`, { as: 'reader' })).status).toBe(200);
    expect((await b.call('GET', `${TOPIC}/internalStats`, { as: 'reader' })).status).toBe(200);
    expect(
      (await b.call('GET', `/lookup/v2/topic/persistent/public/default/orders`, { as: 'reader' })).status,
    ).toBe(200);
    expect((await b.call('GET', `${NS}/topics`, { as: 'reader' })).status).toBe(200);
    // Peeking, the last message id and the subscription list need consume (PEEK_MESSAGES, GET_SUBSCRIPTIONS).
    expect((await b.call('GET', `${TOPIC}/lastMessageId`, { as: 'reader' })).status).toBe(403);
    expect((await b.call('GET', `${TOPIC}/subscriptions`, { as: 'reader' })).status).toBe(403);
    // Administering the topic itself is for tenant admins whatever is granted.
    expect((await b.call('PUT', `${TOPIC}/unload`, { as: 'reader' })).status).toBe(403);
    expect((await b.call('DELETE', TOPIC, { as: 'reader' })).status).toBe(403);

    await grantNamespace(b, 'reader', ['consume']);
    expect((await b.call('GET', `${TOPIC}/lastMessageId`, { as: 'reader' })).status).toBe(200);
    expect((await b.call('PUT', `${TOPIC}/subscription/sub-a`, { as: 'reader' })).status).toBe(204);
    expect((await b.call('POST', `${TOPIC}/subscription/sub-a/skip_all`, { as: 'reader' })).status).toBe(204);
    expect((await b.call('POST', `${TOPIC}/terminate`, { as: 'reader' })).status).toBe(403);
  });

  it('applies subscription_auth_roles to subscription operations', async () => {
    await grantNamespace(b, 'carol', ['consume']);
    expect((await b.call('PUT', `${TOPIC}/subscription/locked`, { as: SUPERUSER })).status).toBe(204);
    const grant = await b.call('POST', `${NS}/permissions/subscription/locked`, {
      as: SUPERUSER,
      body: ['dave'],
    });
    expect(grant.status).toBe(204);
    const refused = await b.call('POST', `${TOPIC}/subscription/locked/skip_all`, { as: 'carol' });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ reason: expect.stringContaining('subscription locked') });
    expect((await b.call('PUT', `${TOPIC}/subscription/open`, { as: 'carol' })).status).toBe(204);
  });

  it('lets a proxy act for an authorized original principal only', async () => {
    await grantNamespace(b, 'erin', ['consume']);
    const viaProxy = (original?: string) =>
      b.call('GET', `${TOPIC}/stats`, {
        as: PROXY,
        headers: original === undefined ? {} : { 'x-original-principal': original },
      });
    // Both the proxy role and the client it names must pass the check (AuthorizationService).
    expect((await viaProxy('erin')).status).toBe(403);
    await grantNamespace(b, PROXY, ['consume']);
    expect((await viaProxy('erin')).status).toBe(200);
    expect((await viaProxy('mallory')).status).toBe(403);
    // A proxy must say whom it acts for, and only a proxy may name someone else.
    expect((await viaProxy()).status).toBe(401);
    expect((await viaProxy(PROXY)).status).toBe(401);
    const borrowed = await b.call('GET', '/admin/v2/tenants', {
      as: 'erin',
      headers: { 'x-original-principal': SUPERUSER },
    });
    expect(borrowed.status).toBe(401);
  });
});

describe('HTTP security switches', () => {
  it('authentication without authorization: any valid credential passes, none is still a 401', async () => {
    const b = await startSecureBroker({ authorizationEnabled: false });
    try {
      expect((await b.call('GET', '/admin/v2/tenants', { as: 'alice' })).status).toBe(200);
      expect((await b.call('DELETE', '/admin/v2/namespaces/public/nope', { as: 'alice' })).status).toBe(404);
      expect((await b.call('GET', '/admin/v2/tenants')).status).toBe(401);
    } finally {
      await b.destroy();
    }
  });

  it('authenticateMetricsEndpoint closes /metrics to clients without credentials', async () => {
    const b = await startSecureBroker({ authenticateMetricsEndpoint: true });
    try {
      expect((await b.call('GET', '/metrics')).status).toBe(401);
      expect((await b.call('GET', '/metrics', { as: 'prometheus' })).status).toBe(200);
    } finally {
      await b.destroy();
    }
  });

  it('anonymousUserRole gives requests without credentials that role, and its grants only', async () => {
    const b = await startSecureBroker({ anonymousUserRole: 'anonymous' });
    try {
      expect((await b.call('GET', '/admin/v2/clusters')).status).toBe(200);
      expect((await b.call('GET', '/admin/v2/tenants')).status).toBe(403);
      // A credential that is present but wrong is not downgraded to anonymous.
      expect(
        (await b.call('GET', '/admin/v2/clusters', { headers: { authorization: 'Bearer junk' } })).status,
      ).toBe(401);
    } finally {
      await b.destroy();
    }
  });

  it('authentication off: nothing is asked (the default)', async () => {
    const b = await startSecureBroker({ authenticationEnabled: false, authorizationEnabled: false });
    try {
      expect((await b.call('GET', '/admin/v2/tenants')).status).toBe(200);
      expect(
        (await b.call('GET', '/admin/v2/tenants', { headers: { authorization: 'Bearer junk' } })).status,
      ).toBe(200);
    } finally {
      await b.destroy();
    }
  });
});

async function grantNamespace(b: SecureBroker, role: string, actions: string[]): Promise<void> {
  const res = await b.call('POST', `${NS}/permissions/${role}`, { as: SUPERUSER, body: actions });
  expect(res.status).toBe(204);
}
