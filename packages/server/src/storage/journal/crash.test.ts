/**
 * Crash recovery with real processes: a child (crash-child.ts under vite-node) appends and prints
 * every acknowledged entry; the parent SIGKILLs it mid-stream, reopens the store and checks that
 * every acknowledged entry is present and byte-exact, then that the store takes new appends.
 * Three rounds on one directory, so recovery also runs over the result of earlier recoveries.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { crashEntryBytes } from './crash-fixture.js';
import { DiskLedgerStore } from './disk-ledger-store.js';

const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
const childScript = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const dirs: string[] = [];

afterEach(async () => {
  for (const d of dirs.splice(0)) await fs.promises.rm(d, { recursive: true, force: true });
});

/** Runs the child until it has acknowledged `killAfterAcks` entries, SIGKILLs it, returns the acks. */
function runAndKill(dir: string, killAfterAcks: number): Promise<Map<number, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(repoRoot, 'node_modules/.bin/vite-node'), [childScript, dir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = new Map<number, number>();
    let count = 0;
    let partial = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const [kind, ledger, entry] = line.split(' ');
        if (kind !== 'ack') continue;
        const ledgerId = Number(ledger);
        const entryId = Number(entry);
        // Per-ledger acks arrive in order, so the highest id is the last acknowledged one.
        if (entryId !== (acked.get(ledgerId) ?? -1) + 1) reject(new Error(`ack out of order: ${line}`));
        acked.set(ledgerId, entryId);
        if (++count === killAfterAcks) child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`child exited with ${code ?? signal}: ${stderr}`));
    });
  });
}

describe('DiskLedgerStore crash recovery (real process, SIGKILL)', () => {
  it('keeps every acknowledged entry across repeated kills and accepts new appends', async () => {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'magnetar-crash-'));
    dirs.push(dir);
    const allAcked = new Map<number, number>();
    for (const killAfter of [1500, 4000, 700]) {
      const acked = await runAndKill(dir, killAfter);
      expect(acked.size).toBeGreaterThan(0);
      for (const [l, e] of acked) allAcked.set(l, e);

      const warnings: object[] = [];
      const store = await DiskLedgerStore.open({
        dir,
        logger: { warn: (o) => warnings.push(o), info: () => {} },
      });
      for (const [ledgerId, lastAcked] of allAcked) {
        const ledger = await store.openLedger(ledgerId);
        // Entries past the last printed ack may be durable too (acked but not yet printed).
        expect(ledger.lastAddConfirmed).toBeGreaterThanOrEqual(lastAcked);
        const entries = await ledger.read(0, ledger.lastAddConfirmed);
        entries.forEach((data, i) => expect(data.equals(crashEntryBytes(ledgerId, i))).toBe(true));
        await expect(ledger.append(Buffer.from('after crash'))).rejects.toThrow(/closed/);
      }
      const fresh = await store.createLedger();
      expect(fresh.id).toBeGreaterThan(Math.max(...allAcked.keys()));
      expect(await fresh.append(Buffer.from('alive'))).toBe(0);
      expect((await fresh.read(0, 0))[0].toString()).toBe('alive');
      await store.deleteLedger(fresh.id);
      await store.close();
    }
  }, 60_000);
});
