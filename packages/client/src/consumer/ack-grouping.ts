import type { MessageIdData } from '../connection/wire.js';
import { systemTime, type Cancel, type Scheduler } from '../util/clock.js';

/** Flush once this many individual acks are waiting, even before the timer fires. */
const MAX_GROUPED_ACKS = 1000;

export interface AckSink {
  /** Sends one ACK; returns false when there is no connection (the acks stay pending). */
  sendAck(ackType: number, ids: MessageIdData[]): boolean;
}

const INDIVIDUAL = 0;
const CUMULATIVE = 1;

/**
 * Groups acknowledgements the way the official clients do by default: individual acks collect for
 * `groupTimeMs` (100 ms) and go out as one ACK listing every id; a cumulative ack keeps only the
 * highest id. Grouping trades up to 100 ms of extra redelivery exposure after a crash for far fewer
 * frames. With `groupTimeMs` 0 every ack is sent immediately.
 */
export class AckGroupingTracker {
  private individual = new Map<string, MessageIdData>();
  private cumulative: MessageIdData | undefined;
  private cancelTimer: Cancel | undefined;

  constructor(
    private readonly sink: AckSink,
    private readonly groupTimeMs = 100,
    private readonly scheduler: Scheduler = systemTime,
  ) {}

  addIndividual(id: MessageIdData): void {
    this.individual.set(`${id.ledgerId}:${id.entryId}`, id);
    if (this.groupTimeMs === 0 || this.individual.size >= MAX_GROUPED_ACKS) this.flush();
    else this.arm();
  }

  addCumulative(id: MessageIdData): void {
    const cur = this.cumulative;
    if (!cur || id.ledgerId > cur.ledgerId || (id.ledgerId === cur.ledgerId && id.entryId > cur.entryId)) {
      this.cumulative = id;
    }
    if (this.groupTimeMs === 0) this.flush();
    else this.arm();
  }

  /** Sends everything pending; acks that cannot be sent now are retried on the next flush. */
  flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.cumulative && this.sink.sendAck(CUMULATIVE, [this.cumulative])) this.cumulative = undefined;
    if (this.individual.size > 0 && this.sink.sendAck(INDIVIDUAL, [...this.individual.values()])) {
      this.individual.clear();
    }
    if (this.cumulative || this.individual.size > 0) this.arm();
  }

  private arm(): void {
    if (this.cancelTimer) return;
    this.cancelTimer = this.scheduler.after(this.groupTimeMs || 100, () => {
      this.cancelTimer = undefined;
      this.flush();
    });
  }

  close(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }
}
