import { CommandType, encodePayloadCommand, type MessageMetadata } from '../connection/wire.js';
import { MessageId } from '../message-id.js';
import type { SendCallback } from './types.js';

/** What a SEND frame says besides its metadata and payload. */
export interface SendFrame {
  producerId: number;
  sequenceId: number;
  /** The last message's sequence id of a batch; the sequence id itself otherwise. */
  highestSequenceId: number;
  numMessages: number;
  kind: 'single' | 'batch' | 'chunk';
  /** CommandProducerSuccess.schema_version, stamped into the metadata when the producer has one. */
  schemaVersion: Uint8Array | undefined;
}

/** The ids of a message sent on its own (or of each of its chunks). */
export function single(
  sequenceId: number,
): Pick<SendFrame, 'sequenceId' | 'highestSequenceId' | 'numMessages'> {
  return { sequenceId, highestSequenceId: sequenceId, numMessages: 1 };
}

/**
 * One SEND in flight: the framed bytes (kept so a reconnect can resend them unchanged), the
 * sequence ids it covers and the callbacks of its messages.
 * States: 'pending' until a receipt or failure, then 'done' (a second completion is ignored).
 */
export class OpSend {
  state: 'pending' | 'done' = 'pending';
  /** Made only when someone waits (`flush`, `close`): most ops complete without being awaited. */
  private settledPromise: Promise<void> | undefined;
  private markSettled: (() => void) | undefined;

  constructor(
    readonly sequenceId: number,
    readonly highestSequenceId: number,
    readonly numMessages: number,
    readonly frame: Buffer,
    readonly callbacks: SendCallback[],
    readonly createdAt: number,
    /** Batched ops resolve each message with its batch index; single ones with -1. */
    readonly batched: boolean,
  ) {}

  /** Settles (never rejects) when the op completes either way; `flush` and `close` wait on it. */
  get settled(): Promise<void> {
    if (this.state === 'done') return Promise.resolve();
    this.settledPromise ??= new Promise((resolve) => (this.markSettled = resolve));
    return this.settledPromise;
  }

  /** Frames a SEND (CommandSend + MessageMetadata + payload) as a new pending op. */
  static framed(
    f: SendFrame,
    metadata: MessageMetadata,
    body: Buffer,
    callbacks: SendCallback[],
    now: number,
  ): OpSend {
    const send: Record<string, unknown> = { producer_id: f.producerId, sequence_id: f.sequenceId };
    if (f.kind === 'batch') {
      send.num_messages = f.numMessages;
      // CommandSend.highest_sequence_id: the batch's last message, which deduplication records.
      send.highest_sequence_id = f.highestSequenceId;
    }
    if (f.kind === 'chunk') send.is_chunk = true;
    // MessageMetadata.schema_version: lets consumers find the schema the message was written with.
    if (f.schemaVersion) metadata.schema_version = f.schemaVersion;
    const frame = encodePayloadCommand({ type: CommandType.SEND, send }, metadata, body);
    const batched = f.kind === 'batch';
    return new OpSend(f.sequenceId, f.highestSequenceId, f.numMessages, frame, callbacks, now, batched);
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
    this.markSettled?.();
  }

  /**
   * Whether a CommandSendReceipt is this op's: both ids must match, so a receipt for a different
   * batch that starts at the same sequence id (a resend after numbering moved on) is not taken.
   */
  matches(sequenceId: number, highestSequenceId: number | undefined): boolean {
    if (sequenceId !== this.sequenceId) return false;
    return highestSequenceId === undefined || highestSequenceId === this.highestSequenceId;
  }

  fail(err: unknown): void {
    if (this.state === 'done') return;
    this.state = 'done';
    for (const cb of this.callbacks) cb.reject(err);
    this.markSettled?.();
  }
}
