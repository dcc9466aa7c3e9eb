import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../packages/cli/bin/magnetar.js', import.meta.url));

export interface BrokerProcess {
  child: ChildProcess;
  dataDir: string;
  port: number;
  httpPort: number;
  brokerServiceUrl: string;
  webServiceUrl: string;
  /** Sends `signal` and waits for the process to exit; resolves with its exit code (null if killed). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `magnetar standalone` as a real child process (the compiled CLI, as users run it) on
 * ephemeral loopback ports, and resolves once it prints its ready line.
 */
export async function startBrokerProcess(
  opts: { dataDir?: string; args?: string[] } = {},
): Promise<BrokerProcess> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'magnetar-proc-')));
  const child = spawn(
    process.execPath,
    [
      BIN,
      'standalone',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--http-port',
      '0',
      '--bind-address',
      '127.0.0.1',
      '--log-level',
      'warn',
      ...(opts.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`broker did not start: ${out}\n${err}`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready.*?: broker (pulsar:\/\/[^\s]+:(\d+)) web (http:\/\/[^\s]+:(\d+))/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`broker exited with ${code}: ${out}\n${err}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    dataDir,
    brokerServiceUrl: ready[1],
    port: Number(ready[2]),
    webServiceUrl: ready[3],
    httpPort: Number(ready[4]),
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
