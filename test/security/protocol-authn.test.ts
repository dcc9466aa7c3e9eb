import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { CommandType, ServerError, serializeCommand } from '@magnetar/protocol';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { TokenKey, rawConnect, startTokenBroker, tokenConnect, until } from './protocol-helpers.js';

// Authentication of the binary protocol's CONNECT (Pulsar's ServerCnx.handleConnect): a refused
// credential is answered with CommandError(request_id -1, AuthenticationError) and the socket is
// closed at once, so no client is left waiting for a CONNECTED that never comes.

const aprMd5 = createRequire(import.meta.url)('apache-md5') as (password: string) => string;

/** The broker closes a refused connection within this bound (close() ends it, destroys after 1 s). */
const CLOSE_BOUND_MS = 2000;

function expectAuthError(frame: {
  command: { type: number; error?: { request_id: number; error: number } };
}) {
  expect(frame.command.type).toBe(CommandType.ERROR);
  expect(frame.command.error?.error).toBe(ServerError.AuthenticationError);
  // Pulsar answers a CONNECT, which has no request id, with request_id -1 (uint64 all ones).
  expect(frame.command.error?.request_id).toBe(-1);
}

describe('token authentication over the binary protocol', () => {
  const key = new TokenKey();
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTokenBroker(key);
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('connects with a valid token, announces auth refresh, and serves the role', async () => {
    const { client, frame, connected } = await tokenConnect(broker.port, await key.sign('alice'));
    expect(connected).toBe(true);
    expect(frame.command.connected?.feature_flags?.supports_auth_refresh).toBe(true);
    const conn = [...broker.broker.connections].find((c) => c.state === 'connected');
    expect(conn?.principal).toEqual({ role: 'alice', originalPrincipal: undefined });
    client.send({
      type: CommandType.PRODUCER,
      producer: { topic: 'persistent://public/default/authn-ok', producer_id: 1, request_id: 1 },
    });
    const r = await client.response(1);
    expect(r.command.type).toBe(CommandType.PRODUCER_SUCCESS);
    client.close();
  });

  it.each([
    ['a token signed with another key', async () => new TokenKey().sign('alice')],
    ['an expired token', async () => key.sign('alice', Math.floor(Date.now() / 1000) - 60)],
    ['a token that is not a JWT', () => Promise.resolve('not-a-token')],
    ['an empty token', () => Promise.resolve('')],
  ])('refuses %s with AuthenticationError and closes the socket', async (_what, make) => {
    const started = Date.now();
    const { client, frame, connected } = await tokenConnect(broker.port, await make());
    expect(connected).toBe(false);
    expectAuthError(frame);
    await client.whenClosed(CLOSE_BOUND_MS);
    expect(Date.now() - started).toBeLessThan(CLOSE_BOUND_MS + 500);
  });

  it('refuses a client without credentials when no anonymous role is configured', async () => {
    const { client, frame } = await rawConnect(broker.port, { auth_method_name: 'none' });
    expectAuthError(frame);
    expect(frame.command.error?.message).toMatch(/Failed to authenticate/);
    await client.whenClosed(CLOSE_BOUND_MS);
  });

  it('refuses an unknown auth method', async () => {
    const { client, frame } = await rawConnect(broker.port, {
      auth_method_name: 'kerberos',
      auth_data: Buffer.from('x'),
    });
    expectAuthError(frame);
    await client.whenClosed(CLOSE_BOUND_MS);
  });

  it('closes a connection that sends another frame while its CONNECT is being authenticated', async () => {
    const client = await RawClient.open(broker.port);
    const token = await key.sign('alice');
    // CONNECT and PING in one write: the PING arrives while the token is being verified.
    client.writeRaw(
      Buffer.concat([
        serializeCommand({
          type: CommandType.CONNECT,
          connect: {
            client_version: 'eager',
            protocol_version: 20,
            auth_method_name: 'token',
            auth_data: Buffer.from(token),
          },
        }),
        serializeCommand({ type: CommandType.PING, ping: {} }),
      ]),
    );
    await client.whenClosed(CLOSE_BOUND_MS);
    expect(client.frames.some((f) => f.command.type === CommandType.CONNECTED)).toBe(false);
  });

  it('closes a peer whose first frame is larger than maxUnauthenticatedFrameSizeBytes', async () => {
    const client = await RawClient.open(broker.port);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(broker.broker.config.maxUnauthenticatedFrameSizeBytes + 1);
    // Only the size prefix is sent: the broker refuses before buffering any of the body.
    client.writeRaw(head);
    await client.whenClosed(CLOSE_BOUND_MS);
  });

  it('accepts frames up to the normal limit once CONNECT succeeded', async () => {
    const { client, connected } = await tokenConnect(broker.port, await key.sign('alice'));
    expect(connected).toBe(true);
    const topic = 'persistent://public/default/authn-large';
    client.send({ type: CommandType.PRODUCER, producer: { topic, producer_id: 1, request_id: 1 } });
    await client.response(1);
    const payload = Buffer.alloc(broker.broker.config.maxUnauthenticatedFrameSizeBytes * 2, 7);
    client.sendPayload(
      { type: CommandType.SEND, send: { producer_id: 1, sequence_id: 0 } },
      { producer_name: 'p', sequence_id: 0, publish_time: Date.now() },
      payload,
    );
    const receipt = await client.next((f) => f.command.type === CommandType.SEND_RECEIPT);
    expect(receipt.command.send_receipt?.sequence_id).toBe(0);
    client.close();
  });
});

describe('anonymous role', () => {
  const key = new TokenKey();
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTokenBroker(key, { anonymousUserRole: 'guest' });
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('gives the anonymous role to a client that presents no credentials', async () => {
    const { client, connected } = await rawConnect(broker.port, { auth_method_name: 'none' });
    expect(connected).toBe(true);
    await until(() => [...broker.broker.connections].some((c) => c.principal.role === 'guest'));
    client.close();
  });

  it('still refuses a bad token rather than falling back to anonymous', async () => {
    const { client, frame } = await tokenConnect(broker.port, 'garbage');
    expectAuthError(frame);
    await client.whenClosed(CLOSE_BOUND_MS);
  });
});

describe('basic authentication over the binary protocol', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    const htpasswd = `bob:${aprMd5('s3cret')}\n`;
    broker = await startTestBroker({
      authenticationEnabled: true,
      authenticationProviders: 'basic',
      basicAuthConf: `data:;base64,${Buffer.from(htpasswd).toString('base64')}`,
    });
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('connects with the right password as the user', async () => {
    const { client, connected } = await rawConnect(broker.port, {
      auth_method_name: 'basic',
      auth_data: Buffer.from('bob:s3cret'),
    });
    expect(connected).toBe(true);
    await until(() => [...broker.broker.connections].some((c) => c.principal.role === 'bob'));
    client.close();
  });

  it('refuses a wrong password', async () => {
    const { client, frame } = await rawConnect(broker.port, {
      auth_method_name: 'basic',
      auth_data: Buffer.from('bob:wrong'),
    });
    expectAuthError(frame);
    await client.whenClosed(CLOSE_BOUND_MS);
  });
});

describe('authentication disabled', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('connects anyone as before, without a role and without announcing auth refresh', async () => {
    const { client, frame, connected } = await tokenConnect(broker.port, 'whatever');
    expect(connected).toBe(true);
    expect(frame.command.connected?.feature_flags?.supports_auth_refresh).toBe(false);
    const conn = [...broker.broker.connections].find((c) => c.state === 'connected');
    expect(conn?.principal.role).toBeUndefined();
    client.close();
  });

  it('also limits the frame size before CONNECT', async () => {
    const client = await RawClient.open(broker.port);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(broker.broker.config.maxUnauthenticatedFrameSizeBytes + 1);
    client.writeRaw(head);
    await client.whenClosed(CLOSE_BOUND_MS);
  });
});
