/**
 * The consuming half of a perf run as PerfRun sees it: either the consumers on the run's own thread
 * (`LocalConsume`, produce-less modes and `e2e --single-thread`) or in a worker thread
 * (`ConsumeThread`, e2e by default). Every figure is asked for, so that both answer alike; the
 * worker answers a message later, the local one at once.
 */
import type { ConsumeLoad } from './consume-load.js';
import type { PerfClient } from './driver.js';
import type { LatencySummary, Throughput } from './stats.js';

/** What one progress line shows of the consumers. */
export interface ConsumeSample {
  /** Receive rate since the previous sample. */
  rate: Throughput;
  /** e2e latency of the messages received since the previous sample. */
  latency: LatencySummary;
  /** Messages received over the whole run, warm-up included. */
  totalReceived: number;
}

/** The counts when production stopped. */
export interface ConsumeSnapshot {
  totalReceived: number;
  /** Received in the measured window (since the warm-up ended). */
  messages: number;
  bytes: number;
}

/** The figures of the whole run, taken once after the catch-up. */
export interface ConsumeFinal {
  errors: number;
  firstError: string | undefined;
  /** e2e latency over the measured window, catch-up included. */
  latency: LatencySummary;
}

export interface ConsumeSide {
  /** Consumers subscribed (after `start`). */
  readonly count: number;
  /** Settles once -m messages were received (consume mode only). */
  readonly limitReached?: Promise<void>;
  /** Settles with the error when the consumers can no longer run (a worker died). */
  readonly failed?: Promise<Error>;
  /** Subscribes every consumer and starts receiving. */
  start(): Promise<void>;
  /**
   * The figures since the previous sample; with `resetAfter` (the end of the warm-up) the measured
   * figures restart right after this sample is taken.
   */
  sample(nowMs: number, resetAfter: boolean): Promise<ConsumeSample>;
  snapshot(): Promise<ConsumeSnapshot>;
  /** ConsumeLoad.waitFor: true once `target` messages were received in total. */
  waitFor(target: number, idleMs: number, limitMs: number): Promise<boolean>;
  finish(): Promise<ConsumeFinal>;
  close(): Promise<void>;
}

/** The consumers on the calling thread, over the caller's client. */
export class LocalConsume implements ConsumeSide {
  constructor(
    private readonly load: ConsumeLoad,
    private readonly client: PerfClient,
  ) {}

  get count(): number {
    return this.load.count;
  }

  get limitReached(): Promise<void> {
    return this.load.limitReached;
  }

  start(): Promise<void> {
    return this.load.start(this.client);
  }

  sample(nowMs: number, resetAfter: boolean): Promise<ConsumeSample> {
    const s = {
      rate: this.load.meter.interval(nowMs),
      latency: this.load.latency.roll(),
      totalReceived: this.load.totalReceived,
    };
    if (resetAfter) this.load.resetStats(nowMs);
    return Promise.resolve(s);
  }

  snapshot(): Promise<ConsumeSnapshot> {
    const { totalReceived, meter } = this.load;
    return Promise.resolve({ totalReceived, messages: meter.messages, bytes: meter.bytes });
  }

  waitFor(target: number, idleMs: number, limitMs: number): Promise<boolean> {
    return this.load.waitFor(target, idleMs, limitMs);
  }

  finish(): Promise<ConsumeFinal> {
    const { errors, firstError, latency } = this.load;
    return Promise.resolve({ errors, firstError, latency: latency.summary() });
  }

  close(): Promise<void> {
    return this.load.close();
  }
}
