/**
 * Rebuilds the store's state on open. Sealed segments (older than the catalog's replay point)
 * contribute their persisted `.idx`; segments from the replay point on are scanned record by
 * record, lifecycle records are re-applied on top of the catalog, and a torn or corrupt tail is
 * truncated with a warning. Ledgers still open at the crash are sealed at their last durable
 * entry. Every scanned segment gets an `.idx`, so the next open reads indexes only.
 */
import type { Catalog } from './catalog.js';
import { loadCatalog } from './catalog.js';
import { EntryIndex } from './entry-index.js';
import { StorageCorruptError } from './errors.js';
import {
  listSegments,
  readFileIfExists,
  segmentIndexPath,
  segmentLogPath,
  writeFileAtomic,
} from './files.js';
import type { RecordView } from './record.js';
import { RECORD_CLOSE, RECORD_CREATE, RECORD_DELETE, RECORD_ENTRY } from './record.js';
import { SegmentIndexBuilder, decodeSegmentIndex } from './segment-index.js';
import { scanSegment, truncateSegment } from './segment-scan.js';

export interface StoreLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface RecoveredLedger {
  id: number;
  closed: boolean;
  index: EntryIndex;
}

export interface RecoveredStore {
  nextLedgerId: number;
  ledgers: Map<number, RecoveredLedger>;
  /** For every segment file, the live ledgers that have entries in it. */
  segmentLedgers: Map<number, Set<number>>;
  /** Highest existing segment number, -1 when there is none. */
  lastSegment: number;
}

export async function recoverStore(dir: string, logger: StoreLogger): Promise<RecoveredStore> {
  const catalog = await loadCatalog(dir);
  const state = new RecoveryState(catalog);
  const segments = await listSegments(dir);
  for (const segment of segments) {
    state.segmentLedgers.set(segment, new Set());
    if (segment < catalog.replayFromSegment && (await loadIndex(dir, segment, state))) continue;
    await replaySegment(dir, segment, state, segment >= catalog.replayFromSegment, logger);
  }
  state.sealAll();
  return {
    nextLedgerId: state.nextLedgerId,
    ledgers: state.ledgers,
    segmentLedgers: state.segmentLedgers,
    lastSegment: segments.length > 0 ? segments[segments.length - 1] : -1,
  };
}

async function loadIndex(dir: string, segment: number, state: RecoveryState): Promise<boolean> {
  const raw = await readFileIfExists(segmentIndexPath(dir, segment));
  if (raw === null) return false;
  // Rows are applied as they are decoded; a damaged file is detected (by CRC) before the first row.
  return decodeSegmentIndex(raw, (r) =>
    state.entry(segment, r.ledgerId, r.entryId, r.recordOffset, r.dataLength, null),
  );
}

async function replaySegment(
  dir: string,
  segment: number,
  state: RecoveryState,
  applyLifecycle: boolean,
  logger: StoreLogger,
): Promise<void> {
  const file = segmentLogPath(dir, segment);
  const builder = new SegmentIndexBuilder(segment);
  const result = await scanSegment(file, (rec: RecordView, _buf, fileOffset) => {
    if (rec.type === RECORD_ENTRY)
      state.entry(segment, rec.ledgerId, rec.entryId, fileOffset, rec.dataLength, builder);
    else if (applyLifecycle) state.lifecycle(rec);
  });
  if (result.validBytes < result.fileBytes) {
    logger.warn(
      {
        segment,
        file,
        offset: result.validBytes,
        droppedBytes: result.fileBytes - result.validBytes,
        reason: result.stop,
      },
      'journal recovery: truncating a torn or corrupt segment tail',
    );
    await truncateSegment(file, result.validBytes);
  }
  await writeFileAtomic(segmentIndexPath(dir, segment), builder.encode());
}

/** The ledger table being rebuilt, with the pair assertions that keep it honest. */
class RecoveryState {
  nextLedgerId: number;
  readonly ledgers = new Map<number, RecoveredLedger>();
  readonly segmentLedgers = new Map<number, Set<number>>();
  /** Last entry ids the catalog recorded for closed ledgers, checked once everything is loaded. */
  private readonly expectedLast = new Map<number, number>();

  constructor(catalog: Catalog) {
    this.nextLedgerId = catalog.nextLedgerId;
    for (const l of catalog.ledgers) {
      this.ledgers.set(l.id, { id: l.id, closed: l.closed, index: new EntryIndex() });
      if (l.closed) this.expectedLast.set(l.id, l.lastEntryId);
    }
  }

  entry(
    segment: number,
    ledgerId: number,
    entryId: number,
    offset: number,
    length: number,
    builder: SegmentIndexBuilder | null,
  ): void {
    const ledger = this.ledgers.get(ledgerId);
    // Entries of deleted ledgers stay in shared segments until segment GC; they are not indexed.
    if (ledger === undefined) return;
    if (entryId !== ledger.index.count) {
      throw new StorageCorruptError(
        `segment ${segment}: ledger ${ledgerId} entry ${entryId} out of order (expected ${ledger.index.count})`,
      );
    }
    ledger.index.push(segment, offset, length);
    this.segmentLedgers.get(segment)!.add(ledgerId);
    builder?.push(ledgerId, entryId, offset, length);
  }

  lifecycle(rec: RecordView): void {
    const ledger = this.ledgers.get(rec.ledgerId);
    if (rec.type === RECORD_CREATE) {
      if (ledger === undefined)
        this.ledgers.set(rec.ledgerId, { id: rec.ledgerId, closed: false, index: new EntryIndex() });
      this.nextLedgerId = Math.max(this.nextLedgerId, rec.ledgerId + 1);
    } else if (rec.type === RECORD_CLOSE && ledger !== undefined) {
      ledger.closed = true;
      this.expectedLast.set(rec.ledgerId, rec.entryId - 1);
    } else if (rec.type === RECORD_DELETE && ledger !== undefined) {
      for (const segment of ledger.index.distinctSegments())
        this.segmentLedgers.get(segment)?.delete(rec.ledgerId);
      this.ledgers.delete(rec.ledgerId);
      this.expectedLast.delete(rec.ledgerId);
    }
  }

  /** Seals ledgers found open and checks closed ones hold exactly the entries their close recorded. */
  sealAll(): void {
    for (const ledger of this.ledgers.values()) {
      const expected = this.expectedLast.get(ledger.id);
      if (ledger.closed && expected !== undefined && expected !== ledger.index.count - 1) {
        throw new StorageCorruptError(
          `ledger ${ledger.id} was closed at entry ${expected} but ${ledger.index.count} entries were found`,
        );
      }
      ledger.closed = true;
    }
  }
}
