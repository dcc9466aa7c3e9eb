/**
 * The write side of a managed ledger: appends go to the current ledger as soon as they arrive, many
 * in flight at once, so the ledger store can group-commit them; they complete strictly in call
 * order. When the current ledger is full or old, the pipeline rolls over: it stops issuing, waits
 * for the in-flight appends, seals the ledger, creates the next one and has the owner record it in
 * the ledger list; appends made meanwhile wait in a queue and keep their order.
 * (Pulsar: ManagedLedgerImpl.addEntry, OpAddEntry and the ledger roll-over.)
 */
import type { Clock } from '../../util/clock.js';
import { compactEntry } from '../entry-bytes.js';
import type { Ledger, ManagedLedgerConfig, Position } from '../types.js';

export interface PipelineOwner {
  createLedger(): Promise<Ledger>;
  /** Records the switch from the sealed `old` ledger to `next` in the ledger list (durably). */
  switchLedger(old: Ledger, next: Ledger): Promise<void>;
  /** Called for each durable append, in order, before its promise resolves. */
  onDurable(p: Position, data: Buffer): void;
  /** Called once when an append or a roll-over fails; the pipeline accepts nothing more. */
  onFailed(err: Error): void;
}

/** An append's life. */
type OpState =
  /** Waiting for a roll-over to finish. */
  | 'queued'
  /** Sent to the ledger; not yet durable. */
  | 'issued'
  /** Durable, but an earlier append has not completed yet. */
  | 'written'
  /** Resolved with its position. */
  | 'done'
  /** Rejected. */
  | 'failed';

class AppendOp {
  state: OpState = 'queued';
  ledgerId = -1;
  entryId = -1;

  constructor(
    readonly data: Buffer,
    readonly resolve: (p: Position) => void,
    readonly reject: (err: Error) => void,
  ) {}
}

/** The pipeline's life. */
type State =
  /** Issuing appends to the current ledger. */
  | 'ready'
  /** Switching to a new ledger; appends queue. */
  | 'rolling'
  /** An append or roll-over failed; the owner must reopen the managed ledger. */
  | 'failed'
  /** Closed: the current ledger is sealed. */
  | 'closed';

export class AppendPipeline {
  private state: State = 'ready';
  private closing = false;
  private ledger: Ledger;
  private ledgerCreatedMs: number;
  private issuedBytes = 0;
  private issuedEntries = 0;
  private readonly queued: AppendOp[] = [];
  private readonly inFlight: AppendOp[] = [];
  private idleWaiters: (() => void)[] = [];
  private failure: Error | null = null;

  constructor(
    ledger: Ledger,
    private readonly config: ManagedLedgerConfig,
    private readonly clock: Clock,
    private readonly owner: PipelineOwner,
  ) {
    this.ledger = ledger;
    this.ledgerCreatedMs = clock.now();
  }

  get currentLedger(): Ledger {
    return this.ledger;
  }

  /** Appends waiting or in flight. */
  get pendingCount(): number {
    return this.queued.length + this.inFlight.length;
  }

  append(data: Uint8Array): Promise<Position> {
    if (this.closing || this.state === 'closed') return Promise.reject(new Error('managed ledger is closed'));
    if (this.state === 'failed') return Promise.reject(this.failedError());
    // The cache keeps this buffer: a view into a larger buffer is copied (it would pin the caller's
    // whole socket chunk), compact bytes are kept. Either way they are handed to the ledger, which
    // then writes them without copying them again.
    const data_ = compactEntry(data);
    return new Promise<Position>((resolve, reject) => {
      const op = new AppendOp(data_, resolve, reject);
      if (this.state === 'ready' && this.isTooOld()) this.startRoll();
      if (this.state === 'ready') this.issue(op);
      else this.queued.push(op);
    });
  }

  /** Finishes every accepted append, then seals the current ledger. */
  async close(): Promise<void> {
    this.closing = true;
    await this.whenIdle();
    if (this.state === 'closed') return;
    if (this.state !== 'failed') this.state = 'closed';
    await this.ledger.close();
  }

  private issue(op: AppendOp): void {
    op.state = 'issued';
    op.ledgerId = this.ledger.id;
    this.inFlight.push(op);
    this.issuedBytes += op.data.length;
    this.issuedEntries++;
    this.ledger.append(op.data, true).then(
      (entryId) => this.onWritten(op, entryId),
      (err: unknown) => this.onWriteFailed(op, err),
    );
    if (this.issuedBytes >= this.config.maxLedgerSizeBytes) this.startRoll();
  }

  private onWritten(op: AppendOp, entryId: number): void {
    if (op.state !== 'issued') return;
    op.entryId = entryId;
    op.state = 'written';
    // Ledger stores acknowledge in order, but completing from the head keeps call order regardless.
    while (this.inFlight.length > 0 && this.inFlight[0].state === 'written') {
      const head = this.inFlight.shift()!;
      head.state = 'done';
      const p = { ledgerId: head.ledgerId, entryId: head.entryId };
      this.owner.onDurable(p, head.data);
      head.resolve(p);
    }
    this.signalIfIdle();
  }

  private onWriteFailed(op: AppendOp, err: unknown): void {
    if (op.state !== 'issued') return;
    // Appends before the failed one may still succeed; it and everything after it cannot be trusted.
    const i = this.inFlight.indexOf(op);
    this.fail(asError(err), i < 0 ? this.inFlight.length : i);
  }

  private isTooOld(): boolean {
    return this.issuedEntries > 0 && this.clock.now() - this.ledgerCreatedMs >= this.config.maxLedgerAgeMs;
  }

  private startRoll(): void {
    if (this.state !== 'ready') return;
    this.state = 'rolling';
    void this.roll();
  }

  private async roll(): Promise<void> {
    try {
      await this.whenInFlightDone();
      if (this.state !== 'rolling') return;
      const old = this.ledger;
      await old.close();
      const next = await this.owner.createLedger();
      await this.owner.switchLedger(old, next);
      if (this.state !== 'rolling') return;
      this.ledger = next;
      this.ledgerCreatedMs = this.clock.now();
      this.issuedBytes = 0;
      this.issuedEntries = 0;
      this.state = 'ready';
      while (this.state === 'ready' && this.queued.length > 0) this.issue(this.queued.shift()!);
      this.signalIfIdle();
    } catch (err) {
      this.fail(asError(err), this.inFlight.length);
    }
  }

  /** Rejects in-flight appends from index `from` on and every queued one; accepts nothing more. */
  private fail(err: Error, from: number): void {
    if (this.state === 'failed') return;
    this.state = 'failed';
    this.failure = err;
    const doomed = [...this.inFlight.splice(from), ...this.queued.splice(0)];
    for (const op of doomed) {
      op.state = 'failed';
      op.reject(err);
    }
    this.owner.onFailed(err);
    this.signalIfIdle();
  }

  private failedError(): Error {
    return new Error(`managed ledger failed: ${this.failure?.message ?? 'unknown'}`, { cause: this.failure });
  }

  private whenInFlightDone(): Promise<void> {
    if (this.inFlight.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async whenIdle(): Promise<void> {
    while (this.inFlight.length > 0 || this.queued.length > 0 || this.state === 'rolling') {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  private signalIfIdle(): void {
    if (this.inFlight.length > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
