// Starts and stops `magnetar standalone` as a child process for the benchmarks, and reads what the
// benchmarks need from it (ready line, resident memory). Plain Node ESM over the built CLI.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../packages/cli/bin/magnetar.js', import.meta.url));

/** A TCP port that was free a moment ago (bind to 0, read it, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves true once a TCP connection to 127.0.0.1:port succeeds. */
export function tryConnect(port) {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      s.destroy();
      resolve(false);
    });
  });
}

export async function makeDataDir() {
  return mkdtemp(join(tmpdir(), 'magnetar-bench-'));
}

export async function removeDir(dir) {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Spawns the standalone broker on fixed free ports with its data in `dataDir`. `nodeArgs` go before
 * the script (e.g. --cpu-prof). Resolves once the ready line is printed.
 */
export async function startBroker({ dataDir, nodeArgs = [], args = [], timeoutMs = 20_000 }) {
  const port = await freePort();
  const httpPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
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
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d.toString()));
  let exitedWith;
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exitedWith = code ?? signal;
      resolve(exitedWith);
    }),
  );
  const readyMs = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // Never leave a half-started broker behind.
      child.kill('SIGKILL');
      reject(new Error(`broker did not start:\n${out}\n${err}`));
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = /ready in (\d+) ms/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`broker exited with ${code}:\n${out}\n${err}`));
    });
  });
  return {
    child,
    port,
    httpPort,
    readyMs,
    serviceUrl: `pulsar://127.0.0.1:${port}`,
    /** Undefined while running; else how it ended and the tail of its output, for the report. */
    exitInfo() {
      if (exitedWith === undefined) return undefined;
      return `broker exited (${exitedWith}): ${(err || out).slice(-1500)}`;
    },
    /** SIGTERM (graceful close), then SIGKILL if it has not exited within `graceMs`. */
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** VmRSS of a process in KiB, from /proc/<pid>/status (Linux only; undefined elsewhere). */
export async function rssKiB(pid) {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
