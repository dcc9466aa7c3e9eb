// `magnetar tokens` through commander, with keys written to a temporary directory, and round trips
// through the broker's real token provider: what the CLI makes, the broker accepts.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { testAuthServices, type TestResources } from '../../../server/src/auth/testing.js';
import { createProgram } from '../program.js';
import { EXIT_BAD_INPUT, EXIT_INVALID_TOKEN, parseDuration, registerTokens } from './tokens.js';

const dir = mkdtempSync(join(tmpdir(), 'magnetar-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const open: TestResources[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

const NOW_S = 1_900_000_000;

class Aborted extends Error {
  constructor(readonly code: number) {
    super(`aborted with ${code}`);
  }
}

/** Runs `magnetar tokens ...args`; resolves with what it printed and the exit status it chose. */
async function tokens(...args: string[]) {
  const out: (string | Uint8Array)[] = [];
  const err: string[] = [];
  let exit = 0;
  const program = createProgram();
  program.exitOverride();
  program.configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  registerTokens(program, {
    out: (d) => out.push(d),
    err: (t) => err.push(t),
    exit: (code) => {
      exit = code;
    },
    abort: (code) => {
      throw new Aborted(code);
    },
    nowSeconds: () => NOW_S,
  });
  try {
    await program.parseAsync(['node', 'magnetar', 'tokens', ...args]);
  } catch (e) {
    if (!(e instanceof Aborted)) throw e;
    exit = e.code;
  }
  const text = out.map((o) => (typeof o === 'string' ? o : Buffer.from(o).toString('latin1'))).join('');
  return { out, text, stderr: err.join(''), exit };
}

async function provider(settings: Record<string, string>, nowMs = NOW_S * 1000) {
  const built = await testAuthServices({ authenticationProviders: 'token', ...settings }, nowMs);
  open.push(built);
  return built;
}

const connect = (auth: Awaited<ReturnType<typeof provider>>['auth'], token: string) =>
  auth.authentication.authenticate({ method: 'token', data: Buffer.from(token), remoteAddress: 'x:1' });

describe('parseDuration', () => {
  it('reads Pulsar’s relative times', () => {
    expect(parseDuration('30s')).toBe(30);
    expect(parseDuration('15m')).toBe(900);
    expect(parseDuration('1h')).toBe(3600);
    expect(parseDuration('30d')).toBe(30 * 86_400);
    expect(parseDuration('2w')).toBe(14 * 86_400);
    expect(parseDuration('1y')).toBe(365 * 86_400);
    for (const bad of ['', '1', 'h', '1.5h', '-1h', '0s', '10x', '1 hour'])
      expect(() => parseDuration(bad)).toThrow();
  });
});

describe('magnetar tokens create-secret-key', () => {
  it('writes raw random bytes of the algorithm’s size, readable only by the owner', async () => {
    const file = join(dir, 'hs256.key');
    const r = await tokens('create-secret-key', '--output', file);
    expect(r.exit).toBe(0);
    expect(readFileSync(file)).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const big = join(dir, 'hs512.key');
    await tokens('create-secret-key', '-a', 'HS512', '-o', big);
    expect(readFileSync(big)).toHaveLength(64);
    expect(readFileSync(file).equals(readFileSync(big).subarray(0, 32))).toBe(false);
  });

  it('prints base64 with --base64', async () => {
    const r = await tokens('create-secret-key', '--base64');
    expect(r.text).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(Buffer.from(r.text.trim(), 'base64')).toHaveLength(32);
  });
});

describe('magnetar tokens create and the broker', () => {
  it('makes HS256 tokens that the token provider accepts', async () => {
    const key = join(dir, 'secret.key');
    await tokens('create-secret-key', '-o', key);
    const r = await tokens('create', '--subject', 'alice', '--secret-key', pathToFileURL(key).href);
    expect(r.exit).toBe(0);
    const token = r.text.trim();
    const { auth } = await provider({ tokenSecretKey: key });
    expect(await connect(auth, token)).toEqual({ role: 'alice', method: 'token' });
  });

  it('makes tokens from a base64 secret given as a data URL', async () => {
    const secret = (await tokens('create-secret-key', '--base64')).text.trim();
    const spec = `data:;base64,${secret}`;
    const token = (await tokens('create', '-s', 'bob', '--secret-key', spec)).text.trim();
    const { auth } = await provider({ tokenSecretKey: spec });
    expect((await connect(auth, token)).role).toBe('bob');
  });

  it('makes RS256 and ES256 key pairs in DER or PEM whose tokens verify with the public key', async () => {
    for (const [alg, pem] of [
      ['RS256', false],
      ['ES256', false],
      ['ES384', true],
      ['PS256', true],
    ] as const) {
      const priv = join(dir, `${alg}.private`);
      const pub = join(dir, `${alg}.public`);
      const made = await tokens(
        'create-key-pair',
        '-a',
        alg,
        '--output-private-key',
        priv,
        '--output-public-key',
        pub,
        ...(pem ? ['--pem'] : []),
      );
      expect(made.exit).toBe(0);
      expect(readFileSync(pub).toString('latin1').startsWith('-----BEGIN PUBLIC KEY')).toBe(pem);
      const created = await tokens('create', '-s', `svc-${alg}`, '--private-key', priv, '-a', alg);
      expect(created.stderr).toBe('');
      const token = created.text.trim();
      expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({ alg });
      const { auth } = await provider({ tokenPublicKey: pub, tokenPublicAlg: alg });
      expect((await connect(auth, token)).role).toBe(`svc-${alg}`);
    }
  });

  it('picks the algorithm from the private key when none is given', async () => {
    const priv = join(dir, 'ec.private');
    const pub = join(dir, 'ec.public');
    await tokens('create-key-pair', '-a', 'ES256', '--output-private-key', priv, '--output-public-key', pub);
    const token = (await tokens('create', '-s', 'x', '--private-key', priv)).text.trim();
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({ alg: 'ES256' });
  });

  it('sets exp from --expiry-time, which the broker enforces', async () => {
    const key = join(dir, 'exp.key');
    await tokens('create-secret-key', '-o', key);
    const token = (
      await tokens('create', '-s', 'tmp', '--secret-key', key, '--expiry-time', '1h')
    ).text.trim();
    const { auth, clock } = await provider({ tokenSecretKey: key });
    expect(await connect(auth, token)).toEqual({
      role: 'tmp',
      method: 'token',
      expiresAtMs: (NOW_S + 3600) * 1000,
    });
    clock.advance(3600 * 1000);
    await expect(connect(auth, token)).rejects.toThrow(/expired/);
  });
});

describe('magnetar tokens show and validate', () => {
  it('shows header and claims without checking the signature', async () => {
    const key = join(dir, 'show.key');
    await tokens('create-secret-key', '-o', key);
    const token = (await tokens('create', '-s', 'carol', '--secret-key', key, '-e', '30d')).text.trim();
    const r = await tokens('show', token);
    expect(JSON.parse(r.text)).toEqual({
      header: { alg: 'HS256' },
      payload: { sub: 'carol', exp: NOW_S + 30 * 86_400 },
    });
    const bad = await tokens('show', 'not-a-token');
    expect(bad.exit).toBe(EXIT_BAD_INPUT);
    expect(bad.stderr).toMatch(/^error: not a JWT/);
  });

  it('validates with the right key and refuses others, expired ones and garbage with status 1', async () => {
    const key = join(dir, 'v.key');
    const other = join(dir, 'v-other.key');
    await tokens('create-secret-key', '-o', key);
    await tokens('create-secret-key', '-o', other);
    const token = (await tokens('create', '-s', 'dave', '--secret-key', key, '-e', '1h')).text.trim();
    const ok = await tokens('validate', token, '--secret-key', key);
    expect(ok).toMatchObject({ exit: 0, stderr: '' });
    expect(ok.text).toBe(`valid: subject "dave", expires ${new Date((NOW_S + 3600) * 1000).toISOString()}\n`);
    const wrong = await tokens('validate', token, '--secret-key', other);
    expect(wrong.exit).toBe(EXIT_INVALID_TOKEN);
    expect(wrong.stderr).toMatch(/^invalid: signature verification failed/);
    expect((await tokens('validate', 'garbage', '--secret-key', key)).exit).toBe(EXIT_INVALID_TOKEN);

    const priv = join(dir, 'v.private');
    const pub = join(dir, 'v.public');
    await tokens('create-key-pair', '--output-private-key', priv, '--output-public-key', pub);
    const rs = (await tokens('create', '-s', 'erin', '--private-key', priv)).text.trim();
    expect((await tokens('validate', rs, '--public-key', pub)).exit).toBe(0);
    // An HS256 token signed with the public key's bytes must not pass as RS256.
    const confused = (await tokens('create', '-s', 'root', '--secret-key', pub)).text.trim();
    expect((await tokens('validate', confused, '--public-key', pub)).exit).toBe(EXIT_INVALID_TOKEN);
  });
});

describe('bad input', () => {
  it('reports a missing key file clearly, with status 2', async () => {
    const missing = join(dir, 'missing.key');
    const r = await tokens('create', '-s', 'a', '--secret-key', missing);
    expect(r).toMatchObject({ exit: EXIT_BAD_INPUT, text: '' });
    expect(r.stderr).toBe(`error: cannot read key file ${missing} (ENOENT)\n`);
    const v = await tokens('validate', 'x.y.z', '--public-key', pathToFileURL(missing).href);
    expect(v.exit).toBe(EXIT_BAD_INPUT);
    expect(v.stderr).toContain(missing);
  });

  it('needs exactly one key, a subject and known algorithms', async () => {
    const key = join(dir, 'b.key');
    await tokens('create-secret-key', '-o', key);
    expect((await tokens('create', '-s', 'a')).stderr).toMatch(
      /exactly one of --secret-key and --private-key/,
    );
    expect((await tokens('create', '-s', 'a', '--secret-key', key, '--private-key', key)).exit).toBe(
      EXIT_BAD_INPUT,
    );
    const noSubject = await tokens('create', '--secret-key', key);
    expect(noSubject.exit).toBe(EXIT_BAD_INPUT);
    expect(noSubject.stderr).toMatch(/required option '-s, --subject <role>'/);
    expect((await tokens('create', '-s', '', '--secret-key', key)).stderr).toMatch(
      /--subject must not be empty/,
    );
    expect((await tokens('create', '-s', 'a', '--secret-key', key, '-a', 'none')).exit).toBe(EXIT_BAD_INPUT);
    expect((await tokens('create', '-s', 'a', '--secret-key', key, '-a', 'RS256')).stderr).toMatch(
      /a secret key signs HS256, HS384 or HS512/,
    );
    expect((await tokens('create', '-s', 'a', '--secret-key', key, '-a', 'HS512')).stderr).toMatch(
      /HS512 needs a secret of at least 64 bytes; this one has 32/,
    );
    const badExpiry = await tokens('create', '-s', 'a', '--secret-key', key, '-e', '10x');
    expect(badExpiry.exit).toBe(EXIT_BAD_INPUT);
    expect(badExpiry.stderr).toMatch(/not a duration/);
    expect((await tokens('create-key-pair', '--output-private-key', join(dir, 'p'))).exit).toBe(
      EXIT_BAD_INPUT,
    );
    expect((await tokens('create', '-s', 'a', '--private-key', key)).stderr).toMatch(/not a private key/);
  });

  it('refuses a private key that does not fit the algorithm', async () => {
    const priv = join(dir, 'fit.private');
    await tokens(
      'create-key-pair',
      '-a',
      'ES256',
      '--output-private-key',
      priv,
      '--output-public-key',
      join(dir, 'fit.public'),
    );
    expect((await tokens('create', '-s', 'a', '--private-key', priv, '-a', 'RS256')).stderr).toMatch(
      /a ec key cannot be used with RS256/,
    );
    expect((await tokens('create', '-s', 'a', '--private-key', priv, '-a', 'ES384')).exit).toBe(
      EXIT_BAD_INPUT,
    );
  });
});
