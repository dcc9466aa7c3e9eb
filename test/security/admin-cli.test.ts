// `magnetar admin` against a broker with token and TLS authentication, run in-process through
// commander: credentials from --token / --auth-plugin, https with the broker's CA, a client
// certificate as the role, and the permission verbs end to end.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerAdmin } from '../../packages/cli/src/commands/admin.js';
import { createProgram } from '../../packages/cli/src/program.js';
import { mintCertificates, type MintedCertificates } from '../helpers/certs.js';
import { SUPERUSER, startSecureBroker, type SecureBroker } from './admin-helpers.js';

let b: SecureBroker;
let certs: MintedCertificates;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'magnetar-admin-cli-'));
  certs = await mintCertificates(dir, { clients: [SUPERUSER, 'stranger'] });
  b = await startSecureBroker({
    authenticationProviders: 'token,tls',
    tlsCertificateFilePath: certs.server.certFile,
    tlsKeyFilePath: certs.server.keyFile,
    tlsTrustCertsFilePath: certs.caFile,
  });
});
afterAll(async () => {
  await b?.destroy();
  await rm(dir, { recursive: true, force: true });
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `magnetar admin ...args` in this process and collects what it printed. */
async function admin(...args: string[]): Promise<Result> {
  const program = createProgram().exitOverride();
  registerAdmin(program);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  let code = 0;
  try {
    await program.parseAsync(['node', 'magnetar', 'admin', ...args]);
    code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    code = (e as { exitCode?: number }).exitCode ?? 1;
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
  return { code, stdout, stderr };
}

const http = () => ['--admin-url', b.broker.webServiceUrl];
const https = () => ['--admin-url', b.broker.webServiceUrlTls, '--tls-trust-certs-file-path', certs.caFile];

describe('credentials', () => {
  it('without credentials the broker says 401 and the CLI exits 1 with its reason', async () => {
    const r = await admin(...http(), 'tenants', 'list');
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toMatch(/^error: .*\(HTTP 401\)\n$/);
  });

  it('--token and the token plugin (inline and from a file) authenticate', async () => {
    const token = await b.token(SUPERUSER);
    expect(await admin(...http(), '--token', token, 'tenants', 'list')).toEqual({
      code: 0,
      stdout: 'public\n',
      stderr: '',
    });
    const plugin = ['--auth-plugin', 'org.apache.pulsar.client.impl.auth.AuthenticationToken'];
    expect(
      (await admin(...http(), ...plugin, '--auth-params', `token:${token}`, 'tenants', 'list')).stdout,
    ).toBe('public\n');
    const file = join(dir, 'admin.token');
    await writeFile(file, `${token}\n`);
    const fromFile = await admin(
      ...http(),
      ...plugin,
      '--auth-params',
      pathToFileURL(file).href,
      'tenants',
      'list',
    );
    expect(fromFile).toMatchObject({ code: 0, stdout: 'public\n' });
  });

  it('a role without rights gets the 403 reason', async () => {
    const r = await admin(...http(), '--token', await b.token('alice'), 'tenants', 'list');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: This operation requires super-user access (HTTP 403)\n');
  });

  it('refuses contradictory options before sending anything', async () => {
    const r = await admin(...http(), '--token', 'x', '--auth-plugin', 'token', 'tenants', 'list');
    expect(r).toMatchObject({ code: 1, stderr: 'error: give either --token or --auth-plugin, not both\n' });
  });
});

describe('https', () => {
  it('verifies the broker with --tls-trust-certs-file-path', async () => {
    const r = await admin(...https(), '--token', await b.token(SUPERUSER), 'clusters', 'list');
    expect(r).toEqual({ code: 0, stdout: 'standalone\n', stderr: '' });
  });

  it('explains an untrusted certificate, and --tls-allow-insecure skips the check', async () => {
    const token = await b.token(SUPERUSER);
    const untrusted = await admin(
      '--admin-url',
      b.broker.webServiceUrlTls,
      '--token',
      token,
      'clusters',
      'list',
    );
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/not trusted: give its CA with --tls-trust-certs-file-path/);
    const insecure = await admin(
      '--admin-url',
      b.broker.webServiceUrlTls,
      '--tls-allow-insecure',
      '--token',
      token,
      'clusters',
      'list',
    );
    expect(insecure.stdout).toBe('standalone\n');
  });

  it('a client certificate is a role (tls provider): --tls-cert-file/--tls-key-file or the tls plugin', async () => {
    const cert = certs.clients[SUPERUSER]!;
    const flags = ['--tls-cert-file', cert.certFile, '--tls-key-file', cert.keyFile];
    expect((await admin(...https(), ...flags, 'tenants', 'list')).stdout).toBe('public\n');
    const plugin = [
      '--auth-plugin',
      'org.apache.pulsar.client.impl.auth.AuthenticationTls',
      '--auth-params',
      `tlsCertFile:${cert.certFile},tlsKeyFile:${cert.keyFile}`,
    ];
    expect((await admin(...https(), ...plugin, 'tenants', 'list')).stdout).toBe('public\n');
    const stranger = certs.clients.stranger!;
    const other = ['--tls-cert-file', stranger.certFile, '--tls-key-file', stranger.keyFile];
    expect((await admin(...https(), ...other, 'tenants', 'list')).stderr).toMatch(/HTTP 403/);
  });
});

describe('permission verbs', () => {
  it('grant, show and revoke namespace, subscription and topic permissions', async () => {
    const as = ['--admin-url', b.broker.webServiceUrl, '--token', await b.token(SUPERUSER)];
    const ok = async (...args: string[]) => {
      const r = await admin(...as, ...args);
      expect(r, args.join(' ')).toMatchObject({ code: 0, stderr: '' });
      return r.stdout;
    };
    await ok(
      'namespaces',
      'grant-permission',
      'public/default',
      '--role',
      'app',
      '--actions',
      'produce,consume',
    );
    expect(await ok('namespaces', 'permissions', 'public/default')).toBe('app  produce, consume\n');
    expect(JSON.parse(await ok('--json', 'namespaces', 'permissions', 'public/default'))).toEqual({
      app: ['produce', 'consume'],
    });
    await ok('namespaces', 'revoke-permission', 'public/default', '--role', 'app');
    expect(await ok('namespaces', 'permissions', 'public/default')).toBe('(none)\n');

    await ok(
      'namespaces',
      'grant-subscription-permission',
      'public/default',
      '--subscription',
      'sub',
      '--roles',
      'a,b',
    );
    expect(await ok('namespaces', 'subscription-permissions', 'public/default')).toBe('sub  a, b\n');
    await ok(
      'namespaces',
      'revoke-subscription-permission',
      'public/default',
      '--subscription',
      'sub',
      '--role',
      'a',
    );
    expect(await ok('namespaces', 'subscription-permissions', 'public/default')).toBe('sub  b\n');

    await ok('namespaces', 'set-subscription-auth-mode', 'public/default', '-m', 'prefix');
    expect(await ok('namespaces', 'get-subscription-auth-mode', 'public/default')).toBe('Prefix\n');
    await ok('namespaces', 'set-subscription-auth-mode', 'public/default', '-m', 'None');

    await ok('topics', 'create', 'persistent://public/default/cli-perm');
    await ok(
      'topics',
      'grant-permission',
      'persistent://public/default/cli-perm',
      '--role',
      'app',
      '--actions',
      'consume',
    );
    expect(await ok('topics', 'permissions', 'cli-perm')).toBe('app  consume\n');
    await ok('topics', 'revoke-permission', 'cli-perm', '--role', 'app');
    const again = await admin(...as, 'topics', 'revoke-permission', 'cli-perm', '--role', 'app');
    expect(again).toMatchObject({
      code: 1,
      stderr: 'error: Permissions are not set at the topic level (HTTP 412)\n',
    });
  });

  it('checks arguments before sending', async () => {
    const as = ['--admin-url', b.broker.webServiceUrl, '--token', 'unused'];
    const bad = await admin(
      ...as,
      'namespaces',
      'grant-permission',
      'public/default',
      '--role',
      'r',
      '--actions',
      'x',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown action 'x'/);
    const missing = await admin(...as, 'topics', 'grant-permission', 't', '--actions', 'produce');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--role/);
  });
});
