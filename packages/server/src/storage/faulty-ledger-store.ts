/**
 * Fault injection for storage tests (STYLE.md, "Tests": a fault-injecting implementation). The
 * FaultyLedgerStore wraps any LedgerStore and can fail the nth append or delay appends and reads;
 * `tearLastRecord` damages the newest record of a DiskLedgerStore directory the way a crash in
 * the middle of a write (or a bad sector) would, for recovery tests.
 */
import fs from 'node:fs';
import { listSegments, segmentLogPath } from './journal/files.js';
import { RECORD_HEADER_BYTES } from './journal/record.js';
import { scanSegment } from './journal/segment-scan.js';
import type { Ledger, LedgerStore } from './types.js';

export interface FaultOptions {
  /** The nth append through this store (1-based, counted across ledgers) is refused without being stored. */
  failAppendNumber?: number;
  /** Delay added before every append (ms). */
  appendLatencyMs?: number;
  /** Delay added before every read (ms). */
  readLatencyMs?: number;
}

/** The failure produced by an injected fault. */
export class InjectedFaultError extends Error {
  readonly code = 'INJECTED_FAULT';
  constructor(what: string) {
    super(`injected fault: ${what}`);
    this.name = 'InjectedFaultError';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class FaultyLedgerStore implements LedgerStore {
  /** Appends attempted through this store so far. */
  appendCount = 0;

  constructor(
    readonly inner: LedgerStore,
    public faults: FaultOptions = {},
  ) {}

  async createLedger(): Promise<Ledger> {
    return new FaultyLedger(await this.inner.createLedger(), this);
  }

  async openLedger(ledgerId: number): Promise<Ledger> {
    return new FaultyLedger(await this.inner.openLedger(ledgerId), this);
  }

  deleteLedger(ledgerId: number): Promise<void> {
    return this.inner.deleteLedger(ledgerId);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

class FaultyLedger implements Ledger {
  constructor(
    private readonly inner: Ledger,
    private readonly store: FaultyLedgerStore,
  ) {}

  get id(): number {
    return this.inner.id;
  }

  get lastAddConfirmed(): number {
    return this.inner.lastAddConfirmed;
  }

  get length(): number {
    return this.inner.length;
  }

  async append(data: Uint8Array, handOver = false): Promise<number> {
    const n = ++this.store.appendCount;
    const { failAppendNumber, appendLatencyMs } = this.store.faults;
    if (n === failAppendNumber) throw new InjectedFaultError(`append #${n} failed`);
    // Copy before waiting: the caller may reuse its buffer as soon as append returns.
    const copy = appendLatencyMs && !handOver ? Buffer.from(data) : data;
    if (appendLatencyMs) await sleep(appendLatencyMs);
    return this.inner.append(copy, handOver);
  }

  async read(firstEntryId: number, lastEntryId: number): Promise<Buffer[]> {
    if (this.store.faults.readLatencyMs) await sleep(this.store.faults.readLatencyMs);
    return this.inner.read(firstEntryId, lastEntryId);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * Damages the last record of the newest non-empty segment of a DiskLedgerStore directory:
 * 'truncate' cuts the file in the middle of that record (a torn write), 'corrupt' flips one byte
 * of it (a bad sector). The store must not be open. Returns what was damaged.
 */
export async function tearLastRecord(
  dir: string,
  mode: 'truncate' | 'corrupt',
): Promise<{ segment: number; recordOffset: number; recordBytes: number }> {
  const segments = (await listSegments(dir)).reverse();
  for (const segment of segments) {
    const file = segmentLogPath(dir, segment);
    let last = -1;
    let lastEnd = 0;
    await scanSegment(file, (rec, _buf, fileOffset) => {
      last = fileOffset;
      lastEnd = fileOffset + RECORD_HEADER_BYTES + rec.dataLength;
    });
    if (last < 0) continue;
    const recordBytes = lastEnd - last;
    if (mode === 'truncate') {
      await fs.promises.truncate(file, last + Math.floor(recordBytes / 2));
    } else {
      const fd = await fs.promises.open(file, 'r+');
      try {
        const at = lastEnd - 1;
        const { buffer } = await fd.read(Buffer.alloc(1), 0, 1, at);
        await fd.write(Buffer.from([buffer[0] ^ 0xff]), 0, 1, at);
      } finally {
        await fd.close();
      }
    }
    return { segment, recordOffset: last, recordBytes };
  }
  throw new Error(`no record found under ${dir}`);
}
