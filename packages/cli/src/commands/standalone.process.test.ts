// End-to-end: the built `magnetar` command as a real child process, listening on 127.0.0.1 port 0.
// Needs the compiled output (`npm run build`, which `npm test` runs first).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/magnetar.js', import.meta.url));
const dist = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const dataRoot = mkdtempSync(join(tmpdir(), 'magnetar-standalone-'));
const children: ChildProcess[] = [];

beforeAll(() => {
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build\` first`);
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(() => rmSync(dataRoot, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MAGNETAR_')));
  const child = spawn(process.execPath, [bin, ...args], { env: { ...clean, ...env }, stdio: 'pipe' });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('magnetar standalone (process)', () => {
  it('exits 2 with one line per problem for a bad configuration', async () => {
    const r = run(['standalone', '--port', 'abc', '--set', 'nope=1'], {
      MAGNETAR_JOURNAL_SYNC_DATA: 'maybe',
    });
    expect(await r.exit).toBe(2);
    expect(r.stderr()).toBe(
      [
        'magnetar: invalid configuration',
        '  env MAGNETAR_JOURNAL_SYNC_DATA: journalSyncData = "maybe": expected "true" or "false"',
        '  command line: nope: expected a known setting (see docs/configuration.md)',
        '  command line: brokerServicePort = "abc": expected an integer from 0 to 65535',
        '',
      ].join('\n'),
    );
  });

  it('starts, serves health and metrics, and exits 0 on SIGTERM', async () => {
    const started = Date.now();
    const r = run([
      'standalone',
      '--port=0',
      '--http-port=0',
      '--bind-address=127.0.0.1',
      `--data-dir=${join(dataRoot, 'd1')}`,
      '--log-level=warn',
    ]);
    const ready = await waitFor(
      () =>
        /ready in \d+ ms: broker (pulsar:\/\/\S+) web (http:\/\/\S+)/.exec(r.stdout()) ??
        (r.child.exitCode !== null ? null : undefined),
      'the ready line',
    );
    if (ready === null) throw new Error(`exited early: ${r.stderr()}${r.stdout()}`);
    // Start-up includes spawning node itself; the budget for the server alone is far tighter.
    expect(Date.now() - started).toBeLessThan(5000);
    const web = ready[2]!;
    expect(ready[1]).toMatch(/^pulsar:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${web}/admin/v2/brokers/health`);
    expect([health.status, await health.text()]).toEqual([200, 'ok']);
    const metrics = await (await fetch(`${web}/metrics`)).text();
    expect(metrics).toMatch(/^pulsar_active_connections\{cluster="standalone"\} \d+$/m);

    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
  });

  it('prints its version', async () => {
    const r = run(['version']);
    expect(await r.exit).toBe(0);
    expect(r.stdout()).toMatch(/^magnetar \d+\.\d+\.\d+ \(node v\d+/);
  });
});
