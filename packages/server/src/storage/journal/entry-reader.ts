/**
 * Reads a range of one ledger's entries from segment files. Entries that lie close together in
 * the same segment (the usual case for catch-up reads of a busy topic) are fetched with one
 * positional read per run, and every record is checked against the index on the way out: type,
 * ledger id, entry id, length and CRC (the read side of the round-trip pair assertion).
 */
import type { EntryIndex } from './entry-index.js';
import { StorageCorruptError } from './errors.js';
import type { FdCache } from './fd-cache.js';
import { preadFully } from './files.js';
import { RECORD_ENTRY, RECORD_HEADER_BYTES, newRecordView, parseRecord } from './record.js';

/** Largest single coalesced read. */
const MAX_RUN_BYTES = 4 * 1024 * 1024;
/** Largest hole (other ledgers' records) a coalesced read may span. */
const MAX_GAP_BYTES = 64 * 1024;

interface Run {
  segment: number;
  start: number;
  end: number;
  first: number;
  last: number;
  /** Bytes of the run that belong to requested entries. */
  useful: number;
}

export async function readEntries(
  fds: FdCache,
  ledgerId: number,
  index: EntryIndex,
  first: number,
  last: number,
): Promise<Buffer[]> {
  const out = new Array<Buffer>(last - first + 1);
  const reads: Promise<void>[] = [];
  for (let i = first; i <= last;) {
    const run = planRun(index, i, last);
    reads.push(readRun(fds, ledgerId, index, run, out, first));
    i = run.last + 1;
  }
  await Promise.all(reads);
  return out;
}

function planRun(index: EntryIndex, from: number, last: number): Run {
  const segment = index.segment(from);
  const start = index.offset(from);
  let end = start + RECORD_HEADER_BYTES + index.dataLength(from);
  let useful = end - start;
  let j = from;
  while (j < last && index.segment(j + 1) === segment) {
    const nextStart = index.offset(j + 1);
    const nextEnd = nextStart + RECORD_HEADER_BYTES + index.dataLength(j + 1);
    if (nextStart < end || nextStart - end > MAX_GAP_BYTES || nextEnd - start > MAX_RUN_BYTES) break;
    useful += nextEnd - nextStart;
    end = nextEnd;
    j++;
  }
  return { segment, start, end, first: from, last: j, useful };
}

async function readRun(
  fds: FdCache,
  ledgerId: number,
  index: EntryIndex,
  run: Run,
  out: Buffer[],
  base: number,
): Promise<void> {
  const fd = await fds.acquire(run.segment);
  let buf: Buffer;
  try {
    buf = await preadFully(fd, run.end - run.start, run.start);
  } finally {
    fds.release(run.segment);
  }
  // Views keep the whole read buffer alive; when most of it is other ledgers' data, copy instead.
  const copy = run.useful * 2 < buf.length;
  const rec = newRecordView();
  for (let id = run.first; id <= run.last; id++) {
    const at = index.offset(id) - run.start;
    const status = parseRecord(buf, at, rec);
    if (status !== 'ok' || rec.type !== RECORD_ENTRY || rec.ledgerId !== ledgerId || rec.entryId !== id) {
      throw new StorageCorruptError(
        `segment ${run.segment} offset ${index.offset(id)}: expected ledger ${ledgerId} entry ${id}, found ${status === 'ok' ? `ledger ${rec.ledgerId} entry ${rec.entryId}` : `a ${status} record`}`,
      );
    }
    if (rec.dataLength !== index.dataLength(id)) {
      throw new StorageCorruptError(
        `ledger ${ledgerId} entry ${id}: length ${rec.dataLength}, index says ${index.dataLength(id)}`,
      );
    }
    const data = buf.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + rec.dataLength);
    out[id - base] = copy ? Buffer.from(data) : data;
  }
}
