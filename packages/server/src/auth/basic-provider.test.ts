// Basic authentication against real htpasswd hashes ($apr1$ and bcrypt), over both transports, and
// the start-up errors of a bad basicAuthConf.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import bcrypt from 'bcryptjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseHtpasswd } from './htpasswd.js';
import { AuthenticationFailure, type AuthServices } from './index.js';
import { testAuthServices, type TestResources } from './testing.js';

const aprMd5 = createRequire(import.meta.url)('apache-md5') as (password: string, salt?: string) => string;

const dir = mkdtempSync(join(tmpdir(), 'magnetar-basic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const open: TestResources[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

// Low bcrypt cost keeps the suite fast; the cost does not change what is checked.
const bcryptB = bcrypt.hashSync('b-secret', 4);
const htpasswd = [
  '# users of the test broker',
  `apr:${aprMd5('apr-secret')}`,
  `bee:${bcryptB}`,
  `why:${bcrypt.hashSync('y-secret', 4).replace(/^\$2b\$/, '$2y$')}`,
  `ay:${bcrypt.hashSync('a-secret', 4).replace(/^\$2b\$/, '$2a$')}`,
  '',
].join('\n');
const file = join(dir, 'users.htpasswd');
writeFileSync(file, htpasswd);

async function services(basicAuthConf = file, extra = {}) {
  const built = await testAuthServices({ authenticationProviders: 'basic', basicAuthConf, ...extra });
  open.push(built);
  return built.auth;
}

const binary = (auth: AuthServices, userInfo: string) =>
  auth.authentication.authenticate({ method: 'basic', data: Buffer.from(userInfo), remoteAddress: 'x:1' });
const http = (auth: AuthServices, userInfo: string) =>
  auth.authentication.authenticateHttp({
    authorization: `Basic ${Buffer.from(userInfo).toString('base64')}`,
    remoteAddress: 'x:1',
  });

async function refused(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthenticationFailure);
  return (err as Error).message;
}

describe('basic provider', () => {
  it('accepts the right password for $apr1$, $2a$, $2b$ and $2y$ users on both transports', async () => {
    const auth = await services();
    for (const [user, password] of [
      ['apr', 'apr-secret'],
      ['bee', 'b-secret'],
      ['why', 'y-secret'],
      ['ay', 'a-secret'],
    ]) {
      expect(await binary(auth, `${user}:${password}`)).toEqual({ role: user, method: 'basic' });
      expect(await http(auth, `${user}:${password}`)).toEqual({ role: user, method: 'basic' });
    }
  });

  it('refuses wrong passwords and unknown users with one message that echoes nothing', async () => {
    const auth = await services();
    const messages = new Set<string>();
    for (const userInfo of ['apr:Gu3ss-1', 'bee:Gu3ss-2', 'bee:', 'nobody:b-secret', 'APR:apr-secret']) {
      const message = await refused(binary(auth, userInfo));
      const [user, password] = userInfo.split(':');
      if (password !== '') expect(message).not.toContain(password);
      expect(message).not.toContain(user);
      messages.add(message);
      messages.add(await refused(http(auth, userInfo)));
    }
    expect([...messages]).toEqual(['Unknown user or wrong password']);
  });

  it('keeps everything after the first colon as the password', async () => {
    const withColon = join(dir, 'colon.htpasswd');
    writeFileSync(withColon, `c:${aprMd5('pa:ss:word')}\n`);
    const auth = await services(withColon);
    expect((await binary(auth, 'c:pa:ss:word')).role).toBe('c');
    await refused(binary(auth, 'c:pa'));
  });

  it('refuses credentials that are not user:password or not base64 over HTTP', async () => {
    const auth = await services();
    await refused(binary(auth, 'no-colon'));
    await refused(binary(auth, ':apr-secret'));
    await refused(
      auth.authentication.authenticateHttp({ authorization: 'Basic !!!not base64', remoteAddress: 'x:1' }),
    );
    // Binary auth_data is not base64: the encoded form is not accepted there.
    await refused(binary(auth, Buffer.from('apr:apr-secret').toString('base64')));
  });

  it('makes an unknown user cost about as much as a wrong password', async () => {
    const slow = join(dir, 'slow.htpasswd');
    writeFileSync(slow, `u:${bcrypt.hashSync('pw', 8)}\n`);
    const auth = await services(slow);
    await refused(binary(auth, 'nobody:pw')); // builds the decoy once
    const time = async (userInfo: string) => {
      const start = performance.now();
      await refused(binary(auth, userInfo));
      return performance.now() - start;
    };
    const known = Math.min(await time('u:x'), await time('u:y'));
    const unknown = Math.min(await time('nobody:x'), await time('ghost:y'));
    // Without the decoy an unknown user answers in microseconds; with it, in bcrypt time.
    expect(unknown).toBeGreaterThan(known * 0.2);
  });

  it('reads basicAuthConf from file:/// and data URLs', async () => {
    for (const conf of [
      pathToFileURL(file).href,
      `data:;base64,${Buffer.from(htpasswd).toString('base64')}`,
    ]) {
      const auth = await services(conf);
      expect((await binary(auth, 'apr:apr-secret')).role).toBe('apr');
    }
  });
});

describe('basicAuthConf start-up errors', () => {
  const fails = (basicAuthConf: string) =>
    testAuthServices({ authenticationProviders: 'basic', basicAuthConf });

  it('names the file and line of an unsupported hash or malformed line', async () => {
    const bad = join(dir, 'bad.htpasswd');
    writeFileSync(bad, `ok:${aprMd5('x')}\n\nplain:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n`);
    await expect(fails(bad)).rejects.toThrow(
      `basicAuthConf ${bad}:3: unsupported password hash for user "plain"`,
    );
    writeFileSync(bad, `ok:${aprMd5('x')}\nno colon here\n`);
    await expect(fails(bad)).rejects.toThrow(`basicAuthConf ${bad}:2: expected "user:hash"`);
    writeFileSync(bad, `dup:${aprMd5('x')}\ndup:${aprMd5('y')}\n`);
    await expect(fails(bad)).rejects.toThrow(`basicAuthConf ${bad}:2: user "dup" appears twice`);
  });

  it('refuses crypt, SHA and MD5 forms it cannot check, and truncated hashes', () => {
    for (const hash of [
      'abJnggxhB/yWI', // DES crypt
      '{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=',
      '$1$salt$qJH7.N4xYta3aEG/dfqo/0', // MD5 crypt, not Apache's variant
      '$6$salt$abc',
      aprMd5('x').slice(0, -1),
      bcryptB.slice(0, -1),
      'plaintext',
    ]) {
      expect(() => parseHtpasswd(`user:${hash}`, 'f')).toThrow(
        'basicAuthConf f:1: unsupported password hash',
      );
    }
  });

  it('needs basicAuthConf, and a readable one', async () => {
    await expect(testAuthServices({ authenticationProviders: 'basic' })).rejects.toThrow(
      'basic authentication needs basicAuthConf',
    );
    await expect(fails(join(dir, 'missing'))).rejects.toThrow(
      /basicAuthConf: cannot read .*missing \(ENOENT\)/,
    );
  });
});
