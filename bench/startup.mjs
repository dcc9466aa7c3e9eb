// Standalone start-up time: from spawn() to the first TCP connection the broker accepts, on an
// empty data directory, median of N runs. Usable alone: `node bench/startup.mjs [runs]`.
import { spawn } from 'node:child_process';
import { CLI, freePort, makeDataDir, removeDir, tryConnect } from './lib/broker.mjs';
import { median } from './lib/proc.mjs';

const POLL_LIMIT_MS = 20_000;

/** One cold start; resolves with { connectMs, readyMs } and leaves nothing running. */
export async function measureStartupOnce() {
  const dataDir = await makeDataDir();
  const port = await freePort();
  const httpPort = await freePort();
  const args = [
    CLI,
    'standalone',
    '--data-dir',
    dataDir,
    '--port',
    String(port),
    '--http-port',
    String(httpPort),
    '--bind-address',
    '127.0.0.1',
    '--log-level',
    'warn',
  ];
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let out = '';
  child.stdout.on('data', (d) => (out += d.toString()));
  try {
    let connectMs;
    while (performance.now() - started < POLL_LIMIT_MS && child.exitCode === null) {
      if (await tryConnect(port)) {
        connectMs = performance.now() - started;
        break;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    if (connectMs === undefined) throw new Error(`broker did not accept a connection: ${out}`);
    // The broker's own figure (process start to ready line), for comparison.
    while (
      !/ready in \d+ ms/.test(out) &&
      child.exitCode === null &&
      performance.now() - started < POLL_LIMIT_MS
    ) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const m = /ready in (\d+) ms/.exec(out);
    return { connectMs, readyMs: m ? Number(m[1]) : undefined };
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    await removeDir(dataDir);
  }
}

/** `runs` cold starts; the median and every sample, in ms. */
export async function measureStartup(runs = 5) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await measureStartupOnce());
  return {
    medianConnectMs: median(samples.map((s) => s.connectMs)),
    medianReadyMs: median(samples.filter((s) => s.readyMs !== undefined).map((s) => s.readyMs)),
    samples,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[2] ?? 5);
  const r = await measureStartup(runs);
  const fmt = (n) => n.toFixed(0);
  process.stdout.write(
    `start-up to first accepted connection: median ${fmt(r.medianConnectMs)} ms over ${runs} runs ` +
      `(samples ${r.samples.map((s) => fmt(s.connectMs)).join(', ')}; broker's own ready line median ${fmt(r.medianReadyMs)} ms)\n`,
  );
}
