import type { MessageIdData } from '../connection/wire.js';
import { MessageId } from '../message-id.js';
import type { TimeSource } from '../util/clock.js';
import { AckGroupingTracker } from './ack-grouping.js';
import { BatchAckTracker } from './batch-ack-tracker.js';
import type { ChunkIntake } from './chunk-intake.js';
import { RedeliveryTracker } from './redelivery-tracker.js';
import type { ResolvedConsumerConfig } from './types.js';

/** The wire side the acknowledgement bookkeeping drives. */
export interface AckChannel {
  /** Sends one ACK; false when there is no connection (grouped acks then wait). */
  sendAck(ackType: number, ids: MessageIdData[]): boolean;
  /** Hands entries back to the broker (REDELIVER_UNACKNOWLEDGED_MESSAGES). */
  redeliver(ids: MessageId[]): void;
}

export function entryIdData(id: MessageId): MessageIdData {
  return { ledgerId: id.ledgerId, entryId: id.entryId };
}

/** Sweep often enough for the shortest delay, but not more than every 20 ms nor less than 1 s. */
function tickFor(delayMs: number): number {
  return Math.max(20, Math.min(delayMs / 4, 1000));
}

/**
 * What one partition consumer owes the broker for the messages it handed out: acks (grouped, and
 * per entry once every message of a batch is acked), negative acks waiting for their delay (fixed,
 * or a back-off by redelivery count), and the ack timeout. A chunked message stands for all of its
 * chunk entries here: acking, nacking or timing it out covers every one of them.
 */
export class Acknowledgements {
  private readonly batchAcks = new BatchAckTracker();
  private readonly grouping: AckGroupingTracker;
  private readonly nacks: RedeliveryTracker;
  private readonly unacked: RedeliveryTracker | undefined;

  constructor(
    private readonly cfg: ResolvedConsumerConfig,
    time: TimeSource,
    private readonly chunks: ChunkIntake,
    channel: AckChannel,
  ) {
    this.grouping = new AckGroupingTracker(channel, cfg.ackGroupingTimeMs, time);
    // The nack tick follows the shortest delay a nack can get, so back-off minima are honoured.
    const nackMinMs = cfg.nackBackoff ? cfg.nackBackoff(0) : cfg.nAckRedeliverTimeoutMs;
    const redeliver = (ids: MessageId[]) => channel.redeliver(ids);
    this.nacks = new RedeliveryTracker(cfg.nAckRedeliverTimeoutMs, redeliver, time, tickFor(nackMinMs));
    if (cfg.ackTimeoutMs > 0) this.unacked = new RedeliveryTracker(cfg.ackTimeoutMs, redeliver, time);
  }

  /** The batch indexes of one entry that were handed out. */
  delivered(entryKey: string, batchIndexes: number[]): void {
    this.batchAcks.register(entryKey, batchIndexes);
  }

  /** The application took the message: its ack timeout starts. */
  dequeued(id: MessageId): void {
    if (this.unacked) for (const e of this.chunks.chunksOf(id) ?? [id]) this.unacked.add(e);
  }

  ack(id: MessageId): void {
    const chunks = this.chunks.chunksOf(id);
    if (chunks) this.chunks.forget(id);
    else if (!this.batchAcks.ack(id)) return;
    this.ackEntries(chunks ?? [id]);
  }

  /** Acknowledges whole entries (also chunks that will never form a message). */
  ackEntries(ids: readonly MessageId[]): void {
    for (const e of ids) {
      this.unacked?.remove(e.entryKey());
      this.nacks.remove(e.entryKey());
      this.grouping.addIndividual(entryIdData(e));
    }
  }

  /**
   * CommandAck with ack_type Cumulative. A batch message that is not its batch's last one acks up
   * to the previous entry, as the Java client does, so the rest of its batch is not lost.
   */
  ackCumulative(id: MessageId): void {
    this.unacked?.removeUpTo(id);
    this.chunks.forgetUpTo(id);
    const wholeEntry = id.batchIndex < 0 || id.batchSize === 0 || id.batchIndex === id.batchSize - 1;
    if (wholeEntry) this.grouping.addCumulative(entryIdData(id));
    else if (id.entryId > 0) this.grouping.addCumulative({ ledgerId: id.ledgerId, entryId: id.entryId - 1 });
  }

  /**
   * The entry goes back after nAckRedeliverTimeoutMs, or after the back-off for `redeliveryCount`
   * when negativeAckRedeliveryBackoff is set (all of a batch, every chunk of a chunked message).
   */
  nack(id: MessageId, redeliveryCount: number): void {
    const backoff = this.cfg.nackBackoff;
    const delayMs = backoff ? backoff(redeliveryCount) : this.cfg.nAckRedeliverTimeoutMs;
    const chunks = this.chunks.chunksOf(id);
    if (chunks) this.chunks.forget(id);
    for (const e of chunks ?? [id]) this.nackEntry(e, delayMs);
  }

  /** Hands an entry back after the nack delay (the default when `delayMs` is not given). */
  nackEntry(id: MessageId, delayMs?: number): void {
    this.unacked?.remove(id.entryKey());
    this.batchAcks.forget(id.entryKey());
    this.nacks.add(id, delayMs === undefined ? {} : { delayMs });
  }

  /** These entries are being redelivered: what was known about them is void. */
  redelivering(ids: readonly MessageId[]): void {
    for (const id of ids) {
      this.batchAcks.forget(id.entryKey());
      this.chunks.forget(id);
    }
  }

  /** Everything unacked comes again (re-subscribe, seek, full redelivery). */
  reset(): void {
    this.batchAcks.clear();
    this.unacked?.clear();
    this.nacks.clear();
  }

  flush(): void {
    this.grouping.flush();
  }

  close(): void {
    this.grouping.close();
    this.nacks.stop();
    this.unacked?.stop();
  }
}

/** Whether `id` comes strictly after `after` (a latest start matches nothing older). */
export function isAfter(id: MessageId, after: MessageId): boolean {
  return MessageId.compare(id, after) > 0;
}
