import { appendFile, mkdtemp, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../util/clock.js';
import { FileMetadataStore } from './file-metadata-store.js';
import { logName } from './file/files.js';
import { decodeRecords, encodeRecord } from './file/record.js';

const b = (s: string) => Buffer.from(s);

describe('FileMetadataStore on disk', () => {
  let dir: string;
  const clock = new ManualClock(42);
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'magnetar-fms-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('drops a torn tail on open and keeps appending after it', async () => {
    const s1 = await FileMetadataStore.open(dir, { clock });
    await s1.put('/a', b('1'));
    await s1.put('/b', b('2'));
    await s1.close();
    const log = join(dir, logName(1));
    const whole = (await stat(log)).size;
    // A crash in the middle of the third record: half of it reached the disk.
    const third = encodeRecord({
      kind: 'put',
      path: '/c',
      value: b('3'),
      stat: { version: 0, createdMs: 1, modifiedMs: 1, ephemeral: false },
    });
    await appendFile(log, third.subarray(0, 11));
    const s2 = await FileMetadataStore.open(dir, { clock });
    expect((await stat(log)).size).toBe(whole);
    expect(await s2.children('/')).toEqual(['a', 'b']);
    await s2.put('/d', b('4'));
    await s2.close();
    const s3 = await FileMetadataStore.open(dir, { clock });
    expect(await s3.children('/')).toEqual(['a', 'b', 'd']);
    await s3.close();
  });

  it('stops at a corrupt record (bad checksum) like at a torn one', async () => {
    const s1 = await FileMetadataStore.open(dir, { clock });
    await s1.put('/a', b('1'));
    await s1.put('/b', b('2'));
    await s1.close();
    const log = join(dir, logName(1));
    const size = (await stat(log)).size;
    await truncate(log, size - 1);
    await appendFile(log, b('X'));
    const s2 = await FileMetadataStore.open(dir, { clock });
    expect(await s2.children('/')).toEqual(['a']);
    await s2.close();
  });

  it('compacts into a snapshot, removes old files and reopens to the same tree', async () => {
    const s1 = await FileMetadataStore.open(dir, { clock, compactionThresholdBytes: 2048 });
    for (let round = 0; round < 20; round++) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => s1.put(`/k/${i}`, b(`round-${round}`))));
    }
    await s1.delete('/k/0');
    expect(s1.currentGeneration).toBeGreaterThan(1);
    await s1.close();
    const files = await readdir(dir);
    expect(files.filter((f) => f.startsWith('snapshot-'))).toHaveLength(1);
    expect(files.filter((f) => f.startsWith('log-'))).toHaveLength(1);
    const s2 = await FileMetadataStore.open(dir, { clock });
    expect(await s2.children('/k')).toHaveLength(19);
    const got = await s2.get('/k/7');
    expect(got!.value.toString()).toBe('round-19');
    expect(got!.stat.version).toBe(19);
    await s2.close();
  });

  it('ignores a half-written snapshot left by a crash', async () => {
    const s1 = await FileMetadataStore.open(dir, { clock });
    await s1.put('/a', b('1'));
    await s1.close();
    await writeFile(join(dir, 'snapshot-000000000002.tmp'), b('garbage'));
    const s2 = await FileMetadataStore.open(dir, { clock });
    expect((await s2.get('/a'))!.value.toString()).toBe('1');
    expect((await readdir(dir)).some((f) => f.endsWith('.tmp'))).toBe(false);
    await s2.close();
  });

  it('group-commits concurrent puts into few write+fsync batches', async () => {
    const s = await FileMetadataStore.open(dir, { clock });
    await Promise.all(
      Array.from({ length: 5000 }, (_, i) => s.put(`/topics/${i}/cursor`, b('x'.repeat(100)))),
    );
    expect(s.commitBatches).toBeLessThanOrEqual(2);
    await s.close();
  });

  it('keeps up with a cursor flush of 100,000 topics', async () => {
    const s = await FileMetadataStore.open(dir, { clock });
    const value = b(
      JSON.stringify({ v: 1, markDelete: '123:4567', ranges: [[123, 4570, 4590]], properties: {} }),
    );
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: 100_000 }, (_, i) => s.put(`/managed-ledgers/t${i}/cursors/sub`, value)),
    );
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    expect(ms).toBeLessThan(10_000);
    await s.close();
    const log = await import('node:fs/promises').then((fs) => fs.readFile(join(dir, logName(1))));
    expect(decodeRecords(log).records).toHaveLength(100_000);
  });
});
