/**
 * File-system helpers for the journal: segment paths, full positional reads and writes that loop
 * over short transfers, and the write-then-rename dance that makes small files crash-safe.
 * Callback-style fs calls wrapped once here keep the hot path free of FileHandle overhead.
 */
import fs from 'node:fs';
import path from 'node:path';

export const SEGMENTS_DIR = 'segments';

export function segmentsDir(dir: string): string {
  return path.join(dir, SEGMENTS_DIR);
}

export function segmentLogPath(dir: string, segment: number): string {
  return path.join(dir, SEGMENTS_DIR, `${segment}.log`);
}

export function segmentIndexPath(dir: string, segment: number): string {
  return path.join(dir, SEGMENTS_DIR, `${segment}.idx`);
}

/** Segment numbers that have a `.log` file, ascending. Leftover temporary files are removed. */
export async function listSegments(dir: string): Promise<number[]> {
  const names = await fs.promises.readdir(segmentsDir(dir));
  const out: number[] = [];
  for (const name of names) {
    if (name.endsWith('.tmp')) await fs.promises.rm(path.join(segmentsDir(dir), name), { force: true });
    const m = /^(\d+)\.log$/.exec(name);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

export function openFd(file: string, flags: string): Promise<number> {
  return new Promise((resolve, reject) =>
    fs.open(file, flags, (err, fd) => (err ? reject(err) : resolve(fd))),
  );
}

export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve())));
}

export function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

/** Reads exactly `length` bytes at `position` (fewer only at end of file). */
export async function preadFully(fd: number, length: number, position: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = await new Promise<number>((resolve, reject) =>
      fs.read(fd, buf, done, length - done, position + done, (err, bytes) =>
        err ? reject(err) : resolve(bytes),
      ),
    );
    if (n === 0) return buf.subarray(0, done);
    done += n;
  }
  return buf;
}

/** Writes every buffer at `position`, looping over short writes. */
export async function writevFully(fd: number, buffers: Buffer[], position: number): Promise<void> {
  let pending = buffers;
  let at = position;
  for (;;) {
    const total = pending.reduce((n, b) => n + b.length, 0);
    if (total === 0) return;
    const written = await new Promise<number>((resolve, reject) =>
      fs.writev(fd, pending, at, (err, bytes) => (err ? reject(err) : resolve(bytes))),
    );
    if (written === total) return;
    at += written;
    pending = dropPrefix(pending, written);
  }
}

function dropPrefix(buffers: Buffer[], bytes: number): Buffer[] {
  const out: Buffer[] = [];
  let skip = bytes;
  for (const b of buffers) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}

/** fsyncs a directory so that a file created or renamed in it survives a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  const fd = await openFd(dir, 'r');
  try {
    await new Promise<void>((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
  } finally {
    await closeFd(fd);
  }
}

/** Replaces `file` atomically: write a temporary file, fsync it, rename over, fsync the directory. */
export async function writeFileAtomic(file: string, data: Buffer): Promise<void> {
  const tmp = `${file}.tmp`;
  const fd = await openFd(tmp, 'w');
  try {
    await writevFully(fd, [data], 0);
    await fdatasync(fd);
  } finally {
    await closeFd(fd);
  }
  await fs.promises.rename(tmp, file);
  await fsyncDir(path.dirname(file));
}

/** Reads a whole file, or null when it does not exist. */
export async function readFileIfExists(file: string): Promise<Buffer | null> {
  try {
    return await fs.promises.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
