// The authorization matrix: every role (row) against every action (column), on a topic of its own
// tenant and on one of a foreign tenant, over the binary protocol and the HTTP API, on one broker
// with token authentication, authorization, superUserRoles=super and anonymousUserRole=anonymous.
//
// The expected table (MATRIX below) is Pulsar's default PulsarAuthorizationProvider
// (pulsar-broker-common/.../authorization/PulsarAuthorizationProvider.java, apache/pulsar commit
// 23ee327b):
// - allowTopicOperationAsync first asks validateTenantAdminAccess (superuser or tenant admin) and
//   passes; otherwise LOOKUP, GET_STATS and GET_METADATA need canLookupAsync (produce, or consume
//   without a subscription), PRODUCE needs canProduceAsync, CONSUME / SUBSCRIBE / PEEK_MESSAGES /
//   ... need canConsumeAsync, and everything else is refused.
// - allowNamespaceOperationAsync: CREATE_TOPIC, GRANT_PERMISSION, GET_PERMISSION, ... are refused
//   to anyone but superusers and tenant admins.
// - allowNamespacePolicyOperationAsync (every namespace policy read and write, getPolicies
//   included) is validateTenantAdminAccess.
// The admin resources call these as: PersistentTopicsBase createNonPartitionedTopic ->
// NamespaceOperation.CREATE_TOPIC, getStats -> TopicOperation.GET_STATS, createSubscription ->
// TopicOperation.SUBSCRIBE, grantPermissionsOnTopic -> validateAdminAccessForTenant;
// NamespacesBase getPolicies / setNamespaceMessageTTL -> validateNamespacePolicyOperation,
// grantPermissionOnNamespace -> NamespaceOperation.GRANT_PERMISSION; TopicLookupBase ->
// TopicOperation.LOOKUP. ServerCnx checks PRODUCE before it creates (auto-creates) the topic, so a
// producer on a new topic is allowed exactly when producing is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, AuthenticationToken, AuthorizationError, Client } from '@magnetar/client';
import {
  CommandType,
  type Frame,
  LookupType,
  PartitionedMetadataResponseType,
  ServerError,
  TopicName,
} from '@magnetar/protocol';
import type { RawClient } from '../helpers/raw-client.js';
import { startSecureBroker, type Answer, type SecureBroker } from './admin-helpers.js';
import { namespaceReady, rawConnect, tokenConnect, until } from './protocol-helpers.js';

const ROLES = ['super', 'acme-admin', 'prod', 'cons', 'other', 'anonymous'] as const;
type Role = (typeof ROLES)[number];

const ACTIONS = [
  'produce',
  'consume',
  'consume (HTTP)',
  'lookup',
  'lookup (HTTP)',
  'create topic',
  'create topic (HTTP)',
  'topic stats',
  'namespace policies',
  'namespace write',
  'grant on namespace',
  'grant on topic',
] as const;
type Action = (typeof ACTIONS)[number];

const TENANTS = ['acme', 'globex'] as const;
type Tenant = (typeof TENANTS)[number];

/**
 * Expected verdicts, per Pulsar. One column per action in ACTIONS order; each cell is two
 * characters, the own tenant acme first, then the foreign tenant globex: Y allowed, - refused.
 */
// prettier-ignore
const MATRIX: Record<Role, string> = {
  //             produce consume consume lookup lookup create create  topic  ns      ns     grant  grant
  //             binary  binary  HTTP    binary HTTP   binary HTTP    stats  read    write  ns     topic
  super:        'YY      YY      YY      YY     YY     YY     YY      YY     YY      YY     YY     YY',
  'acme-admin': 'Y-      Y-      Y-      Y-     Y-     Y-     Y-      Y-     Y-      Y-     Y-     Y-',
  prod:         'Y-      --      --      Y-     Y-     Y-     --      Y-     --      --     --     --',
  cons:         '--      Y-      Y-      Y-     Y-     --     --      Y-     --      --     --     --',
  other:        '--      --      --      --     --     --     --      --     --      --     --     --',
  anonymous:    '--      --      --      --     --     --     --      --     --      --     --     --',
};

type Outcome = 'allowed' | 'refused';

function expected(role: Role, action: Action, tenant: Tenant): Outcome {
  const cells = MATRIX[role].split(/\s+/);
  if (cells.length !== ACTIONS.length) throw new Error(`MATRIX row ${role} has ${cells.length} cells`);
  const cell = cells[ACTIONS.indexOf(action)];
  return cell[TENANTS.indexOf(tenant)] === 'Y' ? 'allowed' : 'refused';
}

/** The resources of each tenant: a namespace and a topic created beforehand. */
const RESOURCE: Record<Tenant, { ns: string; topic: string; local: string }> = {
  acme: { ns: 'acme/app', topic: 'persistent://acme/app/orders', local: 'orders' },
  globex: { ns: 'globex/data', topic: 'persistent://globex/data/events', local: 'events' },
};

const SEED = 'seed';

interface Cell {
  name: string;
  role: Role;
  action: Action;
  tenant: Tenant;
  outcome: Outcome;
}

const CELLS: Cell[] = ROLES.flatMap((role) =>
  ACTIONS.flatMap((action) =>
    TENANTS.map((tenant) => {
      const outcome = expected(role, action, tenant);
      return {
        role,
        action,
        tenant,
        outcome,
        name: `${role} ${outcome === 'allowed' ? 'may' : 'may not'} ${action} on ${tenant}`,
      };
    }),
  ),
);

/** A short, unique-per-cell suffix for the names a cell creates (topics, subscriptions, roles). */
function slug(role: Role, action: Action): string {
  return `${role}-${action
    .toLowerCase()
    .replace(/[^a-z]+/g, '-')
    .replace(/-+$/, '')}`;
}

describe('authorization matrix (role x action x own/foreign tenant)', () => {
  let b: SecureBroker;
  const clients = new Map<Role, Client>();
  const raws = new Map<Role, RawClient>();
  let nextRequest = 1;

  beforeAll(async () => {
    b = await startSecureBroker({
      superUserRoles: 'super',
      proxyRoles: '',
      anonymousUserRole: 'anonymous',
    });
    await namespaceReady(b.broker);
    const asSuper = async (method: string, url: string, body?: unknown) => {
      const res = await b.call(method, url, { as: 'super', body });
      expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBe(204);
    };
    const tenant = (admin: string) => ({ adminRoles: [admin], allowedClusters: ['standalone'] });
    await asSuper('PUT', '/admin/v2/tenants/acme', tenant('acme-admin'));
    await asSuper('PUT', '/admin/v2/tenants/globex', tenant('globex-admin'));
    await asSuper('PUT', '/admin/v2/namespaces/acme/app');
    await asSuper('PUT', '/admin/v2/namespaces/globex/data');
    await asSuper('PUT', '/admin/v2/persistent/acme/app/orders');
    await asSuper('PUT', '/admin/v2/persistent/globex/data/events');
    await asSuper('POST', '/admin/v2/namespaces/acme/app/permissions/prod', ['produce']);
    await asSuper('POST', '/admin/v2/namespaces/acme/app/permissions/cons', ['consume']);
    // One message on each topic, so that an allowed consumer has something to receive.
    for (const { topic } of Object.values(RESOURCE)) {
      const producer = await client('super').createProducer({ topic });
      await producer.send({ data: Buffer.from(SEED) });
      await producer.close();
    }
  });

  afterAll(async () => {
    for (const c of clients.values()) await c.close();
    for (const r of raws.values()) r.close();
    await b?.destroy();
  });

  /** Our client for a role; anonymous presents no credentials at all. */
  function client(role: Role): Client {
    let c = clients.get(role);
    if (c === undefined) {
      c = new Client({
        serviceUrl: b.broker.brokerServiceUrl,
        operationTimeoutSeconds: 10,
        ...(role === 'anonymous'
          ? {}
          : { authentication: new AuthenticationToken({ token: () => b.token(role) }) }),
      });
      clients.set(role, c);
    }
    return c;
  }

  /** A raw, connected protocol client for a role (anonymous: auth method "none"). */
  async function raw(role: Role): Promise<RawClient> {
    let r = raws.get(role);
    if (r === undefined) {
      const res =
        role === 'anonymous'
          ? await rawConnect(b.broker.port, { auth_method_name: 'none' })
          : await tokenConnect(b.broker.port, await b.token(role));
      expect(res.connected, `CONNECT as ${role}`).toBe(true);
      r = res.client;
      raws.set(role, r);
    }
    return r;
  }

  /** An HTTP request as the role (anonymous: no Authorization header). */
  function http(role: Role, method: string, url: string, body?: unknown): Promise<Answer> {
    return b.call(method, url, { ...(role === 'anonymous' ? {} : { as: role }), body });
  }

  /** 2xx is allowed, 403 with a reason refused; anything else (401, 404, 500, ...) fails the cell. */
  function httpOutcome(res: Answer, what: string): Outcome {
    if (res.status >= 200 && res.status < 300) return 'allowed';
    if (res.status === 403) {
      expect(res.body).toEqual({ reason: expect.any(String) });
      return 'refused';
    }
    throw new Error(`${what}: unexpected ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** Success is allowed, the client's typed AuthorizationError refused; any other error fails. */
  async function binaryOutcome(op: () => Promise<unknown>): Promise<Outcome> {
    try {
      await op();
      return 'allowed';
    } catch (err) {
      if (err instanceof AuthorizationError) {
        expect(err.retriable).toBe(false);
        return 'refused';
      }
      throw err;
    }
  }

  /** ERROR with ServerError.AuthorizationError is refused; any other answer fails the cell. */
  function refusedFrame(f: Frame, what: string): Outcome {
    if (f.command.type === CommandType.ERROR && f.command.error?.error === ServerError.AuthorizationError) {
      return 'refused';
    }
    throw new Error(`${what}: unexpected answer ${JSON.stringify(f.command)}`);
  }

  /**
   * The PRODUCER command itself, over the role's raw connection (our client stops at
   * PARTITIONED_METADATA for a role that may not even look the topic up, so the PRODUCER check is
   * only reached this way); an accepted producer is closed again.
   */
  async function rawProducer(role: Role, topic: string): Promise<Outcome> {
    const r = await raw(role);
    const id = nextRequest++;
    r.send({ type: CommandType.PRODUCER, producer: { topic, producer_id: id, request_id: id } });
    const f = await r.response(id);
    if (f.command.type !== CommandType.PRODUCER_SUCCESS) return refusedFrame(f, `PRODUCER on ${topic}`);
    const closeId = nextRequest++;
    r.send({ type: CommandType.CLOSE_PRODUCER, close_producer: { producer_id: id, request_id: closeId } });
    expect((await r.response(closeId)).command.type).toBe(CommandType.SUCCESS);
    return 'allowed';
  }

  /** The SUBSCRIBE command itself (exclusive, no permits: nothing is delivered), then closed. */
  async function rawSubscribe(role: Role, topic: string, subscription: string): Promise<Outcome> {
    const r = await raw(role);
    const id = nextRequest++;
    r.send({
      type: CommandType.SUBSCRIBE,
      subscribe: { topic, subscription, subType: 0, consumer_id: id, request_id: id },
    });
    const f = await r.response(id);
    if (f.command.type !== CommandType.SUCCESS) return refusedFrame(f, `SUBSCRIBE to ${topic}`);
    const closeId = nextRequest++;
    r.send({ type: CommandType.CLOSE_CONSUMER, close_consumer: { consumer_id: id, request_id: closeId } });
    expect((await r.response(closeId)).command.type).toBe(CommandType.SUCCESS);
    return 'allowed';
  }

  /** Two ways of doing the same thing must agree; the common outcome is the cell's. */
  function agree(first: Outcome, second: Outcome, what: string): Outcome {
    expect(second, what).toBe(first);
    return first;
  }

  async function existsAsTopic(topic: string): Promise<boolean> {
    return b.broker.broker.topicExists(TopicName.parse(topic));
  }

  async function asSuperGet(url: string): Promise<unknown> {
    const res = await b.call('GET', url, { as: 'super' });
    expect(res.status, `GET ${url}`).toBe(200);
    return res.body;
  }

  const run: Record<Action, (role: Role, tenant: Tenant) => Promise<Outcome>> = {
    async produce(role, tenant) {
      const topic = RESOURCE[tenant].topic;
      const viaClient = await binaryOutcome(async () => {
        const producer = await client(role).createProducer({ topic });
        try {
          await producer.send({ data: Buffer.from(`from ${role}`) });
        } finally {
          await producer.close();
        }
      });
      return agree(viaClient, await rawProducer(role, topic), 'raw PRODUCER agrees with the client');
    },

    async consume(role, tenant) {
      const topic = RESOURCE[tenant].topic;
      const viaClient = await binaryOutcome(async () => {
        const consumer = await client(role).subscribe({
          topic,
          subscription: 's1',
          subscriptionInitialPosition: 'Earliest',
        });
        try {
          // Not acknowledged: the seed goes back to s1 for the next allowed role.
          expect((await consumer.receive(5000)).getData().toString()).toBe(SEED);
        } finally {
          await consumer.close();
        }
      });
      return agree(viaClient, await rawSubscribe(role, topic, 's1'), 'raw SUBSCRIBE agrees with the client');
    },

    async 'consume (HTTP)'(role, tenant) {
      // PUT .../subscription/{sub} is guarded by topic-consume (Pulsar: TopicOperation.SUBSCRIBE).
      const { ns, local } = RESOURCE[tenant];
      const sub = `http-${role}`;
      const base = `/admin/v2/persistent/${ns}/${local}`;
      const outcome = httpOutcome(
        await http(role, 'PUT', `${base}/subscription/${sub}`),
        'create subscription',
      );
      const stats = (await asSuperGet(`${base}/stats`)) as { subscriptions: Record<string, unknown> };
      expect(Object.hasOwn(stats.subscriptions, sub), `subscription ${sub} exists`).toBe(
        outcome === 'allowed',
      );
      return outcome;
    },

    async lookup(role, tenant) {
      const topic = RESOURCE[tenant].topic;
      const r = await raw(role);
      const lookupId = nextRequest++;
      r.send({ type: CommandType.LOOKUP, lookupTopic: { topic, request_id: lookupId } });
      const lookup = (await r.response(lookupId)).command.lookupTopicResponse;
      const metaId = nextRequest++;
      r.send({ type: CommandType.PARTITIONED_METADATA, partitionMetadata: { topic, request_id: metaId } });
      const meta = (await r.response(metaId)).command.partitionMetadataResponse;

      let lookupOutcome: Outcome;
      if (lookup?.response === LookupType.Connect) {
        expect(lookup.brokerServiceUrl).toBe(b.broker.brokerServiceUrl);
        lookupOutcome = 'allowed';
      } else {
        expect(lookup, 'LOOKUP answer').toMatchObject({
          response: LookupType.Failed,
          error: ServerError.AuthorizationError,
        });
        lookupOutcome = 'refused';
      }
      let metaOutcome: Outcome;
      if (meta?.response === PartitionedMetadataResponseType.Success) {
        expect(meta.partitions ?? 0).toBe(0);
        metaOutcome = 'allowed';
      } else {
        expect(meta, 'PARTITIONED_METADATA answer').toMatchObject({
          response: PartitionedMetadataResponseType.Failed,
          error: ServerError.AuthorizationError,
        });
        metaOutcome = 'refused';
      }
      expect(metaOutcome, 'PARTITIONED_METADATA agrees with LOOKUP').toBe(lookupOutcome);
      return lookupOutcome;
    },

    async 'lookup (HTTP)'(role, tenant) {
      const { ns, local } = RESOURCE[tenant];
      return httpOutcome(await http(role, 'GET', `/lookup/v2/topic/persistent/${ns}/${local}`), 'lookup');
    },

    async 'create topic'(role, tenant) {
      // Two new names: one through our client, one through a raw PRODUCER.
      const topic = `persistent://${RESOURCE[tenant].ns}/new-${slug(role, 'create topic')}`;
      const viaClient = await binaryOutcome(async () => {
        const producer = await client(role).createProducer({ topic });
        await producer.close();
      });
      const rawTopic = `${topic}-raw`;
      const outcome = agree(
        viaClient,
        await rawProducer(role, rawTopic),
        'raw PRODUCER agrees with the client',
      );
      for (const t of [topic, rawTopic]) {
        expect(await existsAsTopic(t), `${t} exists`).toBe(outcome === 'allowed');
        if (outcome === 'refused') expect(await b.broker.broker.managedLedgers.exists(t)).toBe(false);
      }
      return outcome;
    },

    async 'create topic (HTTP)'(role, tenant) {
      const name = `new-${slug(role, 'create topic (HTTP)')}`;
      const { ns } = RESOURCE[tenant];
      const outcome = httpOutcome(
        await http(role, 'PUT', `/admin/v2/persistent/${ns}/${name}`),
        'create topic',
      );
      expect(await existsAsTopic(`persistent://${ns}/${name}`), `${name} exists`).toBe(outcome === 'allowed');
      return outcome;
    },

    async 'topic stats'(role, tenant) {
      const { ns, local } = RESOURCE[tenant];
      return httpOutcome(await http(role, 'GET', `/admin/v2/persistent/${ns}/${local}/stats`), 'topic stats');
    },

    async 'namespace policies'(role, tenant) {
      const url = `/admin/v2/namespaces/${RESOURCE[tenant].ns}`;
      return httpOutcome(await http(role, 'GET', url), 'namespace policies');
    },

    async 'namespace write'(role, tenant) {
      // A TTL unique to the cell (an hour and more: nothing expires while the file runs), read back
      // as the superuser: it is set exactly when the write was allowed.
      const url = `/admin/v2/namespaces/${RESOURCE[tenant].ns}/messageTTL`;
      const ttl = 3600 + ROLES.indexOf(role);
      const outcome = httpOutcome(await http(role, 'POST', url, ttl), 'set messageTTL');
      const now = await asSuperGet(url);
      if (outcome === 'allowed') expect(now).toBe(ttl);
      else expect(now).not.toBe(ttl);
      return outcome;
    },

    async 'grant on namespace'(role, tenant) {
      // A harmless grant to a bystander role of this cell, so the matrix's own grants never change.
      const bystander = `bystander-${role}`;
      const base = `/admin/v2/namespaces/${RESOURCE[tenant].ns}/permissions`;
      const outcome = httpOutcome(await http(role, 'POST', `${base}/${bystander}`, ['functions']), 'grant');
      const grants = (await asSuperGet(base)) as Record<string, string[]>;
      expect(grants[bystander], `grants of ${bystander}`).toEqual(
        outcome === 'allowed' ? ['functions'] : undefined,
      );
      expect(grants.prod).toEqual(tenant === 'acme' ? ['produce'] : undefined);
      expect(grants.cons).toEqual(tenant === 'acme' ? ['consume'] : undefined);
      return outcome;
    },

    async 'grant on topic'(role, tenant) {
      const bystander = `bystander-${role}`;
      const { ns, local } = RESOURCE[tenant];
      const base = `/admin/v2/persistent/${ns}/${local}/permissions`;
      const outcome = httpOutcome(await http(role, 'POST', `${base}/${bystander}`, ['functions']), 'grant');
      const grants = (await asSuperGet(base)) as Record<string, string[]>;
      expect(grants[bystander] ?? [], `topic grants of ${bystander}`).toEqual(
        outcome === 'allowed' ? ['functions'] : [],
      );
      return outcome;
    },
  };

  it('the matrix has a cell for every role, action and tenant', () => {
    expect(CELLS).toHaveLength(ROLES.length * ACTIONS.length * TENANTS.length);
  });

  it('a client without credentials connects as the anonymous role (so its refusals are 403, not 401)', async () => {
    await raw('anonymous');
    await until(() => [...b.broker.broker.connections].some((c) => c.principal.role === 'anonymous'));
  });

  it.each(CELLS)('$name', async ({ role, action, tenant, outcome }) => {
    expect(await run[action](role, tenant)).toBe(outcome);
  });
});

// Without anonymousUserRole, a client with no credentials is refused at authentication, before any
// authorization: AuthenticationError on CONNECT, 401 over HTTP (Pulsar's AuthenticationService
// throws "Authentication required" when no anonymous role is configured). The raw CONNECT and the
// HTTP 401 are also covered by protocol-authn.test.ts ("refuses a client without credentials when
// no anonymous role is configured") and admin-auth.test.ts ("answers 401 with a reason when
// credentials are missing or wrong"); this checks the same through our client.
describe('no anonymousUserRole: no credentials is an authentication failure', () => {
  let b: SecureBroker;
  beforeAll(async () => {
    b = await startSecureBroker({ superUserRoles: 'super', proxyRoles: '' });
    await namespaceReady(b.broker);
  });
  afterAll(async () => {
    await b?.destroy();
  });

  it('refuses our client without credentials with AuthenticationError, and HTTP with 401', async () => {
    const client = new Client({ serviceUrl: b.broker.brokerServiceUrl, operationTimeoutSeconds: 10 });
    try {
      const err = await client
        .createProducer({ topic: 'persistent://public/default/matrix-no-anonymous' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthenticationError);
    } finally {
      await client.close();
    }
    const res = await b.call('GET', '/lookup/v2/topic/persistent/public/default/matrix-no-anonymous');
    expect(res.status).toBe(401);
    expect(
      await b.broker.broker.topicExists(TopicName.parse('persistent://public/default/matrix-no-anonymous')),
    ).toBe(false);
  });
});
