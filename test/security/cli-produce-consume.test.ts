// `magnetar produce`, `consume` and `perf` against a broker with token authentication and
// authorization, over pulsar+ssl://, run in-process through commander: credentials from --token
// (inline and from a file) and --auth-plugin, the broker's CA from --tls-trust-certs-file-path,
// and what the commands print when the broker refuses them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerConsume } from '../../packages/cli/src/commands/consume.js';
import { registerPerf } from '../../packages/cli/src/commands/perf.js';
import { registerProduce } from '../../packages/cli/src/commands/produce.js';
import { createProgram } from '../../packages/cli/src/program.js';
import { mintCertificates, type MintedCertificates } from '../helpers/certs.js';
import { SUPERUSER, startSecureBroker, type SecureBroker } from './admin-helpers.js';

/** A refusal must end the command well before the client's 30 s operation timeout. */
const PROMPT_MS = 5000;

let b: SecureBroker;
let certs: MintedCertificates;
let dir: string;
let token: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'magnetar-cli-pc-'));
  certs = await mintCertificates(dir);
  b = await startSecureBroker({
    authenticationProviders: 'token',
    tlsCertificateFilePath: certs.server.certFile,
    tlsKeyFilePath: certs.server.keyFile,
  });
  token = await b.token(SUPERUSER);
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

/** Runs `magnetar ...args` in this process and collects what it printed. */
async function magnetar(...args: string[]): Promise<Result> {
  const program = createProgram().exitOverride();
  registerProduce(program);
  registerConsume(program);
  registerPerf(program);
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
    await program.parseAsync(['node', 'magnetar', ...args]);
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

const tls = () => [
  '--service-url',
  b.broker.brokerServiceUrlTls,
  '--tls-trust-certs-file-path',
  certs.caFile,
];

describe('produce and consume over pulsar+ssl with a token', () => {
  it('--token inline produces, --token file:///path consumes what was produced', async () => {
    expect(b.broker.brokerServiceUrlTls).toMatch(/^pulsar\+ssl:\/\/127\.0\.0\.1:\d+$/);
    const topic = 'persistent://public/default/cli-token-tls';
    const produced = await magnetar(
      'produce',
      topic,
      '-m',
      'one',
      '-m',
      'two',
      '-n',
      '4',
      ...tls(),
      '--token',
      token,
    );
    expect(produced.code, produced.stderr).toBe(0);
    expect(produced.stderr).toMatch(/produced 4 messages/);
    expect(produced.stderr).not.toContain(token);

    const file = join(dir, 'client.jwt');
    await writeFile(file, `${token}\n`);
    const consumed = await magnetar(
      'consume',
      topic,
      '-s',
      'cli-sub',
      '-p',
      'Earliest',
      '-n',
      '4',
      ...tls(),
      '--token',
      pathToFileURL(file).href,
    );
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout).toBe('one\ntwo\none\ntwo\n');
  });

  it('takes the token plugin by its Pulsar class name', async () => {
    const topic = 'persistent://public/default/cli-token-plugin';
    const plugin = ['--auth-plugin', 'org.apache.pulsar.client.impl.auth.AuthenticationToken'];
    const produced = await magnetar(
      'produce',
      topic,
      '-m',
      'hi',
      ...tls(),
      ...plugin,
      '--auth-params',
      `token:${token}`,
    );
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await magnetar(
      'consume',
      topic,
      '-s',
      's',
      '-p',
      'Earliest',
      ...tls(),
      ...plugin,
      '--auth-params',
      JSON.stringify({ token }),
    );
    expect(consumed).toMatchObject({ code: 0, stdout: 'hi\n' });
  });
});

describe('refusals', () => {
  it('without a token: the broker’s AuthenticationError, exit 1, promptly', async () => {
    const started = Date.now();
    const r = await magnetar('produce', 'persistent://public/default/cli-no-token', '-m', 'x', ...tls());
    expect(Date.now() - started).toBeLessThan(PROMPT_MS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/magnetar produce: .*authenticat/i);
  });

  it('a role without permission: AuthorizationError, exit 1, promptly', async () => {
    const started = Date.now();
    const r = await magnetar(
      'consume',
      'persistent://public/default/cli-forbidden',
      '-s',
      's',
      ...tls(),
      '--token',
      await b.token('nobody'),
    );
    expect(Date.now() - started).toBeLessThan(PROMPT_MS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/magnetar consume: .*(authoriz|permission)/i);
  });

  it('without the CA: a TLS error naming Node’s reason, exit 1, promptly', async () => {
    const started = Date.now();
    const r = await magnetar(
      'produce',
      'persistent://public/default/cli-untrusted',
      '-m',
      'x',
      '--service-url',
      b.broker.brokerServiceUrlTls,
      '--token',
      token,
    );
    expect(Date.now() - started).toBeLessThan(PROMPT_MS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /magnetar produce: .*UNABLE_TO_VERIFY_LEAF_SIGNATURE.*--tls-trust-certs-file-path/,
    );
  });

  it('option mistakes exit 2 before connecting', async () => {
    const r = await magnetar('produce', 't', '-m', 'x', ...tls(), '--tls-cert-file', '/c.pem');
    expect(r).toMatchObject({
      code: 2,
      stderr: 'magnetar produce: --tls-cert-file and --tls-key-file go together\n',
    });
  });
});

describe('perf over pulsar+ssl with a token', () => {
  it('creates partitions over https with the same credentials and never prints the token', async () => {
    const r = await magnetar(
      'perf',
      'produce',
      'persistent://public/default/cli-perf-tls',
      '-m',
      '50',
      '-s',
      '16',
      '--partitions',
      '2',
      '--admin-url',
      b.broker.webServiceUrlTls,
      '--json',
      ...tls(),
      '--token',
      token,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/created with 2 partitions/);
    const result = JSON.parse(r.stdout) as { publish: { messages: number; errors: number }; options: object };
    expect(result.publish).toMatchObject({ messages: 50, errors: 0 });
    expect(result.options).not.toHaveProperty('security');
    expect(r.stdout + r.stderr).not.toContain(token);
  });

  it('a refused run is one line and exit 1, promptly', async () => {
    const started = Date.now();
    const r = await magnetar(
      'perf',
      'produce',
      'persistent://public/default/cli-perf-refused',
      '-m',
      '5',
      ...tls(),
    );
    expect(Date.now() - started).toBeLessThan(PROMPT_MS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^magnetar perf: .*authenticat/im);
  });
});
