/**
 * File naming and durable-file helpers of the file metadata store. Generation g pairs
 * `snapshot-g` (the whole tree as it stood when `log-g` was started) with `log-g` (every change
 * after that). A snapshot appears under its final name only once complete (write a temp file,
 * fsync, rename, fsync the directory), so a snapshot file that exists is whole.
 */
import { open, readdir, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export type SyncPolicy = 'fsync' | 'none';

export const logName = (gen: number): string => `log-${String(gen).padStart(12, '0')}`;
export const snapshotName = (gen: number): string => `snapshot-${String(gen).padStart(12, '0')}`;
const TEMP_SUFFIX = '.tmp';

export interface DirListing {
  readonly logs: number[];
  readonly snapshots: number[];
  readonly temps: string[];
}

export async function listGenerations(dir: string): Promise<DirListing> {
  const logs: number[] = [];
  const snapshots: number[] = [];
  const temps: string[] = [];
  for (const name of await readdir(dir)) {
    if (name.endsWith(TEMP_SUFFIX)) temps.push(name);
    const m = /^(log|snapshot)-(\d{12})$/.exec(name);
    if (!m) continue;
    (m[1] === 'log' ? logs : snapshots).push(Number(m[2]));
  }
  const asc = (a: number, b: number) => a - b;
  return { logs: logs.sort(asc), snapshots: snapshots.sort(asc), temps };
}

/** Makes a directory's entries (created, renamed, removed files) durable. */
export async function fsyncDir(dir: string, policy: SyncPolicy): Promise<void> {
  if (policy !== 'fsync') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes every byte of `buf` at the handle's current position (appending files). */
export async function writeFully(fh: FileHandle, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off);
    off += bytesWritten;
  }
}

/**
 * Writes a file atomically and durably: chunks go to `<name>.tmp`, which is fsync'd and renamed
 * over `<name>`, and then the directory is fsync'd.
 */
export async function writeFileDurably(
  dir: string,
  name: string,
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  policy: SyncPolicy,
): Promise<number> {
  const temp = join(dir, name + TEMP_SUFFIX);
  const fh = await open(temp, 'w');
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      await writeFully(fh, chunk);
      bytes += chunk.length;
    }
    if (policy === 'fsync') await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(temp, join(dir, name));
  await fsyncDir(dir, policy);
  return bytes;
}

export async function removeFiles(dir: string, names: string[]): Promise<void> {
  for (const name of names) await rm(join(dir, name), { force: true });
}
