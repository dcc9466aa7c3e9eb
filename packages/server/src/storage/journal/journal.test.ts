/**
 * The group-commit writer on its own: ordering within and across groups, and what happens when
 * the device fails (a real failing device, /dev/full, which answers every write with ENOSPC).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StorageIoError, StoreFencedError } from './errors.js';
import { closeFd, openFd, preadFully } from './files.js';
import type { JournalHost } from './journal.js';
import { Journal, MIN_ATTACHED_ENTRY_BYTES } from './journal.js';
import { POOLED_CHUNK_BYTES } from './group.js';
import type { JournalOp } from './journal-op.js';
import { RECORD_ENTRY, RECORD_HEADER_BYTES, newRecordView, parseRecord } from './record.js';

const config = {
  syncPolicy: 'fsync' as const,
  groupCommitDelayMs: 0,
  groupCommitMaxBytes: 4096,
  segmentSizeBytes: 1 << 20,
};

function host(fenced: StorageIoError[] = []): JournalHost {
  return {
    startSegment: () => Promise.reject(new Error('no roll expected')),
    fenced: (err) => void fenced.push(err),
  };
}

describe('Journal', () => {
  it('writes records back to back and reports them durable in append order', async () => {
    const file = path.join(await fs.promises.mkdtemp(path.join(os.tmpdir(), 'magnetar-journal-')), '0.log');
    const fd = await openFd(file, 'w+');
    const journal = new Journal(config, host(), 0, fd);
    const seen: number[] = [];
    const listener = { onDurable: (op: JournalOp) => void seen.push(op.entryId) };
    const acks = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        journal.append(RECORD_ENTRY, 9, i, Buffer.alloc(i % 50, i), listener),
      ),
    );
    expect(acks).toEqual(seen);
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i));
    // Several groups (the size limit is small) but far fewer syncs than appends.
    expect(journal.syncCount).toBeGreaterThan(1);
    expect(journal.syncCount).toBeLessThan(300);
    const bytes = await preadFully(fd, journal.bytesWritten, 0);
    const rec = newRecordView();
    let at = 0;
    for (let i = 0; i < 300; i++) {
      expect(parseRecord(bytes, at, rec)).toBe('ok');
      expect([rec.ledgerId, rec.entryId, rec.dataLength]).toEqual([9, i, i % 50]);
      at += 28 + rec.dataLength;
    }
    expect(at).toBe(bytes.length);
    await closeFd(fd);
    await fs.promises.rm(path.dirname(file), { recursive: true });
  });

  it('writes handed-over entries from their own buffers, byte for byte, and never recycles them', async () => {
    const file = path.join(await fs.promises.mkdtemp(path.join(os.tmpdir(), 'magnetar-journal-')), '0.log');
    const fd = await openFd(file, 'w+');
    const journal = new Journal({ ...config, groupCommitMaxBytes: 1 << 20 }, host(), 0, fd);
    // Sizes on both sides of MIN_ATTACHED_ENTRY_BYTES, one larger than a pooled chunk, and one
    // whose ArrayBuffer is exactly a pooled chunk's size (it must not be mistaken for one).
    const sizes = [
      10,
      MIN_ATTACHED_ENTRY_BYTES - 1,
      MIN_ATTACHED_ENTRY_BYTES,
      0,
      70_000,
      5,
      POOLED_CHUNK_BYTES,
      300_000,
      1,
    ];
    const fill = (n: number, seed: number) =>
      Buffer.from(Array.from({ length: n }, (_, j) => (seed * 31 + j) & 0xff));
    const data = sizes.map((n, i) => fill(n, i));
    const chunkSized = data[sizes.indexOf(POOLED_CHUNK_BYTES)];
    expect(chunkSized.buffer.byteLength).toBe(POOLED_CHUNK_BYTES);
    const firstRound = await Promise.all(
      data.map((d, i) => journal.append(RECORD_ENTRY, 3, i, d, null, true)),
    );
    expect(firstRound).toEqual(sizes.map((_, i) => i));
    // More groups afterwards: had a written entry gone back to the chunk pool, these would overwrite it.
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        journal.append(RECORD_ENTRY, 3, sizes.length + i, Buffer.alloc(5000, 0xee), null),
      ),
    );
    expect(Buffer.compare(chunkSized, fill(POOLED_CHUNK_BYTES, sizes.indexOf(POOLED_CHUNK_BYTES)))).toBe(0);
    const bytes = await preadFully(fd, journal.bytesWritten, 0);
    const rec = newRecordView();
    let at = 0;
    for (let i = 0; i < sizes.length; i++) {
      expect(parseRecord(bytes, at, rec)).toBe('ok');
      expect([rec.entryId, rec.dataLength]).toEqual([i, sizes[i]]);
      const body = bytes.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + rec.dataLength);
      expect(Buffer.compare(body, data[i])).toBe(0);
      at += RECORD_HEADER_BYTES + rec.dataLength;
    }
    await closeFd(fd);
    await fs.promises.rm(path.dirname(file), { recursive: true });
  });

  it('rejects every pending append when the device fails, then refuses new ones', async () => {
    const fd = await openFd('/dev/full', 'w');
    const fenced: StorageIoError[] = [];
    const journal = new Journal(config, host(fenced), 0, fd);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => journal.append(RECORD_ENTRY, 1, i, Buffer.alloc(100), null)),
    );
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(StorageIoError);
      expect((r as PromiseRejectedResult).reason).toMatchObject({ ioCode: 'ENOSPC' });
    }
    expect(fenced).toHaveLength(1);
    await expect(journal.append(RECORD_ENTRY, 1, 10, null, null)).rejects.toBeInstanceOf(StoreFencedError);
    await journal.drain();
    await closeFd(fd);
  });
});
