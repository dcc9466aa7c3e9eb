import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import {
  CommandType,
  FrameDecoder,
  ProtocolError,
  serializeCommand,
  type CommandConnect,
} from '@magnetar/protocol';
import { ServerConnection } from '../../packages/server/src/broker/connection/server-connection.js';
import { RawClient } from '../helpers/raw-client.js';
import type { TestBroker } from '../helpers/broker.js';
import { TokenKey, startTokenBroker, tokenConnect } from './protocol-helpers.js';

// CONNECT fuzzing against a broker with authentication (token, basic, tls) and authorization on,
// and no anonymous role: whatever a peer sends before and in its CONNECT, the broker must not
// crash, must not hang, and must never answer CONNECTED to credentials it did not issue.
//
// The split: 100,000 cases run in process, each a real ServerConnection (decoder, dispatch, the
// CONNECT handler, the real authentication services) over an in-memory socket, so a case costs
// tens of microseconds instead of a TCP handshake; 400 more go over real loopback sockets so the
// whole path (accept, admission, socket close) is covered too. A further 5,000 in-process cases
// pair a valid token with random proxy fields, where the expected answer is known exactly.
// Afterwards a legitimate client must still connect and produce.

const IN_PROCESS_RUNS = 100_000;
const TCP_RUNS = 400;
const PROXY_RUNS = 5_000;

const aprMd5 = createRequire(import.meta.url)('apache-md5') as (password: string) => string;

/**
 * The parts of net.Socket a ServerConnection uses, in memory: bytes it writes are collected, and
 * `ended` resolves when it ends or destroys the socket.
 */
class MemorySocket extends EventEmitter {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 40000;
  readonly written: Buffer[] = [];
  destroyed = false;
  writableLength = 0;
  private resolveEnded!: () => void;
  readonly ended = new Promise<void>((r) => (this.resolveEnded = r));
  setNoDelay(): this {
    return this;
  }
  cork(): void {}
  uncork(): void {}
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  write(b: Buffer): boolean {
    this.written.push(Buffer.from(b));
    return true;
  }
  end(): this {
    this.resolveEnded();
    return this;
  }
  destroy(): this {
    this.destroyed = true;
    this.resolveEnded();
    return this;
  }
  /** The command types of every frame the broker wrote (a torn tail is ignored). */
  answered(): number[] {
    const d = new FrameDecoder();
    d.push(Buffer.concat(this.written));
    const types: number[] = [];
    try {
      for (let f = d.next(); f; f = d.next()) types.push(f.command.type);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
    }
    return types;
  }
}

// --- what a hostile or confused peer sends ------------------------------------------------------

const key = new TokenKey();
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** Credentials that look plausible: JWT-shaped strings, "user:password", tokens from the wrong key. */
function credentialArb(forged: string[]): fc.Arbitrary<Uint8Array> {
  const jwtShaped = fc
    .tuple(
      fc.constantFrom('{"alg":"HS256"}', '{"alg":"none"}', '{"alg":"RS256"}', '{}', 'x'),
      fc.json(),
      fc.string({ maxLength: 43 }),
    )
    .map(([h, p, s]) => Buffer.from(`${b64url(h)}.${b64url(p)}.${b64url(s)}`));
  const basic = fc
    .tuple(fc.constantFrom('bob', 'root', ''), fc.string({ maxLength: 20 }))
    .map(([u, p]) => Buffer.from(`${u}:${p}`));
  return fc.oneof(
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: 128 }) },
    { weight: 4, arbitrary: jwtShaped },
    { weight: 2, arbitrary: basic },
    { weight: 2, arbitrary: fc.constantFrom(...forged).map((t) => Buffer.from(t)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }).map((s) => Buffer.from(s)) },
    // Past maxAuthDataSizeBytes (16 KiB by default): refused unread.
    {
      weight: 1,
      arbitrary: fc.integer({ min: 16 * 1024 + 1, max: 20_000 }).map((n) => Buffer.alloc(n, 0x41)),
    },
  );
}

function connectArb(forged: string[]): fc.Arbitrary<CommandConnect> {
  const method = fc.oneof(fc.constantFrom('token', 'basic', 'tls', 'none', ''), fc.string({ maxLength: 16 }));
  return fc.record(
    {
      client_version: fc.string({ maxLength: 16 }),
      protocol_version: opt(fc.integer({ min: -3, max: 40 })),
      auth_method: opt(fc.integer({ min: -1, max: 4 })),
      auth_method_name: opt(method),
      auth_data: opt(credentialArb(forged)),
      original_principal: opt(
        fc.oneof(fc.constantFrom('proxy', 'admin', 'alice', ''), fc.string({ maxLength: 16 })),
      ),
      original_auth_method: opt(method),
      original_auth_data: opt(fc.oneof(fc.string({ maxLength: 64 }), fc.constantFrom(...forged))),
      proxy_version: opt(fc.string({ maxLength: 8 })),
      feature_flags: opt(fc.record({ supports_auth_refresh: fc.boolean() })),
    },
    { requiredKeys: ['client_version'] },
  );
}

/** A case: optional junk before the CONNECT frame, and where to cut the bytes into two reads. */
function caseArb(forged: string[]) {
  return fc.record({
    junk: fc.oneof(
      { weight: 3, arbitrary: fc.constant(new Uint8Array(0)) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 48 }) },
    ),
    connect: connectArb(forged),
    cut: fc.nat(),
  });
}

function caseBytes(c: { junk: Uint8Array; connect: CommandConnect }): Buffer {
  return Buffer.concat([c.junk, serializeCommand({ type: CommandType.CONNECT, connect: c.connect })]);
}

// --- the broker and the two drivers -------------------------------------------------------------

let broker: TestBroker;
let forged: string[];
let nextId = 1_000_000;

beforeAll(async () => {
  const other = new TokenKey();
  const past = Math.floor(Date.now() / 1000) - 3600;
  // Tokens the broker must refuse although they are real JWTs: another key, expired, no subject.
  forged = [
    await other.sign('admin'),
    await other.sign('proxy'),
    await key.sign('admin', past),
    await new TokenKey().sign(''),
  ];
  broker = await startTokenBroker(key, {
    authenticationProviders: 'token,basic,tls',
    // An apr1 entry keeps the basic provider's decoy check for unknown users cheap.
    basicAuthConf: `data:;base64,${Buffer.from(`bob:${aprMd5('correct horse')}\n`).toString('base64')}`,
    authorizationEnabled: true,
    superUserRoles: 'admin',
    proxyRoles: 'proxy',
    authenticateOriginalAuthData: true,
    connectionTimeoutMs: 200,
  });
});
afterAll(async () => {
  await broker.destroy();
});

/** Feeds one case to a fresh in-process connection; resolves with what the broker answered. */
async function inProcess(
  bytes: Buffer,
  cut: number,
): Promise<{ answered: number[]; conn: ServerConnection }> {
  const socket = new MemorySocket();
  const conn = new ServerConnection(nextId++, socket as unknown as Socket, broker.broker);
  const at = bytes.length === 0 ? 0 : cut % bytes.length;
  socket.emit('data', bytes.subarray(0, at));
  if (!conn.isClosed()) socket.emit('data', bytes.subarray(at));
  // A CONNECT being authenticated ends in CONNECTED or in close; a torn frame waits for bytes
  // that will not come, so the case closes it (the CONNECT timeout would, later).
  if (conn.state === 'authenticating') {
    await Promise.race([
      socket.ended,
      new Promise<void>((resolve) => {
        const poll = () => (conn.state === 'authenticating' ? setImmediate(poll) : resolve());
        poll();
      }),
    ]);
  }
  if (conn.state === 'awaiting-connect') conn.close('fuzz case over');
  await new Promise((resolve) => process.nextTick(resolve));
  return { answered: socket.answered(), conn };
}

describe('CONNECT fuzzing with authentication on', () => {
  it('the in-process harness does connect a legitimate client (so the property below means something)', async () => {
    const bytes = serializeCommand({
      type: CommandType.CONNECT,
      connect: {
        client_version: 'control',
        protocol_version: 20,
        auth_method_name: 'token',
        auth_data: Buffer.from(await key.sign('alice')),
      },
    });
    const { answered, conn } = await inProcess(bytes, 5);
    expect(answered).toContain(CommandType.CONNECTED);
    expect(conn.principal.role).toBe('alice');
    conn.close('control done');
  });

  it(`never authenticates random credentials (${IN_PROCESS_RUNS} in-process cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(caseArb(forged), async (c) => {
        const { answered, conn } = await inProcess(caseBytes(c), c.cut);
        expect(answered).not.toContain(CommandType.CONNECTED);
        expect(conn.isClosed()).toBe(true);
        expect(conn.principal.role).toBeUndefined();
      }),
      { numRuns: IN_PROCESS_RUNS },
    );
  }, 120_000);

  it(`judges a valid token with random proxy fields exactly (${PROXY_RUNS} in-process cases)`, async () => {
    const roles = ['alice', 'proxy', 'admin'] as const;
    const tokens = await Promise.all(roles.map((r) => key.sign(r)));
    const arb = fc.record({ i: fc.constantFrom(0, 1, 2), connect: connectArb(forged), cut: fc.nat() });
    await fc.assert(
      fc.asyncProperty(arb, async ({ i, connect, cut }) => {
        const own = { ...connect, auth_method_name: 'token', auth_data: Buffer.from(tokens[i]) };
        delete own.auth_method;
        const bytes = serializeCommand({ type: CommandType.CONNECT, connect: own });
        const { answered, conn } = await inProcess(bytes, cut);
        // The forwarded credential (authenticateOriginalAuthData) is random, so it never
        // authenticates: only a CONNECT without original_principal, from a role that is not a
        // proxy and without proxy_version, may succeed, and then as the token's role.
        const legal =
          own.original_principal === undefined && roles[i] !== 'proxy' && own.proxy_version === undefined;
        expect(answered.includes(CommandType.CONNECTED)).toBe(legal);
        expect(conn.principal.role).toBe(legal ? roles[i] : undefined);
        conn.close('case over');
      }),
      { numRuns: PROXY_RUNS },
    );
  }, 120_000);

  it(`never authenticates random credentials over TCP, and closes every such socket (${TCP_RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(caseArb(forged), async (c) => {
        const client = await RawClient.open(broker.port);
        client.writeRaw(caseBytes(c));
        // Refused at once, or after connectionTimeoutMs (200 ms) for a torn frame.
        await client.whenClosed(3000);
        expect(client.frames.map((f) => f.command.type)).not.toContain(CommandType.CONNECTED);
      }),
      { numRuns: TCP_RUNS },
    );
  }, 120_000);

  it('still serves a legitimate client afterwards', async () => {
    const { client, connected } = await tokenConnect(broker.port, await key.sign('admin'));
    expect(connected).toBe(true);
    client.send({
      type: CommandType.PRODUCER,
      producer: { topic: 'persistent://public/default/after-fuzz', producer_id: 1, request_id: 1 },
    });
    expect((await client.response(1)).command.type).toBe(CommandType.PRODUCER_SUCCESS);
    client.close();
  });
});
