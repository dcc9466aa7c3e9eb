/**
 * One record on its way to disk (Pulsar's OpAddEntry, reduced): it owns the caller's callbacks
 * and where its bytes will live, and moves through an explicit state.
 */
import type { RecordType } from './record.js';

export type JournalOpState =
  /** Encoded into a group's buffer, waiting for the group to be written. */
  | 'queued'
  /** Its group is being written (and synced). */
  | 'flushing'
  /** On disk under the sync policy; the caller has been answered. */
  | 'durable'
  /** The write or sync failed; the caller got the error. */
  | 'failed';

/** Told, in log order, when a record becomes durable (before the caller's promise settles). */
export interface DurableListener {
  onDurable(op: JournalOp): void;
}

export class JournalOp {
  state: JournalOpState = 'queued';

  constructor(
    readonly type: RecordType,
    readonly ledgerId: number,
    readonly entryId: number,
    readonly segment: number,
    readonly recordOffset: number,
    readonly dataLength: number,
    readonly listener: DurableListener | null,
    readonly resolve: (entryId: number) => void,
    readonly reject: (err: Error) => void,
  ) {}
}
