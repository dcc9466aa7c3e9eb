import { MessageId } from '../message-id.js';
import type { SendCallback } from './types.js';

/**
 * One SEND in flight: the framed bytes (kept so a reconnect can resend them unchanged), the
 * sequence ids it covers and the callbacks of its messages.
 * States: 'pending' until a receipt or failure, then 'done' (a second completion is ignored).
 */
export class OpSend {
  state: 'pending' | 'done' = 'pending';
  /** Settles (never rejects) when the op completes either way; `flush` and `close` wait on it. */
  readonly settled: Promise<void>;
  private markSettled!: () => void;

  constructor(
    readonly sequenceId: number,
    readonly highestSequenceId: number,
    readonly numMessages: number,
    readonly frame: Buffer,
    readonly callbacks: SendCallback[],
    readonly createdAt: number,
    /** Batched ops resolve each message with its batch index; single ones with -1. */
    readonly batched: boolean,
  ) {
    this.settled = new Promise((resolve) => (this.markSettled = resolve));
  }

  complete(ledgerId: number, entryId: number, partition: number): void {
    if (this.state === 'done') return;
    this.state = 'done';
    const n = this.callbacks.length;
    for (let i = 0; i < n; i++) {
      const id = this.batched
        ? new MessageId(ledgerId, entryId, partition, i, n)
        : new MessageId(ledgerId, entryId, partition, -1, 0);
      this.callbacks[i].resolve(id);
    }
    this.markSettled();
  }

  fail(err: unknown): void {
    if (this.state === 'done') return;
    this.state = 'done';
    for (const cb of this.callbacks) cb.reject(err);
    this.markSettled();
  }
}
