/**
 * Loading the file metadata store: the newest snapshot, then every log of that generation or
 * later, in order. Only the newest log may end in a torn record (the crash happened while it was
 * being appended to); it is cut back to its last whole record so later appends follow valid data.
 * A damaged snapshot or a damaged older log means lost acknowledged data and stops the open.
 */
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetadataTree } from '../tree.js';
import { decodeRecords } from './record.js';
import type { MetadataRecord } from './record.js';
import { listGenerations, logName, removeFiles, snapshotName } from './files.js';
import type { SyncPolicy } from './files.js';

export interface Loaded {
  /** Generation whose log receives new records. */
  readonly generation: number;
  /** Bytes in that log. */
  readonly logBytes: number;
  /** Size of the snapshot loaded (compaction waits until the log outgrows it). */
  readonly snapshotBytes: number;
  /** Bytes cut from a torn tail (0 when the last shutdown was clean). */
  readonly tornBytes: number;
}

export async function loadInto(tree: MetadataTree, dir: string, policy: SyncPolicy): Promise<Loaded> {
  const listing = await listGenerations(dir);
  await removeFiles(dir, listing.temps);
  const snapshotGen = listing.snapshots[listing.snapshots.length - 1] ?? 0;
  let snapshotBytes = 0;
  if (snapshotGen > 0) {
    const buf = await readFile(join(dir, snapshotName(snapshotGen)));
    const { records, validBytes } = decodeRecords(buf);
    if (validBytes !== buf.length) throw new Error(`metadata snapshot ${snapshotGen} in ${dir} is corrupt`);
    apply(tree, records);
    snapshotBytes = buf.length;
  }
  const logs = listing.logs.filter((g) => g >= snapshotGen);
  let logBytes = 0;
  let tornBytes = 0;
  for (const [i, gen] of logs.entries()) {
    const buf = await readFile(join(dir, logName(gen)));
    const { records, validBytes } = decodeRecords(buf);
    apply(tree, records);
    logBytes = validBytes;
    if (validBytes === buf.length) continue;
    if (i !== logs.length - 1)
      throw new Error(`metadata log ${gen} in ${dir} is corrupt at byte ${validBytes}`);
    tornBytes = buf.length - validBytes;
    await truncate(join(dir, logName(gen)), validBytes, policy);
  }
  // Files older than the newest snapshot are already folded into it.
  await removeFiles(dir, [
    ...listing.logs.filter((g) => g < snapshotGen).map(logName),
    ...listing.snapshots.filter((g) => g < snapshotGen).map(snapshotName),
  ]);
  const generation = logs[logs.length - 1] ?? Math.max(snapshotGen, 1);
  return { generation, logBytes: logs.length > 0 ? logBytes : 0, snapshotBytes, tornBytes };
}

function apply(tree: MetadataTree, records: MetadataRecord[]): void {
  for (const r of records) {
    if (r.kind === 'put') tree.set(r.path, { value: r.value, stat: r.stat, owner: null });
    else tree.remove(r.path);
  }
}

async function truncate(path: string, length: number, policy: SyncPolicy): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.truncate(length);
    if (policy === 'fsync') await fh.sync();
  } finally {
    await fh.close();
  }
}
