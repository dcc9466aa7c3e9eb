/**
 * The group-commit writer (BookKeeper's journal, for one node). Appends of every ledger are
 * encoded into the open group; the group is flushed when its window (`groupCommitDelayMs`) ends
 * or it reaches `groupCommitMaxBytes`. Exactly one flush is in flight: groups that become due
 * meanwhile wait and then go out together, so a slow fsync makes the next group larger instead
 * of queueing syncs. A flush is one writev plus, under the 'fsync' policy, one fdatasync, after
 * which every op of the flushed groups is answered in log order.
 */
import type { SyncPolicy } from '../types.js';
import { StorageIoError, StoreClosedError, StoreFencedError } from './errors.js';
import { fdatasync, writevFully } from './files.js';
import { Group } from './group.js';
import type { DurableListener } from './journal-op.js';
import { JournalOp } from './journal-op.js';
import { RECORD_HEADER_BYTES, writeRecord, writeRecordHeader } from './record.js';
import type { RecordType } from './record.js';

export interface JournalConfig {
  syncPolicy: SyncPolicy;
  groupCommitDelayMs: number;
  groupCommitMaxBytes: number;
  segmentSizeBytes: number;
}

/** What the journal needs from its owner. */
export interface JournalHost {
  /** Called in the flush chain before the first write to `segment`; seals the previous one and returns the new write fd. */
  startSegment(segment: number): Promise<number>;
  /** A write or sync failed; every pending op has been rejected and no more are accepted. */
  fenced(err: StorageIoError): void;
}

type JournalState =
  /** Accepting appends. */
  | 'running'
  /** A write or sync failed; every append is refused. */
  | 'fenced'
  /** Closed by its owner after a drain. */
  | 'closed';

/**
 * Handed-over entries from this size on are written from their own buffer (one more writev buffer)
 * rather than copied into the group: below it a copy costs less than the extra buffer.
 */
export const MIN_ATTACHED_ENTRY_BYTES = 4 * 1024;

/** Upper bound of one coalesced flush of queued groups. */
const MAX_FLUSH_BYTES = 64 * 1024 * 1024;

export class Journal {
  private state: JournalState = 'running';
  private failure: StorageIoError | null = null;
  private open: Group | null = null;
  private readonly due: Group[] = [];
  private flushing = false;
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private idleWaiters: (() => void)[] = [];
  /** Segment and offset the next record will get (includes records not yet durable). */
  private tailSegment: number;
  private tailOffset = 0;
  /** Completed flushes and their total bytes, for stats and benchmarks. */
  syncCount = 0;
  bytesWritten = 0;

  constructor(
    private readonly config: JournalConfig,
    private readonly host: JournalHost,
    firstSegment: number,
    private fd: number,
  ) {
    this.tailSegment = firstSegment;
  }

  /**
   * Encodes a record into the open group; resolves with `entryId` once the group is durable. With
   * `handOver` (the caller will never change `data`), an entry of MIN_ATTACHED_ENTRY_BYTES or more
   * is written from the caller's buffer instead of being copied into the group.
   */
  append(
    type: RecordType,
    ledgerId: number,
    entryId: number,
    data: Uint8Array | null,
    listener: DurableListener | null,
    handOver = false,
  ): Promise<number> {
    if (this.state !== 'running') return Promise.reject(this.refusal());
    const dataLength = data === null ? 0 : data.length;
    const size = RECORD_HEADER_BYTES + dataLength;
    const group = this.groupFor(size);
    const offset = this.tailOffset;
    if (data !== null && handOver && dataLength >= MIN_ATTACHED_ENTRY_BYTES) {
      const view = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, dataLength);
      const buf = group.reserve(RECORD_HEADER_BYTES);
      writeRecordHeader(buf, group.reservedAt, type, ledgerId, entryId, view);
      group.attach(view);
    } else {
      const buf = group.reserve(size);
      writeRecord(buf, group.reservedAt, type, ledgerId, entryId, data);
    }
    this.tailOffset += size;
    let op!: JournalOp;
    const promise = new Promise<number>((resolve, reject) => {
      op = new JournalOp(
        type,
        ledgerId,
        entryId,
        group.segment,
        offset,
        dataLength,
        listener,
        resolve,
        reject,
      );
    });
    group.ops.push(op);
    if (group.ops.length === 1) this.armTimer();
    if (group.bytes >= this.config.groupCommitMaxBytes) this.sealOpen();
    return promise;
  }

  /** Flushes everything appended so far; resolves when nothing is pending (or the journal failed). */
  drain(): Promise<void> {
    this.sealOpen();
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops accepting appends (after `drain`). */
  close(): void {
    if (this.state === 'running') this.state = 'closed';
    this.cancelTimer();
  }

  private refusal(): Error {
    return this.state === 'fenced' ? new StoreFencedError(this.failure) : new StoreClosedError();
  }

  /** The open group, rolling to a new segment first when the record would not fit the current one. */
  private groupFor(size: number): Group {
    if (this.tailOffset > 0 && this.tailOffset + size > this.config.segmentSizeBytes) {
      this.sealOpen();
      this.tailSegment++;
      this.tailOffset = 0;
      this.open = new Group(this.tailSegment, 0, true);
      return this.open;
    }
    this.open ??= new Group(this.tailSegment, this.tailOffset, false);
    return this.open;
  }

  private armTimer(): void {
    if (this.timer !== null) return;
    const fire = (): void => {
      this.timer = null;
      this.sealOpen();
    };
    // Ref'd timers on purpose: an awaited append must keep the process alive until it is durable.
    this.timer =
      this.config.groupCommitDelayMs <= 0
        ? setImmediate(fire)
        : setTimeout(fire, this.config.groupCommitDelayMs);
  }

  private cancelTimer(): void {
    if (this.timer === null) return;
    if (this.config.groupCommitDelayMs <= 0) clearImmediate(this.timer as NodeJS.Immediate);
    else clearTimeout(this.timer as NodeJS.Timeout);
    this.timer = null;
  }

  private sealOpen(): void {
    const group = this.open;
    if (group === null) return;
    this.cancelTimer();
    this.open = null;
    group.state = 'due';
    this.due.push(group);
    this.kick();
  }

  private kick(): void {
    if (this.flushing || this.due.length === 0 || this.state === 'fenced') return;
    const batch = [this.due.shift()!];
    let bytes = batch[0].bytes;
    // Groups that became due during the previous flush share this one: one write, one sync.
    while (this.due.length > 0 && !this.due[0].startsSegment && bytes < MAX_FLUSH_BYTES) {
      bytes += this.due[0].bytes;
      batch.push(this.due.shift()!);
    }
    this.flushing = true;
    this.flush(batch).then(
      () => {
        this.flushing = false;
        this.kick();
        this.wakeIdleWaiters();
      },
      (err: unknown) => this.fence(err, batch),
    );
  }

  private async flush(batch: Group[]): Promise<void> {
    const buffers: Buffer[] = [];
    for (const group of batch) {
      group.state = 'flushing';
      for (const op of group.ops) op.state = 'flushing';
      for (const b of group.buffers()) buffers.push(b);
    }
    const first = batch[0];
    if (first.startsSegment) this.fd = await this.host.startSegment(first.segment);
    await writevFully(this.fd, buffers, first.baseOffset);
    if (this.config.syncPolicy === 'fsync') await fdatasync(this.fd);
    this.syncCount++;
    for (const group of batch) {
      this.bytesWritten += group.bytes;
      group.state = 'durable';
      group.recycle();
      for (const op of group.ops) {
        op.state = 'durable';
        op.listener?.onDurable(op);
        op.resolve(op.entryId);
      }
    }
  }

  private fence(cause: unknown, batch: Group[]): void {
    this.flushing = false;
    this.state = 'fenced';
    this.failure =
      cause instanceof StorageIoError
        ? cause
        : new StorageIoError(`journal write failed: ${(cause as Error).message}`, cause);
    this.cancelTimer();
    const failed = [...batch, ...this.due, ...(this.open ? [this.open] : [])];
    this.due.length = 0;
    this.open = null;
    for (const group of failed) {
      group.state = 'failed';
      for (const op of group.ops) {
        if (op.state === 'durable') continue;
        op.state = 'failed';
        op.reject(this.failure);
      }
    }
    this.host.fenced(this.failure);
    this.wakeIdleWaiters();
  }

  private isIdle(): boolean {
    return !this.flushing && this.due.length === 0 && this.open === null;
  }

  private wakeIdleWaiters(): void {
    if (!this.isIdle() && this.state !== 'fenced') return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
