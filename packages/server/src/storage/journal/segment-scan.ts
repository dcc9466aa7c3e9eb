/**
 * Reads a segment file record by record, verifying each CRC, in large sequential chunks. Stops at
 * the first record that is torn (runs past the end of the file) or corrupt (bad length, CRC or
 * type) and reports where the valid prefix ends, so recovery can truncate the tail there.
 */
import fs from 'node:fs';
import { closeFd, fdatasync, openFd, preadFully } from './files.js';
import type { RecordView } from './record.js';
import {
  RECORD_HEADER_BYTES,
  RECORD_PREFIX_BYTES,
  newRecordView,
  parseRecord,
  recordSizeAt,
} from './record.js';

const SCAN_CHUNK_BYTES = 8 * 1024 * 1024;

export interface ScanResult {
  /** Length of the prefix made of valid records. */
  validBytes: number;
  fileBytes: number;
  /** Why the scan stopped: the end of the file, a record cut short, or a damaged record. */
  stop: 'end' | 'torn' | 'corrupt';
}

/**
 * Calls `onRecord` for every valid record, in order. `rec` and `buf` are reused: do not keep them;
 * `rec.start` is the record's offset in `buf`, `fileOffset` its offset in the file.
 */
export async function scanSegment(
  file: string,
  onRecord: (rec: RecordView, buf: Buffer, fileOffset: number) => void,
): Promise<ScanResult> {
  const fd = await openFd(file, 'r');
  try {
    const fileBytes = (await fs.promises.stat(file)).size;
    const rec = newRecordView();
    let pos = 0;
    let want = SCAN_CHUNK_BYTES;
    while (pos < fileBytes) {
      const buf = await preadFully(fd, Math.min(want, fileBytes - pos), pos);
      let at = 0;
      for (;;) {
        const status = parseRecord(buf, at, rec);
        if (status === 'corrupt') return { validBytes: pos + at, fileBytes, stop: 'corrupt' };
        if (status === 'short') break;
        onRecord(rec, buf, pos + at);
        at += RECORD_HEADER_BYTES + rec.dataLength;
      }
      const left = buf.length - at;
      const needed = left >= RECORD_PREFIX_BYTES ? recordSizeAt(buf, at) : RECORD_PREFIX_BYTES;
      if (pos + at + needed > fileBytes) return { validBytes: pos + at, fileBytes, stop: 'torn' };
      // The next record did not fit the chunk: read from its start, at least large enough for it.
      want = Math.max(SCAN_CHUNK_BYTES, needed);
      pos += at;
    }
    return { validBytes: fileBytes, fileBytes, stop: 'end' };
  } finally {
    await closeFd(fd);
  }
}

/** Cuts a segment file back to its valid prefix and makes the new length durable. */
export async function truncateSegment(file: string, validBytes: number): Promise<void> {
  const fd = await openFd(file, 'r+');
  try {
    await new Promise<void>((resolve, reject) =>
      fs.ftruncate(fd, validBytes, (err) => (err ? reject(err) : resolve())),
    );
    await fdatasync(fd);
  } finally {
    await closeFd(fd);
  }
}
