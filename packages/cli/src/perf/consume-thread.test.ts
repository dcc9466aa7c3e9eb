// `perf e2e` with its consumers in a worker thread, against a real broker on 127.0.0.1 port 0. The
// worker is the compiled dist/perf/consume-worker.js (a Worker cannot load TypeScript), so these
// tests need the CLI built (`npx tsc -b packages/cli`, which `npm test` runs first).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsumerThreadError } from './consume-protocol.js';
import { ConsumeThread, consumeWorkerUrl } from './consume-thread.js';
import { parsePerfOptions, type PerfFlags } from './options.js';
import { runPerf } from './run.js';
import { useStandalone } from '../testing.js';

const bin = fileURLToPath(new URL('../../bin/magnetar.js', import.meta.url));

interface TopicStats {
  publishers: { address: string }[];
  subscriptions: Record<string, { consumers: { address: string }[] }>;
}

describe('perf e2e with a consumer thread', () => {
  beforeAll(() => {
    const worker = fileURLToPath(consumeWorkerUrl());
    if (!existsSync(worker)) throw new Error(`${worker} is missing: run \`npx tsc -b packages/cli\` first`);
  });
  const broker = useStandalone('perf-thread');

  function run(topic: string, flags: PerfFlags, signal = new AbortController().signal) {
    const lines: string[] = [];
    const opts = parsePerfOptions('e2e', topic, { serviceUrl: broker().brokerServiceUrl, ...flags });
    return runPerf(opts, { signal, progress: (l) => lines.push(l) }).then((result) => ({ result, lines }));
  }

  /** The broker's view of the topic once it has a producer and a consumer. */
  async function statsWhileRunning(topic: string): Promise<TopicStats> {
    const url = `${broker().webServiceUrl}/admin/v2/persistent/public/default/${topic}/stats`;
    for (let i = 0; i < 100; i++) {
      const res = await fetch(url);
      if (res.ok) {
        const s = (await res.json()) as TopicStats;
        if (s.publishers.length > 0 && s.subscriptions['perf-sub']?.consumers.length) return s;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${topic} never had both a producer and a consumer`);
  }

  for (const singleThread of [false, true]) {
    const how = singleThread ? '--single-thread: one connection' : 'by default: a connection of their own';
    it(`receives every message once over several progress intervals (${how})`, async () => {
      const topic = `perf-thread-${singleThread}`;
      const running = run(topic, { rate: '3000', duration: '2.5', size: '50', singleThread });
      const stats = await statsWhileRunning(topic);
      const { result, lines } = await running;
      const producerAddress = stats.publishers[0].address;
      const consumerAddress = stats.subscriptions['perf-sub'].consumers[0].address;
      // The worker has its own client, hence its own TCP connection (another local port).
      if (singleThread) expect(consumerAddress).toBe(producerAddress);
      else expect(consumerAddress).not.toBe(producerAddress);
      expect(result.options.singleThread).toBe(singleThread);
      const published = result.publish!.messages;
      expect(published).toBeGreaterThan(1000);
      expect(result.publish).toMatchObject({ errors: 0, drained: true });
      expect(result.consume).toMatchObject({ errors: 0, drained: true });
      // Every published message was received exactly once: the per-second histograms the worker
      // sent, added up here, count each of them once (a duplicate or a lost interval would show).
      expect(result.consume!.e2eLatencyMs.count).toBe(published);
      expect(result.consume!.messages).toBeLessThanOrEqual(published);
      expect(result.consume!.messages + result.consume!.backlogAtStop!).toBeLessThanOrEqual(published);
      const progress = lines.filter((l) => l.includes('recv'));
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect(progress[0]).toMatch(/recv [\d,]+ msg\/s .* \| e2e p50 .* \| backlog [\d,]+$/);
    });
  }

  it('counts the warm-up apart: the measured window excludes it on both threads', async () => {
    const { result, lines } = await run('perf-thread-warmup', {
      rate: '2000',
      duration: '1.5',
      warmup: '1',
      size: '10',
    });
    expect(lines.some((l) => l.includes('warm-up'))).toBe(true);
    expect(result.warmupS).toBe(1);
    // The receipts and the receptions of the measured window (catch-up included) match up to what
    // was in flight at the end of the warm-up, which is well under a second of the rate.
    const published = result.publish!.messages;
    // Without the reset on the consumer thread the difference would be the warm-up's ~2,000.
    expect(Math.abs(result.consume!.e2eLatencyMs.count - published)).toBeLessThan(500);
    expect(result.consume).toMatchObject({ errors: 0, drained: true });
  });

  it("fails the run with the worker's error when the broker refuses the subscription", async () => {
    const attempt = run('perf-thread-refused', { subscription: 'pulsar.dedup', numMessages: '10' });
    const err = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConsumerThreadError);
    expect((err as Error).message).toMatch(/subscription name pulsar\.dedup is reserved/);
    // The producers never started: the consumers are set up first.
    const res = await fetch(
      `${broker().webServiceUrl}/admin/v2/persistent/public/default/perf-thread-refused/stats`,
    );
    if (res.ok) expect(((await res.json()) as TopicStats).publishers).toEqual([]);
    // --single-thread reports the same message.
    await expect(
      run('perf-thread-refused', { subscription: 'pulsar.dedup', numMessages: '10', singleThread: true }),
    ).rejects.toThrow(/subscription name pulsar\.dedup is reserved/);
  });

  it('the built CLI runs e2e with the worker and ends on SIGINT with a summary', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'perf', 'e2e', 'perf-thread-cli', '--service-url', broker().brokerServiceUrl, '--rate', '1000'],
      { stdio: 'pipe' },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 200 && !/\[\s+1s\] pub .* recv /.test(err); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(err).toMatch(/\[\s+1s\] pub .* recv /);
      child.kill('SIGINT');
      // No limit was given: only the abort ends the run, and the process (worker included) exits.
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('hung'), 20_000))]);
      expect(code).toBe(0);
      expect(out).toMatch(/received [\d,]+ msgs/);
      expect(out).toMatch(/consumer kept up: yes .* drained/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('ConsumeThread when the worker itself fails', () => {
  let dir: string;
  const opts = parsePerfOptions('e2e', 't', {});

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'magnetar-perf-worker-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function workerFile(name: string, text: string): Promise<URL> {
    const file = join(dir, name);
    await writeFile(file, text);
    return pathToFileURL(file);
  }

  it('rejects start with the uncaught error of the worker', async () => {
    const thread = new ConsumeThread(opts, await workerFile('throws.mjs', "throw new Error('boom');\n"));
    await expect(thread.start()).rejects.toThrow('the consumer thread failed: boom');
    expect((await thread.failed).message).toMatch(/boom/);
    await thread.close();
    await expect(thread.snapshot()).rejects.toThrow(/boom/);
  });

  it('rejects what is waiting when the worker exits unasked', async () => {
    const thread = new ConsumeThread(opts, await workerFile('exits.mjs', 'process.exit(3);\n'));
    await expect(thread.start()).rejects.toThrow('the consumer thread exited unexpectedly (code 3)');
    await thread.close();
  });

  it('says how to get the worker when its compiled file is missing', async () => {
    const thread = new ConsumeThread(opts, pathToFileURL(join(dir, 'absent.js')));
    await expect(thread.start()).rejects.toThrow(/is missing: build the CLI .* or use --single-thread/);
  });

  it('finds the compiled worker beside the built module and from the sources', () => {
    expect(consumeWorkerUrl('file:///x/cli/dist/perf/consume-thread.js').href).toBe(
      'file:///x/cli/dist/perf/consume-worker.js',
    );
    expect(consumeWorkerUrl('file:///x/cli/src/perf/consume-thread.ts').href).toBe(
      'file:///x/cli/dist/perf/consume-worker.js',
    );
  });
});

describe('perf e2e credentials reach the consumer thread', () => {
  const secret = Buffer.from('0123456789abcdef0123456789abcdef');
  let token: string;
  beforeAll(async () => {
    token = await new SignJWT({ sub: 'perf' }).setProtectedHeader({ alg: 'HS256' }).sign(secret);
  });
  const broker = useStandalone('perf-auth', {
    authenticationEnabled: true,
    authenticationProviders: 'token',
    tokenSecretKey: `data:;base64,${secret.toString('base64')}`,
  });

  function run(flags: PerfFlags) {
    const opts = parsePerfOptions('e2e', 'perf-auth', {
      serviceUrl: broker().brokerServiceUrl,
      numMessages: '500',
      ...flags,
    });
    return runPerf(opts, { signal: new AbortController().signal, progress: () => undefined });
  }

  it('subscribes with the run’s token, and is refused without one', async () => {
    const result = await run({ token });
    expect(result.consume!.e2eLatencyMs.count).toBe(500);
    await expect(run({})).rejects.toBeInstanceOf(ConsumerThreadError);
  });
});
