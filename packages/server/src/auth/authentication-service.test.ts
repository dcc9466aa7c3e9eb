// The authentication service as the transports use it: choosing the provider, anonymous access,
// the size limit, HTTP headers, TLS client certificates from a real handshake, the factory's
// start-up errors, and random input that must only ever be refused.
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connect as tlsConnect,
  createServer as createTlsServer,
  type PeerCertificate,
  type TLSSocket,
} from 'node:tls';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mintCertificates, type MintedCertificates } from '../../../../test/helpers/certs.js';
import type { BrokerConfig } from '../config/schema.js';
import { createAuthServices, disabledAuthServices, parseProviderKinds } from './index.js';
import { AuthenticationFailure, type AuthCredentials, type AuthServices } from './index.js';
import {
  HmacTokenFixture,
  securityConfig,
  silentLog,
  testAuthServices,
  testResources,
  type TestResources,
} from './testing.js';

const open: TestResources[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

const hmac = new HmacTokenFixture();
const htpasswd =
  'data:;base64,' + Buffer.from('u:$apr1$abcdefgh$Kd7xivT/4m5YQ6yNN7RCn/\n').toString('base64');

async function services(settings: Partial<BrokerConfig>) {
  const built = await testAuthServices(settings);
  open.push(built);
  return built.auth;
}

const creds = (
  method: string,
  data: string | Buffer,
  extra: Partial<AuthCredentials> = {},
): AuthCredentials => ({
  method,
  data: typeof data === 'string' ? Buffer.from(data) : data,
  remoteAddress: '127.0.0.1:1',
  ...extra,
});

async function refused(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthenticationFailure);
  return (err as Error).message;
}

describe('choosing a provider', () => {
  it('routes by method name and reports the configured methods', async () => {
    const auth = await services({
      authenticationProviders: 'token,basic',
      tokenSecretKey: hmac.settings.tokenSecretKey,
      basicAuthConf: htpasswd,
    });
    expect(auth.authentication.enabled).toBe(true);
    expect(auth.authentication.methods).toEqual(['token', 'basic']);
    expect(await auth.authentication.authenticate(creds('token', await hmac.sign('t1')))).toMatchObject({
      role: 't1',
    });
    // A token sent as "basic" is not a token.
    await refused(auth.authentication.authenticate(creds('basic', await hmac.sign('t1'))));
  });

  it('refuses an unknown method, naming the configured ones but not the credential', async () => {
    const auth = await services(hmac.settings);
    const message = await refused(auth.authentication.authenticate(creds('kerberos', 'ticket-123')));
    expect(message).toBe('Unsupported authentication method; this broker accepts token');
    expect(message).not.toContain('ticket-123');
    await refused(auth.authentication.authenticate(creds('tls', '')));
  });

  it('accepts Pulsar class names and short names, once each', () => {
    expect(
      parseProviderKinds(
        'org.apache.pulsar.broker.authentication.AuthenticationProviderToken, tls,BASIC,token',
      ),
    ).toEqual(['token', 'tls', 'basic']);
    expect(parseProviderKinds(' , ')).toEqual([]);
  });
});

describe('anonymous access', () => {
  it('gives clients without credentials the anonymous role when one is set', async () => {
    const auth = await services({ ...hmac.settings, anonymousUserRole: 'guest' });
    for (const method of ['', 'none']) {
      expect(await auth.authentication.authenticate(creds(method, ''))).toEqual({
        role: 'guest',
        method: 'anonymous',
      });
    }
    expect(
      await auth.authentication.authenticateHttp({ authorization: undefined, remoteAddress: 'x' }),
    ).toEqual({
      role: 'guest',
      method: 'anonymous',
    });
    expect(auth.authentication.anonymousRole).toBe('guest');
    // Credentials that fail are refused, not downgraded to anonymous.
    await refused(auth.authentication.authenticate(creds('token', 'garbage')));
    await refused(auth.authentication.authenticate(creds('none', 'data')));
  });

  it('refuses clients without credentials when no anonymous role is set', async () => {
    const auth = await services(hmac.settings);
    expect(await refused(auth.authentication.authenticate(creds('', '')))).toBe('Authentication required');
    expect(await refused(auth.authentication.authenticate(creds('none', '')))).toBe(
      'Authentication required',
    );
    await refused(auth.authentication.authenticateHttp({ authorization: undefined, remoteAddress: 'x' }));
    await refused(auth.authentication.authenticateHttp({ authorization: '  ', remoteAddress: 'x' }));
  });

  it('may run with only an anonymous role', async () => {
    const auth = await services({ anonymousUserRole: 'everyone' });
    expect(auth.authentication.methods).toEqual([]);
    expect((await auth.authentication.authenticate(creds('', ''))).role).toBe('everyone');
    await refused(auth.authentication.authenticate(creds('token', 'x')));
  });
});

describe('size limit', () => {
  it('refuses data over maxAuthDataSizeBytes before parsing it', async () => {
    const auth = await services({ ...hmac.settings, maxAuthDataSizeBytes: 256 });
    const big = 'x'.repeat(257);
    expect(await refused(auth.authentication.authenticate(creds('token', big)))).toMatch(
      /257 bytes, more than maxAuthDataSizeBytes \(256\)/,
    );
    // Even for an unknown method or the anonymous methods: the size is checked first.
    expect(await refused(auth.authentication.authenticate(creds('nope', big)))).toMatch(
      /maxAuthDataSizeBytes/,
    );
    expect(
      await refused(
        auth.authentication.authenticateHttp({ authorization: `Bearer ${big}`, remoteAddress: 'x' }),
      ),
    ).toMatch(/maxAuthDataSizeBytes/);
    const padded = await hmac.sign('a'.repeat(80));
    expect(padded.length).toBeLessThanOrEqual(256);
    expect((await auth.authentication.authenticate(creds('token', padded))).role).toBe('a'.repeat(80));
  });
});

describe('HTTP', () => {
  it('maps Bearer to token and Basic to basic, case-insensitively', async () => {
    const auth = await services({
      authenticationProviders: 'token,basic',
      tokenSecretKey: hmac.settings.tokenSecretKey,
      basicAuthConf: htpasswd,
    });
    const token = await hmac.sign('web');
    for (const authorization of [`Bearer ${token}`, `bearer ${token}`, `  BEARER   ${token}  `]) {
      expect(await auth.authentication.authenticateHttp({ authorization, remoteAddress: 'x' })).toEqual({
        role: 'web',
        method: 'token',
      });
    }
    const message = await refused(
      auth.authentication.authenticateHttp({ authorization: 'Basic dTp3cm9uZw==', remoteAddress: 'x' }),
    );
    expect(message).toBe('Unknown user or wrong password');
  });

  it('refuses other schemes and schemes whose provider is off', async () => {
    const auth = await services(hmac.settings);
    expect(
      await refused(
        auth.authentication.authenticateHttp({ authorization: 'Digest abc', remoteAddress: 'x' }),
      ),
    ).toMatch(/Unsupported Authorization scheme/);
    expect(
      await refused(
        auth.authentication.authenticateHttp({ authorization: 'Basic dTpw', remoteAddress: 'x' }),
      ),
    ).toBe('basic authentication is not enabled; this broker accepts token');
    await refused(auth.authentication.authenticateHttp({ authorization: 'Bearer', remoteAddress: 'x' }));
  });
});

describe('TLS client certificates', () => {
  let dir: string;
  let certs: MintedCertificates;
  let other: MintedCertificates;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'magnetar-tls-auth-'));
    certs = await mintCertificates(join(dir, 'a'), { clients: ['alice'] });
    other = await mintCertificates(join(dir, 'b'), { clients: ['mallory'] });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Handshakes with the client certificate and returns what the server saw, as a transport would. */
  async function handshake(client: { certFile: string; keyFile: string } | undefined) {
    const server = createTlsServer({
      cert: readFileSync(certs.server.certFile),
      key: readFileSync(certs.server.keyFile),
      ca: readFileSync(certs.caFile),
      requestCert: true,
      rejectUnauthorized: false,
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const seen = once(server, 'secureConnection');
    const socket = tlsConnect({
      port: (server.address() as AddressInfo).port,
      host: '127.0.0.1',
      ca: readFileSync(certs.caFile),
      ...(client ? { cert: readFileSync(client.certFile), key: readFileSync(client.keyFile) } : {}),
    });
    const [conn] = (await seen) as [TLSSocket];
    // The transport's rule: only a certificate that verified is handed to authentication.
    const peerCertificate: PeerCertificate | undefined = conn.authorized
      ? conn.getPeerCertificate()
      : undefined;
    socket.destroy();
    conn.destroy();
    server.close();
    return { peerCertificate, raw: conn.getPeerCertificate() };
  }

  it('takes the role from the CN of a verified certificate', async () => {
    const auth = await services({ authenticationProviders: 'tls', tlsTrustCertsFilePath: certs.caFile });
    const { peerCertificate } = await handshake(certs.clients.alice);
    expect(peerCertificate).toBeDefined();
    expect(await auth.authentication.authenticate(creds('tls', '', { peerCertificate }))).toEqual({
      role: 'alice',
      method: 'tls',
    });
    expect(
      await auth.authentication.authenticateHttp({
        authorization: undefined,
        peerCertificate,
        remoteAddress: 'x',
      }),
    ).toEqual({
      role: 'alice',
      method: 'tls',
    });
  });

  it('refuses a connection without a (verified) certificate', async () => {
    const auth = await services({ authenticationProviders: 'tls', tlsTrustCertsFilePath: certs.caFile });
    const none = await handshake(undefined);
    // Node reports "no certificate" as an empty object.
    expect(
      await refused(auth.authentication.authenticate(creds('tls', '', { peerCertificate: none.raw }))),
    ).toMatch(/needs a client certificate/);
    await refused(auth.authentication.authenticate(creds('tls', '')));
    const foreign = await handshake(other.clients.mallory);
    expect(foreign.peerCertificate).toBeUndefined();
    await refused(
      auth.authentication.authenticate(creds('tls', '', { peerCertificate: foreign.peerCertificate })),
    );
    await refused(
      auth.authentication.authenticateHttp({
        authorization: undefined,
        peerCertificate: none.raw,
        remoteAddress: 'x',
      }),
    );
  });

  it('refuses a certificate without a common name', async () => {
    const auth = await services({ authenticationProviders: 'tls' });
    const { peerCertificate } = await handshake(certs.clients.alice);
    const noCn = { ...peerCertificate, subject: { O: 'org' } } as PeerCertificate;
    expect(
      await refused(auth.authentication.authenticate(creds('tls', '', { peerCertificate: noCn }))),
    ).toMatch(/no common name/);
  });
});

describe('createAuthServices start-up errors', () => {
  const build = async (settings: Partial<BrokerConfig>) => {
    const res = await testResources();
    open.push(res);
    return createAuthServices(securityConfig(settings), {
      resources: res.resources,
      log: silentLog,
      clock: { now: () => 0 },
    });
  };

  it('refuses an unknown provider, naming it', async () => {
    await expect(build({ ...hmac.settings, authenticationProviders: 'token,kerberos' })).rejects.toThrow(
      'authenticationProviders: unknown provider "kerberos"',
    );
    await expect(
      build({
        authenticationProviders: 'org.apache.pulsar.broker.authentication.AuthenticationProviderSasl',
      }),
    ).rejects.toThrow(
      /unknown provider "org\.apache\.pulsar\.broker\.authentication\.AuthenticationProviderSasl"/,
    );
  });

  it('refuses authentication without providers or anonymous role, and authorization without authentication', async () => {
    await expect(build({})).rejects.toThrow(/needs authenticationProviders .* or anonymousUserRole/);
    await expect(build({ authenticationEnabled: false, authorizationEnabled: true })).rejects.toThrow(
      /authorizationEnabled=true needs authenticationEnabled=true/,
    );
  });

  it('returns the disabled services when authentication is off', async () => {
    const auth = await build({ authenticationEnabled: false, authenticationProviders: 'token' });
    expect(auth.authentication.enabled).toBe(false);
    expect(auth.authorization.enabled).toBe(false);
    expect(disabledAuthServices().authentication.enabled).toBe(false);
  });
});

describe('random input', () => {
  it('never authenticates and only ever rejects with AuthenticationFailure', async () => {
    const auth: AuthServices = await services({
      authenticationProviders: 'token,basic,tls',
      tokenSecretKey: hmac.settings.tokenSecretKey,
      basicAuthConf: htpasswd,
      maxAuthDataSizeBytes: 4096,
    });
    const method = fc.oneof(
      fc.constantFrom('token', 'basic', 'tls', '', 'none'),
      fc.string({ maxLength: 12 }),
    );
    const data = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 600 }).map((b) => Buffer.from(b)),
      fc.string({ minLength: 1, maxLength: 300 }).map((s) => Buffer.from(s)),
      // Three base64url parts: shaped like a JWT, to get past the first checks.
      fc
        .tuple(
          fc.uint8Array({ maxLength: 80 }),
          fc.uint8Array({ maxLength: 80 }),
          fc.uint8Array({ maxLength: 64 }),
        )
        .map((parts) => Buffer.from(parts.map((p) => Buffer.from(p).toString('base64url')).join('.'))),
    );
    await fc.assert(
      fc.asyncProperty(method, data, async (m, d) => {
        await refused(auth.authentication.authenticate(creds(m, d)));
      }),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (header) => {
        fc.pre(header.trim() !== '');
        await refused(auth.authentication.authenticateHttp({ authorization: header, remoteAddress: 'x' }));
      }),
      { numRuns: 200 },
    );
  });
});
