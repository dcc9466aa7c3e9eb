/**
 * Files of one subscription's delayed-delivery index, under `<dataDir>/delayed/<topic>/<sub>/`:
 * sealed buckets (`bucket-<id>.bin`, written once, deleted when fully delivered) and a manifest
 * (`manifest.json`) naming the live buckets, how far each has been delivered and up to which log
 * position the index was built. Every file is written to a temporary name, fsynced and renamed, so
 * a crash leaves either the old or the new version; a file that is missing or fails its checksum
 * makes the tracker drop the index and rebuild it from the log.
 */
import { open, mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Position } from '../../storage/types.js';
import { parsePosition, positionToString } from '../../storage/position.js';
import {
  HEADER_BYTES,
  decodeFixedHeader,
  decodeSegment,
  decodeSegmentTable,
  segmentBytes,
  segmentTableBytes,
  type BucketHeader,
  type SegmentInfo,
  type SegmentRecords,
} from './bucket-file.js';

export interface ManifestBucket {
  readonly id: number;
  /** Segments already handed to the dispatcher; reloading starts after them. */
  readonly consumedSegments: number;
}

export interface Manifest {
  /** Every held message at or before this position is in a listed bucket (null: nothing indexed). */
  readonly indexedUpTo: Position | null;
  readonly nextBucketId: number;
  readonly buckets: readonly ManifestBucket[];
}

const MANIFEST = 'manifest.json';

/** The directory for a subscription's index; names are URI-encoded so any topic name is a safe path. */
export function delayedDir(dataDir: string, topic: string, subscription: string): string {
  return join(dataDir, 'delayed', encodeURIComponent(topic), encodeURIComponent(subscription));
}

export class BucketStore {
  constructor(readonly dir: string) {}

  async readManifest(): Promise<Manifest | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.dir, MANIFEST), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const raw = JSON.parse(text) as {
      v?: number;
      indexedUpTo?: string | null;
      nextBucketId?: number;
      buckets?: unknown;
    };
    if (raw.v !== 1 || !Number.isSafeInteger(raw.nextBucketId) || !Array.isArray(raw.buckets)) {
      throw new Error('unrecognised delayed-delivery manifest');
    }
    const buckets = (raw.buckets as { id?: unknown; consumedSegments?: unknown }[]).map((b) => {
      if (!Number.isSafeInteger(b.id) || !Number.isSafeInteger(b.consumedSegments))
        throw new Error('corrupt manifest bucket');
      return { id: b.id as number, consumedSegments: b.consumedSegments as number };
    });
    return {
      indexedUpTo: typeof raw.indexedUpTo === 'string' ? parsePosition(raw.indexedUpTo) : null,
      nextBucketId: raw.nextBucketId!,
      buckets,
    };
  }

  async writeManifest(m: Manifest): Promise<void> {
    const body = JSON.stringify({
      v: 1,
      indexedUpTo: m.indexedUpTo ? positionToString(m.indexedUpTo) : null,
      nextBucketId: m.nextBucketId,
      buckets: m.buckets,
    });
    await this.writeAtomically(MANIFEST, Buffer.from(body));
  }

  writeBucket(id: number, bytes: Buffer): Promise<void> {
    return this.writeAtomically(bucketFile(id), bytes);
  }

  async readHeader(id: number): Promise<BucketHeader> {
    const fh = await open(join(this.dir, bucketFile(id)), 'r');
    try {
      const fixedBuf = await readExactly(fh, 0, HEADER_BYTES);
      const fixed = decodeFixedHeader(fixedBuf);
      const table = await readExactly(fh, HEADER_BYTES, segmentTableBytes(fixed.segCount));
      return decodeSegmentTable(table, fixed);
    } finally {
      await fh.close();
    }
  }

  async readSegment(id: number, seg: SegmentInfo): Promise<SegmentRecords> {
    const fh = await open(join(this.dir, bucketFile(id)), 'r');
    try {
      return decodeSegment(await readExactly(fh, seg.offset, segmentBytes(seg)), seg);
    } finally {
      await fh.close();
    }
  }

  async deleteBucket(id: number): Promise<void> {
    await rm(join(this.dir, bucketFile(id)), { force: true });
  }

  /** Deletes files no manifest names (buckets sealed just before a crash, temporaries). */
  async removeOrphans(keep: ReadonlySet<number>): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      const m = /^bucket-(\d+)\.bin$/.exec(name);
      if (name === MANIFEST || (m && keep.has(Number(m[1])))) continue;
      await rm(join(this.dir, name), { force: true });
    }
  }

  /** Removes the whole index (subscription deleted, or the index found damaged). */
  async destroy(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private async writeAtomically(name: string, bytes: Buffer): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `${name}.tmp`);
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(this.dir, name));
  }
}

function bucketFile(id: number): string {
  return `bucket-${id}.bin`;
}

async function readExactly(
  fh: Awaited<ReturnType<typeof open>>,
  position: number,
  length: number,
): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new Error('delayed-delivery bucket file is truncated');
    done += bytesRead;
  }
  return buf;
}
