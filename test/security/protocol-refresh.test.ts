import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CommandType, ServerError, type Frame } from '@magnetar/protocol';
import { AuthenticationToken, Client } from '@magnetar/client';
import { ManualClock } from '@magnetar/server';
import type { RawClient } from '../helpers/raw-client.js';
import type { TestBroker } from '../helpers/broker.js';
import { TokenKey, startTokenBroker, tokenConnect, until } from './protocol-helpers.js';

// Credential refresh (Pulsar's ServerCnx.refreshAuthenticationCredentials): every
// authenticationRefreshCheckSeconds the broker checks the connection's token; once expired it
// sends AUTH_CHALLENGE ("PulsarAuthRefresh") and the client must answer with AUTH_RESPONSE carrying
// a fresh credential for the same role before the next check. Producers live on untouched.

const CHECK_SECONDS = 10;
const REFRESH = Buffer.from('PulsarAuthRefresh');

const nowSeconds = (clock: ManualClock) => Math.floor(clock.now() / 1000);

function authResponse(token: string) {
  return {
    type: CommandType.AUTH_RESPONSE,
    authResponse: {
      client_version: 'refresh-test',
      protocol_version: 20,
      response: { auth_method_name: 'token', auth_data: Buffer.from(token) },
    },
  } as const;
}

async function sendOne(c: RawClient, producerId: number, seq: number): Promise<Frame> {
  c.sendPayload(
    { type: CommandType.SEND, send: { producer_id: producerId, sequence_id: seq } },
    { producer_name: 'refresh-p', sequence_id: seq, publish_time: Date.now() },
    Buffer.from(`m-${seq}`),
  );
  return c.next(
    (f) => f.command.type === CommandType.SEND_RECEIPT && f.command.send_receipt?.sequence_id === seq,
  );
}

describe('credential refresh, driven by a manual clock', () => {
  const key = new TokenKey();
  const clock = new ManualClock(Date.now());
  let broker: TestBroker;
  let client: RawClient | undefined;
  beforeAll(async () => {
    broker = await startTokenBroker(
      key,
      { authenticationRefreshCheckSeconds: CHECK_SECONDS, keepAliveIntervalSeconds: 3600 },
      { clock, scheduler: clock },
    );
  });
  afterEach(() => client?.close());
  afterAll(async () => {
    await broker.destroy();
  });

  /** Connects as `role` with a token valid for `validSeconds` of the manual clock. */
  async function connect(role: string, validSeconds: number, supportsRefresh = true): Promise<RawClient> {
    const token = await key.sign(role, nowSeconds(clock) + validSeconds);
    const r = await tokenConnect(broker.port, token, {
      feature_flags: { supports_auth_refresh: supportsRefresh },
    });
    expect(r.connected).toBe(true);
    client = r.client;
    return r.client;
  }

  const session = () => [...broker.broker.connections].find((c) => c.state === 'connected')?.authSession;

  async function expectClosedWithAuthError(c: RawClient): Promise<void> {
    const err = await c.next((f) => f.command.type === CommandType.ERROR);
    expect(err.command.error?.error).toBe(ServerError.AuthenticationError);
    await c.whenClosed(2000);
  }

  it('challenges an expired token and keeps the producer after a fresh one for the same role', async () => {
    const c = await connect('alice', 25);
    c.send({
      type: CommandType.PRODUCER,
      producer: { topic: 'persistent://public/default/refresh-ok', producer_id: 7, request_id: 1 },
    });
    expect((await c.response(1)).command.type).toBe(CommandType.PRODUCER_SUCCESS);
    await sendOne(c, 7, 0);

    clock.advance(CHECK_SECONDS * 2000); // Checks at 10 s and 20 s: still valid, nothing happens.
    expect(c.frames.some((f) => f.command.type === CommandType.AUTH_CHALLENGE)).toBe(false);
    clock.advance(CHECK_SECONDS * 1000); // 30 s: expired → AUTH_CHALLENGE.
    const challenge = await c.next((f) => f.command.type === CommandType.AUTH_CHALLENGE);
    expect(challenge.command.authChallenge?.challenge?.auth_method_name).toBe('token');
    expect(Buffer.from(challenge.command.authChallenge?.challenge?.auth_data ?? [])).toEqual(REFRESH);
    expect(challenge.command.authChallenge?.protocol_version).toBe(20);

    c.send(authResponse(await key.sign('alice', nowSeconds(clock) + 600)));
    await until(() => session()?.state === 'idle');
    clock.advance(CHECK_SECONDS * 1000); // The next check finds a valid credential.
    await sendOne(c, 7, 1);
    expect(c.closed).toBe(false);
    expect(c.frames.some((f) => f.command.type === CommandType.CLOSE_PRODUCER)).toBe(false);
  });

  it('closes a connection that does not answer the challenge by the next check', async () => {
    const c = await connect('alice', 5);
    clock.advance(CHECK_SECONDS * 1000);
    await c.next((f) => f.command.type === CommandType.AUTH_CHALLENGE);
    clock.advance(CHECK_SECONDS * 1000);
    await expectClosedWithAuthError(c);
  });

  it('closes at expiry a client that did not announce supports_auth_refresh', async () => {
    const c = await connect('alice', 5, false);
    clock.advance(CHECK_SECONDS * 1000);
    await expectClosedWithAuthError(c);
    expect(c.frames.some((f) => f.command.type === CommandType.AUTH_CHALLENGE)).toBe(false);
  });

  it('closes a connection whose refreshed credential names another role', async () => {
    const c = await connect('alice', 5);
    clock.advance(CHECK_SECONDS * 1000);
    await c.next((f) => f.command.type === CommandType.AUTH_CHALLENGE);
    c.send(authResponse(await key.sign('mallory', nowSeconds(clock) + 600)));
    await expectClosedWithAuthError(c);
  });

  it('closes a connection whose refreshed credential does not authenticate', async () => {
    const c = await connect('alice', 5);
    clock.advance(CHECK_SECONDS * 1000);
    await c.next((f) => f.command.type === CommandType.AUTH_CHALLENGE);
    c.send(authResponse(await new TokenKey().sign('alice', nowSeconds(clock) + 600)));
    await expectClosedWithAuthError(c);
  });

  it('closes a connection that sends AUTH_RESPONSE without being challenged', async () => {
    const c = await connect('alice', 600);
    c.send(authResponse(await key.sign('alice', nowSeconds(clock) + 600)));
    await c.whenClosed(2000);
  });

  it('never checks a token without exp', async () => {
    const r = await tokenConnect(broker.port, await key.sign('forever'), {
      feature_flags: { supports_auth_refresh: false },
    });
    client = r.client;
    clock.advance(CHECK_SECONDS * 100 * 1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(r.client.closed).toBe(false);
  });
});

describe('credential refresh in real time, with our client', () => {
  const key = new TokenKey();
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTokenBroker(key, { authenticationRefreshCheckSeconds: 1 });
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('keeps one producer publishing on one connection past the expiry of its first token', async () => {
    let supplied = 0;
    // Tokens valid for 2 s: the broker challenges at the first check after expiry.
    const tokenSupplier = () => {
      supplied++;
      return key.sign('alice', Math.floor(Date.now() / 1000) + 2);
    };
    const client = new Client({
      serviceUrl: broker.brokerServiceUrl,
      authentication: new AuthenticationToken({ tokenSupplier }),
    });
    try {
      const producer = await client.createProducer({
        topic: 'persistent://public/default/refresh-client',
        batchingEnabled: false,
      });
      const connectionsBefore = broker.broker.connectionsCreated;
      const deadline = Date.now() + 4500;
      let sent = 0;
      while (Date.now() < deadline) {
        await producer.send({ data: Buffer.from(`m-${sent++}`) });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // CONNECT took one token; each challenge answered took another.
      expect(supplied).toBeGreaterThanOrEqual(2);
      expect(broker.broker.connectionsCreated).toBe(connectionsBefore);
      expect(broker.broker.connectionsClosed).toBe(0);
      expect(sent).toBeGreaterThan(20);
    } finally {
      await client.close();
    }
  });
});
