import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandType, LookupType, ServerError, TopicName, type Frame } from '@magnetar/protocol';
import type { RawClient } from '../helpers/raw-client.js';
import type { TestBroker } from '../helpers/broker.js';
import { TokenKey, namespaceReady, startTokenBroker, tokenConnect } from './protocol-helpers.js';

// Authorization of the binary protocol's commands, checked before any side effect. Grants live in
// public/default's auth_policies: "producer" may produce, "consumer" and "consumer2" may consume,
// subscription "guarded" is reserved to "consumer2", "proxy" may produce; "stranger" has nothing.

const NS = 'public/default';
const topicOf = (name: string) => `persistent://${NS}/${name}`;

describe('authorization over the binary protocol', () => {
  const key = new TokenKey();
  let broker: TestBroker;
  const clients: RawClient[] = [];
  let nextRequest = 1;

  beforeAll(async () => {
    broker = await startTokenBroker(key, {
      authorizationEnabled: true,
      superUserRoles: 'admin',
      proxyRoles: 'proxy',
    });
    await namespaceReady(broker, NS);
    await broker.resources.namespaces.update(NS, (p) => {
      p.auth_policies.namespace_auth = {
        producer: ['produce'],
        consumer: ['consume'],
        consumer2: ['consume'],
        proxy: ['produce'],
      };
      p.auth_policies.subscription_auth_roles = { guarded: ['consumer2'] };
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await broker.destroy();
  });

  async function as(role: string, originalPrincipal?: string): Promise<RawClient> {
    const extra = originalPrincipal === undefined ? {} : { original_principal: originalPrincipal };
    const r = await tokenConnect(broker.port, await key.sign(role), extra);
    expect(r.connected).toBe(true);
    clients.push(r.client);
    return r.client;
  }

  async function produce(c: RawClient, topic: string): Promise<Frame> {
    const id = nextRequest++;
    c.send({ type: CommandType.PRODUCER, producer: { topic, producer_id: id, request_id: id } });
    return c.response(id);
  }

  async function subscribe(c: RawClient, topic: string, subscription: string): Promise<Frame> {
    const id = nextRequest++;
    c.send({
      type: CommandType.SUBSCRIBE,
      subscribe: { topic, subscription, subType: 0, consumer_id: id, request_id: id },
    });
    return c.response(id);
  }

  function expectRefused(f: Frame, ...mentions: string[]): void {
    expect(f.command.type).toBe(CommandType.ERROR);
    expect(f.command.error?.error).toBe(ServerError.AuthorizationError);
    for (const m of mentions) expect(f.command.error?.message).toContain(m);
  }

  it('lets a role with produce create a producer', async () => {
    const f = await produce(await as('producer'), topicOf('authz-produce'));
    expect(f.command.type).toBe(CommandType.PRODUCER_SUCCESS);
  });

  it('refuses PRODUCER to a role without produce, naming role and topic, and creates no topic', async () => {
    const topic = topicOf('authz-never-created');
    const f = await produce(await as('consumer'), topic);
    expectRefused(f, '"consumer"', topic);
    expect(await broker.broker.topicExists(TopicName.parse(topic))).toBe(false);
    expect(await broker.broker.managedLedgers.exists(topic)).toBe(false);
  });

  it('lets a superuser produce without grants', async () => {
    const f = await produce(await as('admin'), topicOf('authz-admin'));
    expect(f.command.type).toBe(CommandType.PRODUCER_SUCCESS);
  });

  it('checks SUBSCRIBE against consume and the subscription roles', async () => {
    const topic = topicOf('authz-consume');
    expect((await subscribe(await as('consumer'), topic, 'open')).command.type).toBe(CommandType.SUCCESS);
    expectRefused(await subscribe(await as('producer'), topic, 'other'), '"producer"', topic);
    // "guarded" is reserved to consumer2: consumer has consume but not this subscription.
    expectRefused(await subscribe(await as('consumer'), topic, 'guarded'), 'guarded');
    expect((await subscribe(await as('consumer2'), topic, 'guarded')).command.type).toBe(CommandType.SUCCESS);
  });

  it('creates neither topic nor subscription for a refused SUBSCRIBE', async () => {
    const topic = topicOf('authz-no-sub');
    expectRefused(await subscribe(await as('stranger'), topic, 's'));
    expect(await broker.broker.managedLedgers.exists(topic)).toBe(false);
  });

  it('answers LOOKUP of a role without access with response Failed and AuthorizationError', async () => {
    const c = await as('stranger');
    const id = nextRequest++;
    c.send({ type: CommandType.LOOKUP, lookupTopic: { topic: topicOf('authz-lookup'), request_id: id } });
    const r = (await c.response(id)).command.lookupTopicResponse;
    expect(r?.response).toBe(LookupType.Failed);
    expect(r?.error).toBe(ServerError.AuthorizationError);
    expect(r?.message).toContain('stranger');

    const ok = await as('consumer');
    ok.send({ type: CommandType.LOOKUP, lookupTopic: { topic: topicOf('authz-lookup'), request_id: id } });
    const answer = (await ok.response(id)).command.lookupTopicResponse;
    expect(answer?.response).toBe(LookupType.Connect);
    expect(answer?.brokerServiceUrl).toBe(broker.brokerServiceUrl);
  });

  it('refuses PARTITIONED_METADATA without access and creates no partitioned metadata', async () => {
    const c = await as('stranger');
    const id = nextRequest++;
    const topic = topicOf('authz-partitioned');
    c.send({ type: CommandType.PARTITIONED_METADATA, partitionMetadata: { topic, request_id: id } });
    const r = (await c.response(id)).command.partitionMetadataResponse;
    expect(r?.response).toBe(1);
    expect(r?.error).toBe(ServerError.AuthorizationError);
    expect(await broker.broker.partitionedTopics.get(TopicName.parse(topic))).toBeNull();
  });

  it('refuses GET_TOPICS_OF_NAMESPACE without a grant on the namespace', async () => {
    const c = await as('stranger');
    const id = nextRequest++;
    c.send({
      type: CommandType.GET_TOPICS_OF_NAMESPACE,
      getTopicsOfNamespace: { namespace: NS, request_id: id },
    });
    expectRefused(await c.response(id), NS);
    const ok = await as('producer');
    ok.send({
      type: CommandType.GET_TOPICS_OF_NAMESPACE,
      getTopicsOfNamespace: { namespace: NS, request_id: id },
    });
    expect((await ok.response(id)).command.type).toBe(CommandType.GET_TOPICS_OF_NAMESPACE_RESPONSE);
  });

  it('refuses GET_SCHEMA without lookup and GET_OR_CREATE_SCHEMA without produce, in their responses', async () => {
    const topic = topicOf('authz-schema');
    const stranger = await as('stranger');
    const id = nextRequest++;
    stranger.send({ type: CommandType.GET_SCHEMA, getSchema: { topic, request_id: id } });
    const got = (await stranger.response(id)).command.getSchemaResponse;
    expect(got?.error_code).toBe(ServerError.AuthorizationError);

    const consumer = await as('consumer');
    consumer.send({
      type: CommandType.GET_OR_CREATE_SCHEMA,
      getOrCreateSchema: {
        topic,
        request_id: id,
        schema: { name: 's', schema_data: Buffer.from('x'), type: 1 },
      },
    });
    const created = (await consumer.response(id)).command.getOrCreateSchemaResponse;
    expect(created?.error_code).toBe(ServerError.AuthorizationError);
    expect(await broker.broker.schemas.get(topic)).toBeFalsy();
  });

  it('authorizes a proxy and its original principal together', async () => {
    const topic = topicOf('authz-proxy');
    // proxy and producer both may produce.
    expect((await produce(await as('proxy', 'producer'), topic)).command.type).toBe(
      CommandType.PRODUCER_SUCCESS,
    );
    // consumer may not, so the proxy acting for it may not either.
    expectRefused(await produce(await as('proxy', 'consumer'), topic), '"proxy"', '"consumer"');
  });

  it('refuses CONNECT with an original principal from a role that is not a proxy', async () => {
    const r = await tokenConnect(broker.port, await key.sign('producer'), { original_principal: 'admin' });
    expect(r.connected).toBe(false);
    expect(r.frame.command.error?.error).toBe(ServerError.AuthorizationError);
    expect(r.frame.command.error?.request_id).toBe(-1);
    await r.client.whenClosed(2000);
  });

  it('refuses CONNECT from a proxy role that names no original principal', async () => {
    const r = await tokenConnect(broker.port, await key.sign('proxy'));
    expect(r.connected).toBe(false);
    expect(r.frame.command.error?.error).toBe(ServerError.AuthorizationError);
    await r.client.whenClosed(2000);
  });
});

describe('proxies forwarding the client credentials (authenticateOriginalAuthData)', () => {
  const key = new TokenKey();
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTokenBroker(key, {
      authorizationEnabled: true,
      proxyRoles: 'proxy',
      authenticateOriginalAuthData: true,
    });
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('takes the original principal from the forwarded credential, not from original_principal', async () => {
    const r = await tokenConnect(broker.port, await key.sign('proxy'), {
      original_principal: 'someone-else',
      original_auth_method: 'token',
      original_auth_data: await key.sign('alice'),
    });
    expect(r.connected).toBe(true);
    const conn = [...broker.broker.connections].find((c) => c.principal.role === 'proxy');
    expect(conn?.principal.originalPrincipal).toBe('alice');
    r.client.close();
  });

  it('refuses a forwarded credential that does not authenticate', async () => {
    const r = await tokenConnect(broker.port, await key.sign('proxy'), {
      original_principal: 'alice',
      original_auth_method: 'token',
      original_auth_data: await new TokenKey().sign('alice'),
    });
    expect(r.connected).toBe(false);
    expect(r.frame.command.error?.error).toBe(ServerError.AuthenticationError);
    await r.client.whenClosed(2000);
  });
});
