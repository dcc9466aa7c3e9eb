// Authorization over a real in-memory metadata store: grants written through AdminResources (as
// the admin routes write them) and read back by the checks, including revokes.
import { TopicName } from '@magnetar/protocol';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerConfig } from '../config/schema.js';
import type { AuthAction, AuthorizationService, Principal } from './index.js';
import { parseRoleList } from './authorization-service.js';
import { HmacTokenFixture, testAuthServices, type TestResources } from './testing.js';

const open: TestResources[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

const topic = TopicName.parse('persistent://t/ns/orders');
const partitioned = TopicName.parse('persistent://t/ns/events');
const partition1 = partitioned.partition(1);

async function setUp(settings: Partial<BrokerConfig> = {}) {
  const built = await testAuthServices({
    ...new HmacTokenFixture().settings,
    authorizationEnabled: true,
    superUserRoles: ' root , ops-super,,',
    proxyRoles: 'proxy, proxy2',
    ...settings,
  });
  open.push(built);
  const { resources } = built;
  await resources.tenants.create('t', { adminRoles: ['t-admin'], allowedClusters: ['local'] });
  await resources.tenants.create('u', { adminRoles: ['u-admin'], allowedClusters: ['local'] });
  await resources.namespaces.create('t/ns', undefined);
  await resources.namespaces.create('t/other', undefined);
  const authz = built.auth.authorization;
  const grantNs = (ns: string, role: string, actions: AuthAction[]) =>
    resources.namespaces.update(ns, (p) => {
      p.auth_policies.namespace_auth[role] = actions;
    });
  const grantTopic = (t: TopicName | string, role: string, actions: AuthAction[]) =>
    resources.namespaces.update('t/ns', (p) => {
      const name = t.toString();
      p.auth_policies.destination_auth[name] = { ...p.auth_policies.destination_auth[name], [role]: actions };
    });
  const revokeNs = (ns: string, role: string) =>
    resources.namespaces.update(ns, (p) => {
      delete p.auth_policies.namespace_auth[role];
    });
  return { authz, resources, grantNs, grantTopic, revokeNs };
}

const as = (role: string, originalPrincipal?: string): Principal => ({ role, originalPrincipal });

async function can(authz: AuthorizationService, principal: Principal, t = topic, sub?: string) {
  return {
    produce: await authz.canProduce(t, principal),
    consume: await authz.canConsume(t, principal, sub),
    lookup: await authz.canLookup(t, principal),
  };
}
const NONE = { produce: false, consume: false, lookup: false };
const ALL = { produce: true, consume: true, lookup: true };

describe('parseRoleList', () => {
  it('splits on commas, trims and drops empties', () => {
    expect(parseRoleList(' a, b ,,c ,')).toEqual(['a', 'b', 'c']);
    expect(parseRoleList('')).toEqual([]);
  });
});

describe('superusers and tenant admins', () => {
  it('lets superusers do everything, anywhere', async () => {
    const { authz } = await setUp();
    for (const role of ['root', 'ops-super']) {
      expect(authz.isSuperUser(as(role))).toBe(true);
      expect(await authz.isTenantAdmin('t', as(role))).toBe(true);
      expect(await authz.isTenantAdmin('no-such-tenant', as(role))).toBe(true);
      expect(await can(authz, as(role))).toEqual(ALL);
      expect(await authz.canUseNamespace('t/ns', as(role))).toBe(true);
    }
    expect(authz.isSuperUser(as('alice'))).toBe(false);
    expect(authz.isSuperUser({ role: undefined })).toBe(false);
  });

  it('lets a tenant admin do everything in that tenant only', async () => {
    const { authz } = await setUp();
    expect(await authz.isTenantAdmin('t', as('t-admin'))).toBe(true);
    expect(await authz.isTenantAdmin('u', as('t-admin'))).toBe(false);
    expect(await authz.isTenantAdmin('missing', as('t-admin'))).toBe(false);
    expect(await can(authz, as('t-admin'), topic, 'any-sub')).toEqual(ALL);
    expect(await can(authz, as('u-admin'))).toEqual(NONE);
    expect(await authz.canUseNamespace('t/ns', as('t-admin'))).toBe(true);
    expect(await authz.canUseNamespace('t/ns', as('u-admin'))).toBe(false);
    expect(authz.isSuperUser(as('t-admin'))).toBe(false);
  });

  it('sees a change of adminRoles at the next check', async () => {
    const { authz, resources } = await setUp();
    await resources.tenants.update('t', { adminRoles: ['bob'], allowedClusters: ['local'] });
    expect(await authz.isTenantAdmin('t', as('bob'))).toBe(true);
    expect(await authz.isTenantAdmin('t', as('t-admin'))).toBe(false);
  });
});

describe('grants', () => {
  it('applies a namespace grant to every topic of that namespace only', async () => {
    const { authz, grantNs } = await setUp();
    expect(await can(authz, as('alice'))).toEqual(NONE);
    await grantNs('t/ns', 'alice', ['produce']);
    expect(await can(authz, as('alice'))).toEqual({ produce: true, consume: false, lookup: true });
    expect(await can(authz, as('alice'), TopicName.parse('persistent://t/other/x'))).toEqual(NONE);
    await grantNs('t/ns', 'carol', ['consume']);
    expect(await can(authz, as('carol'), topic, 's')).toEqual({
      produce: false,
      consume: true,
      lookup: true,
    });
    expect(await can(authz, as('carol'), TopicName.parse('non-persistent://t/ns/y'))).toMatchObject({
      consume: true,
    });
  });

  it('applies a topic grant to that topic only', async () => {
    const { authz, grantTopic } = await setUp();
    await grantTopic(topic, 'alice', ['produce', 'consume']);
    expect(await can(authz, as('alice'))).toEqual(ALL);
    expect(await can(authz, as('alice'), TopicName.parse('persistent://t/ns/orders2'))).toEqual(NONE);
    expect(await can(authz, as('alice'), TopicName.parse('non-persistent://t/ns/orders'))).toEqual(NONE);
    expect(await can(authz, as('bob'))).toEqual(NONE);
  });

  it('lets a partition inherit the grant on its partitioned topic, not the reverse', async () => {
    const { authz, grantTopic } = await setUp();
    await grantTopic(partitioned, 'alice', ['consume']);
    expect(await authz.canConsume(partition1, as('alice'), 's')).toBe(true);
    expect(await authz.canConsume(partitioned, as('alice'), 's')).toBe(true);
    expect(await authz.canProduce(partition1, as('alice'))).toBe(false);
    await grantTopic(partitioned.partition(2), 'bob', ['produce']);
    expect(await authz.canProduce(partitioned.partition(2), as('bob'))).toBe(true);
    expect(await authz.canProduce(partitioned, as('bob'))).toBe(false);
    expect(await authz.canProduce(partition1, as('bob'))).toBe(false);
  });

  it('lets canUseNamespace follow any namespace grant', async () => {
    const { authz, grantNs, grantTopic } = await setUp();
    expect(await authz.canUseNamespace('t/ns', as('alice'))).toBe(false);
    await grantTopic(topic, 'alice', ['produce']);
    expect(await authz.canUseNamespace('t/ns', as('alice'))).toBe(false);
    await grantNs('t/ns', 'alice', ['functions']);
    expect(await authz.canUseNamespace('t/ns', as('alice'))).toBe(true);
    expect(await authz.canUseNamespace('t/other', as('alice'))).toBe(false);
    expect(await authz.canUseNamespace('t/missing', as('alice'))).toBe(false);
  });

  it('takes a revoke into account at the very next check', async () => {
    const { authz, grantNs, revokeNs, grantTopic } = await setUp();
    await grantNs('t/ns', 'alice', ['produce', 'consume']);
    expect(await can(authz, as('alice'))).toEqual(ALL);
    await revokeNs('t/ns', 'alice');
    expect(await can(authz, as('alice'))).toEqual(NONE);
    await grantTopic(topic, 'alice', ['consume']);
    expect(await authz.canConsume(topic, as('alice'))).toBe(true);
    await grantTopic(topic, 'alice', []);
    expect(await authz.canConsume(topic, as('alice'))).toBe(false);
  });

  it('is not fooled by role or subscription names that are Object.prototype members', async () => {
    const { authz, grantNs } = await setUp();
    for (const role of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(await can(authz, as(role), topic, 'constructor')).toEqual(NONE);
      expect(await authz.canUseNamespace('t/ns', as(role))).toBe(false);
    }
    await grantNs('t/ns', 'alice', ['consume']);
    expect(await authz.canConsume(topic, as('alice'), 'constructor')).toBe(true);
  });

  it('never grants a role without an entry (property)', async () => {
    const { authz, grantNs } = await setUp();
    await grantNs('t/ns', 'granted', ['produce', 'consume']);
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 12 }), async (role) => {
        fc.pre(!['granted', 'root', 'ops-super', 't-admin', 'proxy', 'proxy2'].includes(role));
        expect(await can(authz, as(role))).toEqual(NONE);
      }),
      { numRuns: 100 },
    );
  });
});

describe('subscription rules', () => {
  it('limits a subscription to its subscription_auth_roles when the list is not empty', async () => {
    const { authz, resources, grantNs } = await setUp();
    await grantNs('t/ns', 'alice', ['consume']);
    await grantNs('t/ns', 'bob', ['consume']);
    await resources.namespaces.update('t/ns', (p) => {
      p.auth_policies.subscription_auth_roles.billing = ['alice'];
      p.auth_policies.subscription_auth_roles.open = [];
    });
    expect(await authz.canConsume(topic, as('alice'), 'billing')).toBe(true);
    expect(await authz.canConsume(topic, as('bob'), 'billing')).toBe(false);
    expect(await authz.canConsume(topic, as('bob'), 'open')).toBe(true);
    expect(await authz.canConsume(topic, as('bob'), 'other')).toBe(true);
    // Without a subscription (lookup) the list does not apply.
    expect(await authz.canLookup(topic, as('bob'))).toBe(true);
    // Listed but without consume: still refused.
    await resources.namespaces.update('t/ns', (p) => {
      p.auth_policies.subscription_auth_roles.billing = ['alice', 'dave'];
    });
    expect(await authz.canConsume(topic, as('dave'), 'billing')).toBe(false);
    // Tenant admins are not bound by it.
    expect(await authz.canConsume(topic, as('t-admin'), 'billing')).toBe(true);
  });

  it('requires the role as prefix of the subscription under subscription_auth_mode Prefix', async () => {
    const { authz, resources, grantNs } = await setUp();
    await grantNs('t/ns', 'alice', ['consume']);
    await resources.namespaces.update('t/ns', (p) => {
      p.subscription_auth_mode = 'Prefix';
    });
    expect(await authz.canConsume(topic, as('alice'), 'alice-sub')).toBe(true);
    expect(await authz.canConsume(topic, as('alice'), 'alice')).toBe(true);
    // Pulsar's test is a plain startsWith: no separator is required.
    expect(await authz.canConsume(topic, as('alice'), 'alicex')).toBe(true);
    expect(await authz.canConsume(topic, as('alice'), 'bob-sub')).toBe(false);
    expect(await authz.canConsume(topic, as('alice'), 'xalice')).toBe(false);
    expect(await authz.canLookup(topic, as('alice'))).toBe(true);
    expect(await authz.canConsume(topic, as('root'), 'whatever')).toBe(true);
    expect(await authz.canConsume(topic, as('t-admin'), 'whatever')).toBe(true);
  });
});

describe('proxies', () => {
  it('validates the combination of role and original principal', async () => {
    const { authz } = await setUp();
    expect(authz.isProxyRole('proxy')).toBe(true);
    expect(authz.isProxyRole('proxy2')).toBe(true);
    expect(authz.isProxyRole('alice')).toBe(false);
    expect(authz.isProxyRole(undefined)).toBe(false);
    expect(authz.validateOriginalPrincipal(as('proxy', 'alice'))).toBeUndefined();
    expect(authz.validateOriginalPrincipal(as('proxy'))).toMatch(/must be provided/);
    expect(authz.validateOriginalPrincipal(as('proxy', ' '))).toMatch(/must be provided/);
    expect(authz.validateOriginalPrincipal(as('proxy', 'proxy2'))).toMatch(/cannot be a proxy role/);
    expect(authz.validateOriginalPrincipal(as('alice'))).toBeUndefined();
    expect(authz.validateOriginalPrincipal(as('alice', 'alice'))).toBeUndefined();
    expect(authz.validateOriginalPrincipal(as('alice', 'root'))).toMatch(/only a proxy role/);
  });

  it('passes a check only when both the proxy and the original principal pass it', async () => {
    const { authz, grantNs } = await setUp();
    await grantNs('t/ns', 'alice', ['produce']);
    // The proxy itself has no grant: nothing passes, even for a granted client.
    expect(await can(authz, as('proxy', 'alice'))).toEqual(NONE);
    await grantNs('t/ns', 'proxy', ['produce', 'consume']);
    expect(await can(authz, as('proxy', 'alice'))).toEqual({ produce: true, consume: false, lookup: true });
    expect(await can(authz, as('proxy', 'bob'))).toEqual(NONE);
    // A superuser client through a proxy with grants: the proxy's grants bound it.
    expect(await can(authz, as('proxy', 'root'))).toEqual(ALL);
    expect(authz.isSuperUser(as('proxy', 'root'))).toBe(false);
  });

  it('lets a superuser proxy act for a client with exactly the client’s rights', async () => {
    const { authz, grantNs } = await setUp({ superUserRoles: 'proxy' });
    await grantNs('t/ns', 'alice', ['consume']);
    expect(await can(authz, as('proxy', 'alice'))).toEqual({ produce: false, consume: true, lookup: true });
    expect(await authz.isTenantAdmin('t', as('proxy', 'alice'))).toBe(false);
    expect(await authz.isTenantAdmin('t', as('proxy', 't-admin'))).toBe(true);
    expect(authz.isSuperUser(as('proxy', 'alice'))).toBe(false);
  });

  it('refuses every check for an illegal combination', async () => {
    const { authz } = await setUp({ superUserRoles: 'proxy,root' });
    // A non-proxy naming someone else, a proxy naming no one, a proxy naming a proxy.
    for (const p of [as('root', 'alice'), as('proxy'), as('proxy', 'proxy2')]) {
      expect(await can(authz, p)).toEqual(NONE);
      expect(authz.isSuperUser(p)).toBe(false);
      expect(await authz.isTenantAdmin('t', p)).toBe(false);
      expect(await authz.canUseNamespace('t/ns', p)).toBe(false);
    }
  });
});

describe('authorization disabled', () => {
  it('passes every check while authentication stays on', async () => {
    const { authz } = await setUp({ authorizationEnabled: false });
    expect(authz.enabled).toBe(false);
    expect(await can(authz, as('nobody'), topic, 'x')).toEqual(ALL);
    expect(await authz.isTenantAdmin('t', as('nobody'))).toBe(true);
    expect(await authz.canUseNamespace('t/ns', as('nobody'))).toBe(true);
    expect(authz.isSuperUser(as('nobody'))).toBe(true);
    // The proxy rules still describe the configuration.
    expect(authz.isProxyRole('proxy')).toBe(true);
  });
});
