// Token authentication through the real factory: keys from every kind of setting, pinned
// algorithms, time claims judged by the injected clock, audience and role claims.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { BrokerConfig } from '../config/schema.js';
import { AuthenticationFailure, type AuthServices } from './index.js';
import { HmacTokenFixture, KeyPairTokenFixture, testAuthServices, type TestResources } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'magnetar-token-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const open: TestResources[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

const NOW_MS = Date.UTC(2030, 0, 1);
const NOW_S = NOW_MS / 1000;

async function services(settings: Partial<BrokerConfig>) {
  const built = await testAuthServices(settings, NOW_MS);
  open.push(built);
  return built;
}

function connect(auth: AuthServices, token: string, method = 'token') {
  return auth.authentication.authenticate({
    method,
    data: Buffer.from(token),
    remoteAddress: '127.0.0.1:1',
  });
}

async function refusal(p: Promise<unknown>): Promise<AuthenticationFailure> {
  const err = await p.then(
    () => new Error('expected an AuthenticationFailure'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthenticationFailure);
  return err as AuthenticationFailure;
}

const hmac = new HmacTokenFixture();
const rsa = new KeyPairTokenFixture('RS256');
const ec = new KeyPairTokenFixture('ES256');

describe('token provider with a secret key', () => {
  it('accepts a signed token and reports the role and expiry', async () => {
    const { auth } = await services(hmac.settings);
    const token = await hmac.sign('alice', { exp: NOW_S + 60 });
    expect(await connect(auth, token)).toEqual({
      role: 'alice',
      method: 'token',
      expiresAtMs: (NOW_S + 60) * 1000,
    });
    expect(await connect(auth, await hmac.sign('bob'))).toEqual({ role: 'bob', method: 'token' });
  });

  it('refuses a token signed with another secret, without echoing it', async () => {
    const { auth } = await services(hmac.settings);
    const forged = await new HmacTokenFixture().sign('alice');
    const err = await refusal(connect(auth, forged));
    expect(err.message).toMatch(/signature verification failed/);
    expect(err.message).not.toContain(forged);
    expect(err.message).not.toContain(forged.split('.')[2]);
  });

  it('refuses a token whose signature was altered', async () => {
    const { auth } = await services(hmac.settings);
    const token = await hmac.sign('alice');
    const [h, p, s] = token.split('.');
    const flipped = `${h}.${p}.${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`;
    await refusal(connect(auth, flipped));
    // A payload swapped under the original signature is refused too.
    const other = (await hmac.sign('mallory')).split('.')[1];
    await refusal(connect(auth, `${h}.${other}.${s}`));
  });

  it('judges exp and nbf by the injected clock', async () => {
    const { auth, clock } = await services(hmac.settings);
    const expiring = await hmac.sign('alice', { exp: NOW_S + 10 });
    const later = await hmac.sign('alice', { nbf: NOW_S + 10 });
    expect((await refusal(connect(auth, later))).message).toMatch(/not yet valid/);
    expect((await connect(auth, expiring)).role).toBe('alice');
    clock.advance(10_000);
    // exp is exclusive: at exp the token is no longer valid; nbf is inclusive.
    expect((await refusal(connect(auth, expiring))).message).toMatch(/expired/);
    expect((await connect(auth, later)).role).toBe('alice');
  });

  it('refuses alg "none"', async () => {
    const { auth } = await services(hmac.settings);
    const unsigned = new UnsecuredJWT({ sub: 'root' }).encode();
    await refusal(connect(auth, unsigned));
    await refusal(connect(auth, `${unsigned}x`));
  });

  it('refuses HS384/HS512 when the secret is shorter than their hash', async () => {
    const { auth } = await services(hmac.settings);
    await refusal(connect(auth, await hmac.sign('alice', { alg: 'HS512' })));
    const long = new HmacTokenFixture();
    const longSecret = Buffer.concat([long.secret, long.secret]);
    const { auth: auth64 } = await services({
      authenticationProviders: 'token',
      tokenSecretKey: `data:;base64,${longSecret.toString('base64')}`,
    });
    const hs512 = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS512' }).sign(longSecret);
    expect((await connect(auth64, hs512)).role).toBe('x');
  });

  it('reads the secret from file:///, a plain path and a data URL', async () => {
    const file = join(dir, 'secret.key');
    writeFileSync(file, hmac.secret);
    const token = await hmac.sign('alice');
    for (const tokenSecretKey of [pathToFileURL(file).href, file, hmac.settings.tokenSecretKey]) {
      const { auth } = await services({ authenticationProviders: 'token', tokenSecretKey });
      expect((await connect(auth, token)).role).toBe('alice');
    }
  });

  it('uses a file holding base64 text as those bytes, as Pulsar does', async () => {
    const file = join(dir, 'secret.b64');
    const text = Buffer.from(hmac.secret.toString('base64'));
    writeFileSync(file, text);
    const { auth } = await services({ authenticationProviders: 'token', tokenSecretKey: file });
    await refusal(connect(auth, await hmac.sign('alice')));
    const signedWithText = await new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(text);
    expect((await connect(auth, signedWithText)).role).toBe('alice');
  });
});

describe('token provider with a public key', () => {
  it('accepts RS256 tokens with the key as DER or PEM, from a file or data URL', async () => {
    const der = join(dir, 'rsa.der');
    const pem = join(dir, 'rsa.pem');
    writeFileSync(der, rsa.publicDer);
    writeFileSync(pem, rsa.publicPem);
    const token = await rsa.sign('svc', { exp: NOW_S + 5 });
    for (const tokenPublicKey of [der, pathToFileURL(pem).href, rsa.settings.tokenPublicKey]) {
      const { auth } = await services({ ...rsa.settings, tokenPublicKey });
      expect(await connect(auth, token)).toEqual({
        role: 'svc',
        method: 'token',
        expiresAtMs: (NOW_S + 5) * 1000,
      });
    }
  });

  it('accepts ES256 tokens with an EC key', async () => {
    const { auth } = await services(ec.settings);
    expect((await connect(auth, await ec.sign('edge'))).role).toBe('edge');
  });

  it('refuses a token HMAC-signed with the public key bytes (HS/RS confusion)', async () => {
    const { auth } = await services(rsa.settings);
    for (const secret of [rsa.publicDer, Buffer.from(rsa.publicPem)]) {
      const confused = await new SignJWT({ sub: 'root' }).setProtectedHeader({ alg: 'HS256' }).sign(secret);
      expect((await refusal(connect(auth, confused))).message).toMatch(/algorithm not accepted/);
    }
  });

  it('refuses a token of another algorithm than tokenPublicAlg', async () => {
    const { auth } = await services(ec.settings);
    await refusal(connect(auth, await rsa.sign('svc')));
    const { auth: rsAuth } = await services(rsa.settings);
    await refusal(connect(rsAuth, await ec.sign('svc')));
    // Same RSA key, but PS256 instead of the configured RS256.
    await refusal(connect(rsAuth, await rsa.sign('svc', { alg: 'PS256' })));
  });

  it('refuses a token signed by another key pair', async () => {
    const { auth } = await services(ec.settings);
    await refusal(connect(auth, await new KeyPairTokenFixture('ES256').sign('svc')));
  });
});

describe('token claims', () => {
  it('checks the audience only when tokenAudience is set', async () => {
    const { auth } = await services({ ...hmac.settings, tokenAudience: 'broker-a' });
    expect((await connect(auth, await hmac.sign('a', { claims: { aud: 'broker-a' } }))).role).toBe('a');
    expect((await connect(auth, await hmac.sign('a', { claims: { aud: ['x', 'broker-a'] } }))).role).toBe(
      'a',
    );
    await refusal(connect(auth, await hmac.sign('a', { claims: { aud: 'broker-b' } })));
    await refusal(connect(auth, await hmac.sign('a', { claims: { aud: ['x'] } })));
    await refusal(connect(auth, await hmac.sign('a')));
    const { auth: open } = await services(hmac.settings);
    expect((await connect(open, await hmac.sign('a', { claims: { aud: 'anything' } }))).role).toBe('a');
  });

  it('reads the audience from tokenAudienceClaim', async () => {
    const { auth } = await services({ ...hmac.settings, tokenAudience: 'b1', tokenAudienceClaim: 'brokers' });
    expect((await connect(auth, await hmac.sign('a', { claims: { brokers: ['b1'] } }))).role).toBe('a');
    await refusal(connect(auth, await hmac.sign('a', { claims: { aud: 'b1' } })));
  });

  it('needs a non-empty string role in tokenAuthClaim', async () => {
    const { auth } = await services(hmac.settings);
    expect((await refusal(connect(auth, await hmac.sign(undefined)))).message).toMatch(/no role/);
    await refusal(connect(auth, await hmac.sign('')));
    await refusal(connect(auth, await hmac.sign(undefined, { claims: { sub: 42 } })));
    await refusal(connect(auth, await hmac.sign(undefined, { claims: { sub: ['a'] } })));
    const { auth: custom } = await services({ ...hmac.settings, tokenAuthClaim: 'role' });
    expect((await connect(custom, await hmac.sign('ignored', { claims: { role: 'r1' } }))).role).toBe('r1');
    await refusal(connect(custom, await hmac.sign('only-sub')));
  });

  it('refuses blank and malformed tokens', async () => {
    const { auth } = await services(hmac.settings);
    await refusal(connect(auth, ''));
    await refusal(connect(auth, '   '));
    await refusal(connect(auth, 'a.b.c'));
    await refusal(connect(auth, 'not a jwt at all'));
  });
});

describe('token provider start-up errors', () => {
  const fails = (settings: Partial<BrokerConfig>) => testAuthServices(settings);

  it('names the setting and file of a missing key', async () => {
    const missing = join(dir, 'nope.key');
    await expect(fails({ authenticationProviders: 'token', tokenSecretKey: missing })).rejects.toThrow(
      `tokenSecretKey: cannot read ${missing} (ENOENT)`,
    );
    await expect(
      fails({ authenticationProviders: 'token', tokenPublicKey: pathToFileURL(missing).href }),
    ).rejects.toThrow(/tokenPublicKey: cannot read .*nope\.key/);
  });

  it('refuses a token provider without a key, a short secret, or a key that is not a public key', async () => {
    await expect(fails({ authenticationProviders: 'token' })).rejects.toThrow(/needs tokenSecretKey/);
    await expect(
      fails({ authenticationProviders: 'token', tokenSecretKey: 'data:;base64,c2hvcnQ=' }),
    ).rejects.toThrow(/5 bytes; HMAC keys need at least 32/);
    const junk = join(dir, 'junk.der');
    writeFileSync(junk, 'definitely not DER');
    await expect(fails({ authenticationProviders: 'token', tokenPublicKey: junk })).rejects.toThrow(
      new RegExp(`tokenPublicKey: ${junk} is not a readable DER`),
    );
    await expect(
      fails({ authenticationProviders: 'token', tokenPublicKey: 'data:text/plain,abc' }),
    ).rejects.toThrow(/data:;base64/);
  });

  it('refuses a key that does not fit tokenPublicAlg, and unknown algorithms', async () => {
    await expect(fails({ ...ec.settings, tokenPublicAlg: 'RS256' })).rejects.toThrow(
      /is a ec key, but RS256 needs an RSA key/,
    );
    await expect(fails({ ...rsa.settings, tokenPublicAlg: 'ES256' })).rejects.toThrow(/needs an EC key/);
    await expect(fails({ ...ec.settings, tokenPublicAlg: 'ES384' })).rejects.toThrow(/needs secp384r1/);
    await expect(fails({ ...rsa.settings, tokenPublicAlg: 'HS256' })).rejects.toThrow(
      /tokenPublicAlg: "HS256" is not supported/,
    );
    await expect(fails({ ...rsa.settings, tokenPublicAlg: 'none' })).rejects.toThrow(/not supported/);
  });
});
