/**
 * DiskLedgerStore: every ledger of a broker in a few shared, append-only segment files
 * (BookKeeper's journal and entry log folded into one, for a single node). Appends of all ledgers
 * share one group commit; reads pread from segments through a bounded descriptor cache; the
 * catalog and per-segment indexes make restart cheap; recovery truncates a torn tail.
 *
 * Layout under `dir`: `catalog.json`, `segments/<n>.log` (records), `segments/<n>.idx` (index of a
 * sealed segment). A segment file is deleted once every ledger with entries in it is deleted.
 */
import fs from 'node:fs';
import type { Ledger, LedgerStore, SyncPolicy } from '../types.js';
import { saveCatalog } from './catalog.js';
import type { CatalogLedger } from './catalog.js';
import { DiskLedger } from './disk-ledger.js';
import type { LedgerHost } from './disk-ledger.js';
import { EntryIndex } from './entry-index.js';
import { readEntries } from './entry-reader.js';
import { LedgerNotFoundError, StoreClosedError, StoreFencedError } from './errors.js';
import type { StorageIoError } from './errors.js';
import { FdCache } from './fd-cache.js';
import {
  closeFd,
  fsyncDir,
  openFd,
  segmentIndexPath,
  segmentLogPath,
  segmentsDir,
  writeFileAtomic,
} from './files.js';
import { Journal } from './journal.js';
import type { DurableListener, JournalOp } from './journal-op.js';
import { RECORD_CREATE, RECORD_DELETE } from './record.js';
import { recoverStore } from './recovery.js';
import type { StoreLogger } from './recovery.js';
import { SegmentIndexBuilder } from './segment-index.js';

export interface DiskLedgerStoreOptions {
  dir: string;
  /** Default 'fsync'. */
  syncPolicy?: SyncPolicy;
  /** Length of a group-commit window; 0 flushes on the next tick. Default 1. */
  groupCommitDelayMs?: number;
  /** A group is flushed early once it holds this many bytes. Default 4 MiB. */
  groupCommitMaxBytes?: number;
  /** Segments roll at this size. Default 128 MiB, at most 2 GiB (offsets are 32-bit). */
  segmentSizeBytes?: number;
  /** Bound on read descriptors kept open. Default 64. */
  maxOpenFiles?: number;
  logger?: StoreLogger;
}

type StoreState =
  /** Serving reads and writes. */
  | 'open'
  /** A write or sync failed: reads only; reopen to recover. */
  | 'fenced'
  /** close() in progress or done. */
  | 'closed';

export interface DiskLedgerStoreStats {
  /** Flushes (one write + one fdatasync each under 'fsync'). */
  syncs: number;
  bytesWritten: number;
  activeSegment: number;
  segments: number;
  openReadFiles: number;
}

const MAX_SEGMENT_BYTES = 2 ** 31;
const silentLogger: StoreLogger = { warn: () => undefined, info: () => undefined };

export class DiskLedgerStore implements LedgerStore, LedgerHost, DurableListener {
  readonly journal: Journal;
  private state: StoreState = 'open';
  private closing: Promise<void> | null = null;
  private readonly fds: FdCache;
  private activeIndex: SegmentIndexBuilder;
  private gcRunning = false;
  private gcAgain = false;

  private constructor(
    private readonly dir: string,
    private readonly logger: StoreLogger,
    options: Required<Omit<DiskLedgerStoreOptions, 'dir' | 'logger'>>,
    private readonly ledgers: Map<number, DiskLedger>,
    /** Live ledgers with entries in each segment file, for segment GC. */
    private readonly segmentLedgers: Map<number, Set<number>>,
    private nextLedgerId: number,
    private activeSegment: number,
    private writeFd: number,
  ) {
    this.fds = new FdCache((segment) => segmentLogPath(dir, segment), options.maxOpenFiles);
    this.activeIndex = new SegmentIndexBuilder(activeSegment);
    this.journal = new Journal(options, this, activeSegment, writeFd);
  }

  static async open(options: DiskLedgerStoreOptions): Promise<DiskLedgerStore> {
    const config = {
      syncPolicy: options.syncPolicy ?? 'fsync',
      groupCommitDelayMs: options.groupCommitDelayMs ?? 1,
      groupCommitMaxBytes: options.groupCommitMaxBytes ?? 4 * 1024 * 1024,
      segmentSizeBytes: options.segmentSizeBytes ?? 128 * 1024 * 1024,
      maxOpenFiles: options.maxOpenFiles ?? 64,
    };
    if (config.segmentSizeBytes > MAX_SEGMENT_BYTES || config.segmentSizeBytes < 1024) {
      throw new RangeError(
        `segmentSizeBytes must be between 1 KiB and 2 GiB, got ${config.segmentSizeBytes}`,
      );
    }
    if (config.maxOpenFiles < 1) throw new RangeError('maxOpenFiles must be at least 1');
    const logger = options.logger ?? silentLogger;
    await fs.promises.mkdir(segmentsDir(options.dir), { recursive: true });
    const recovered = await recoverStore(options.dir, logger);
    const ledgers = new Map<number, DiskLedger>();
    const store: DiskLedgerStore = new DiskLedgerStore(
      options.dir,
      logger,
      config,
      ledgers,
      recovered.segmentLedgers,
      recovered.nextLedgerId,
      recovered.lastSegment + 1,
      await createSegmentFile(options.dir, recovered.lastSegment + 1),
    );
    for (const r of recovered.ledgers.values())
      ledgers.set(r.id, new DiskLedger(r.id, store, r.index, 'closed'));
    store.segmentLedgers.set(store.activeSegment, new Set());
    await store.checkpoint(store.activeSegment);
    await store.collectGarbage();
    logger.info(
      {
        dir: options.dir,
        ledgers: ledgers.size,
        segments: store.segmentLedgers.size,
        nextLedgerId: store.nextLedgerId,
      },
      'ledger store opened',
    );
    return store;
  }

  async createLedger(): Promise<Ledger> {
    this.assertWritable();
    const ledger = new DiskLedger(this.nextLedgerId++, this, new EntryIndex(), 'open');
    this.ledgers.set(ledger.id, ledger);
    await this.journal.append(RECORD_CREATE, ledger.id, 0, null, ledger);
    return ledger;
  }

  async openLedger(ledgerId: number): Promise<Ledger> {
    this.assertUsable();
    const ledger = this.ledgers.get(ledgerId);
    if (ledger === undefined || ledger.state === 'deleted') throw new LedgerNotFoundError(ledgerId);
    // Opening fences a ledger still being written (BookKeeper's recovery open), like the memory store.
    await ledger.close();
    return ledger;
  }

  async deleteLedger(ledgerId: number): Promise<void> {
    this.assertWritable();
    const ledger = this.ledgers.get(ledgerId);
    if (ledger === undefined || ledger.state === 'deleted') return;
    ledger.state = 'deleted';
    await this.journal.append(RECORD_DELETE, ledgerId, 0, null, this);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /**
   * Stops the store as a crash right after the last flush would, for recovery tests: new calls
   * are refused, the flush in flight (if any) completes so no write can hit a reused descriptor,
   * and nothing else is written (no index, no catalog). Only a reopen can follow.
   */
  async simulateCrash(): Promise<void> {
    this.state = 'closed';
    this.closing = Promise.resolve();
    this.journal.close();
    await this.journal.drain();
    await closeFd(this.writeFd).catch(() => undefined);
    await this.fds.closeAll();
  }

  stats(): DiskLedgerStoreStats {
    return {
      syncs: this.journal.syncCount,
      bytesWritten: this.journal.bytesWritten,
      activeSegment: this.activeSegment,
      segments: this.segmentLedgers.size,
      openReadFiles: this.fds.size,
    };
  }

  /** Ids of the live ledgers, ascending. */
  ledgerIds(): number[] {
    return [...this.ledgers.values()]
      .filter((l) => l.state !== 'deleted')
      .map((l) => l.id)
      .sort((a, b) => a - b);
  }

  // --- LedgerHost and JournalHost ---

  assertUsable(): void {
    if (this.state === 'closed') throw new StoreClosedError();
  }

  onEntryDurable(op: JournalOp): void {
    if (op.segment !== this.activeSegment) {
      throw new Error(`entry durable in segment ${op.segment} while ${this.activeSegment} is active`);
    }
    this.activeIndex.push(op.ledgerId, op.entryId, op.recordOffset, op.dataLength);
    this.segmentLedgers.get(op.segment)!.add(op.ledgerId);
  }

  readEntries(ledger: DiskLedger, first: number, last: number): Promise<Buffer[]> {
    return readEntries(this.fds, ledger.id, ledger.index, first, last);
  }

  /** A delete record is durable: forget the ledger and free segments nobody needs any more. */
  onDurable(op: JournalOp): void {
    if (op.type !== RECORD_DELETE) return;
    const ledger = this.ledgers.get(op.ledgerId);
    if (ledger === undefined) return;
    this.ledgers.delete(op.ledgerId);
    for (const segment of ledger.index.distinctSegments())
      this.segmentLedgers.get(segment)?.delete(op.ledgerId);
    this.collectGarbage().catch((err: unknown) =>
      this.logger.warn({ err }, 'segment garbage collection failed'),
    );
  }

  /** Seals the active segment (index file), opens the next one and moves the catalog's replay point. */
  async startSegment(segment: number): Promise<number> {
    await writeFileAtomic(segmentIndexPath(this.dir, this.activeSegment), this.activeIndex.encode());
    const fd = await createSegmentFile(this.dir, segment);
    await closeFd(this.writeFd);
    this.writeFd = fd;
    this.activeSegment = segment;
    this.activeIndex = new SegmentIndexBuilder(segment);
    this.segmentLedgers.set(segment, new Set());
    await this.checkpoint(segment);
    await this.collectGarbage();
    return fd;
  }

  fenced(err: StorageIoError): void {
    if (this.state === 'open') this.state = 'fenced';
    this.logger.warn({ err, ioCode: err.ioCode }, 'ledger store fenced after an I/O failure: writes refused');
  }

  // --- internals ---

  private assertWritable(): void {
    if (this.state === 'closed') throw new StoreClosedError();
    if (this.state === 'fenced') throw new StoreFencedError(null);
  }

  /** Writes the catalog: the durable ledger table, replayed from `replayFromSegment` on the next open. */
  private checkpoint(replayFromSegment: number, sealOpen = false): Promise<void> {
    const ledgers: CatalogLedger[] = [];
    for (const l of this.ledgers.values()) {
      if (!l.createdDurably) continue;
      const closed = l.closedDurably || sealOpen;
      ledgers.push({ id: l.id, closed, lastEntryId: closed ? l.index.count - 1 : -1 });
    }
    return saveCatalog(this.dir, { nextLedgerId: this.nextLedgerId, replayFromSegment, ledgers });
  }

  /** Deletes sealed segments in which every ledger with entries has been deleted. */
  private async collectGarbage(): Promise<void> {
    // One pass at a time; a request during a pass earns exactly one more pass after it.
    if (this.gcRunning) {
      this.gcAgain = true;
      return;
    }
    this.gcRunning = true;
    try {
      do {
        this.gcAgain = false;
        for (const [segment, live] of [...this.segmentLedgers]) {
          if (segment >= this.activeSegment || live.size > 0) continue;
          this.segmentLedgers.delete(segment);
          this.fds.forget(segment);
          await fs.promises.rm(segmentLogPath(this.dir, segment), { force: true });
          await fs.promises.rm(segmentIndexPath(this.dir, segment), { force: true });
          this.logger.info({ segment }, 'segment deleted: no live ledger has entries in it');
        }
      } while (this.gcAgain);
    } finally {
      this.gcRunning = false;
    }
  }

  private async shutdown(): Promise<void> {
    await this.journal.drain();
    this.journal.close();
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    if (wasOpen) {
      // A clean close indexes the active segment, so the next open scans nothing.
      await writeFileAtomic(segmentIndexPath(this.dir, this.activeSegment), this.activeIndex.encode());
      await this.checkpoint(this.activeSegment + 1, true);
    }
    for (const l of this.ledgers.values()) l.sealInMemory();
    await closeFd(this.writeFd);
    await this.fds.closeAll();
  }
}

async function createSegmentFile(dir: string, segment: number): Promise<number> {
  const fd = await openFd(segmentLogPath(dir, segment), 'wx+');
  await fsyncDir(segmentsDir(dir));
  return fd;
}
