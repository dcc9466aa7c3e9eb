/**
 * The producing half of a perf run: `topics × producersPerTopic` producers fed from one token bucket,
 * each with at most `maxPending` messages awaiting a receipt. Sending is driven by a pump that runs
 * on a 1 ms timer (rate-limited runs) and once per event-loop turn in which receipts freed window
 * room; each run of the pump sends everything the bucket and the windows allow in one synchronous
 * loop. Every message's send→receipt time goes into a histogram.
 */
import { randomBytes } from 'node:crypto';
import type { ProducerConfig, ProducerMessage } from '@magnetar/client';
import { mapLimited } from './concurrency.js';
import type { PerfClient, PerfProducer } from './driver.js';
import type { PerfOptions } from './options.js';
import { TokenBucket } from './rate-limiter.js';
import { LatencyRecorder, Meter } from './stats.js';

/** How often a rate-limited pump refills; the bucket makes up for late timers by elapsed time. */
const PUMP_INTERVAL_MS = 1;

interface ProducerSlot {
  producer: PerfProducer;
  inFlight: number;
}

/** The producer settings a perf run asks for (exported so the mapping is unit-tested). */
export function producerConfig(opts: PerfOptions, topic: string): ProducerConfig {
  return {
    topic,
    maxPendingMessages: opts.maxPending,
    blockIfQueueFull: true,
    batchingEnabled: opts.batching.enabled,
    batchingMaxMessages: opts.batching.maxMessages,
    batchingMaxAllowedSizeInBytes: opts.batching.maxBytes,
    batchingMaxPublishDelayMs: opts.batching.delayMs,
    compressionType: opts.compression,
  };
}

export class PublishLoad {
  /** Receipts since the warm-up ended (or the start). */
  readonly meter: Meter;
  readonly latency = new LatencyRecorder();
  /** Receipts over the whole run, warm-up included (never reset). */
  totalAcked = 0;
  /** Messages handed to send() over the whole run. */
  issued = 0;
  errors = 0;
  firstError: string | undefined;
  /** Clock reading of the latest receipt, for the measured window's end. */
  lastAckAt = 0;

  private readonly slots: ProducerSlot[] = [];
  private readonly payload: Buffer;
  /** One message object for every send: the client reads it and keeps only `data`. */
  private readonly message: ProducerMessage;
  private readonly bucket: TokenBucket;
  private timer: NodeJS.Timeout | undefined;
  private pumpQueued = false;
  private stopped = false;
  private next = 0;
  private onIdle: (() => void) | undefined;
  private onLimit: (() => void) | undefined;
  /** Settles once every message allowed by -m has been handed to send(). */
  readonly limitReached: Promise<void>;

  constructor(
    private readonly opts: PerfOptions,
    private readonly now: () => number,
  ) {
    this.payload = randomBytes(opts.sizeBytes);
    this.message = { data: this.payload };
    this.meter = new Meter(now());
    this.bucket = new TokenBucket(opts.rate, now());
    this.limitReached = new Promise((resolve) => (this.onLimit = resolve));
  }

  /** Producers created so far. */
  get count(): number {
    return this.slots.length;
  }

  get inFlight(): number {
    let n = 0;
    for (const s of this.slots) n += s.inFlight;
    return n;
  }

  /**
   * Creates every producer (one at a time per topic, --setup-concurrency topics at once), then
   * starts sending.
   */
  async start(client: PerfClient): Promise<void> {
    const perTopic = await mapLimited(this.opts.topics, this.opts.setupConcurrency, async (topic) => {
      const made: PerfProducer[] = [];
      for (let i = 0; i < this.opts.producersPerTopic; i++) {
        made.push(await client.createProducer(producerConfig(this.opts, topic)));
      }
      return made;
    });
    for (const producer of perTopic.flat()) this.slots.push({ producer, inFlight: 0 });
    if (!this.bucket.unlimited) this.timer = setInterval(this.pump, PUMP_INTERVAL_MS);
    this.pump();
  }

  /** Zeroes the measured figures (end of the warm-up); messages in flight still count after it. */
  resetStats(nowMs: number): void {
    this.meter.reset(nowMs);
    this.latency.reset();
  }

  private readonly pump = (): void => {
    this.pumpQueued = false;
    if (this.stopped) return;
    const now = this.now();
    let budget = this.bucket.available(now);
    const left = this.opts.numMessages > 0 ? this.opts.numMessages - this.issued : Infinity;
    if (left < budget) budget = left;
    const sent = this.spread(budget);
    this.bucket.take(sent, now);
    this.issued += sent;
    if (this.opts.numMessages > 0 && this.issued >= this.opts.numMessages) {
      this.stop();
      this.onLimit?.();
    }
  };

  /**
   * Hands up to `budget` messages to the producers, round-robin from where the previous pump
   * stopped. Each round over the producers gives each its share of what is left at the round's
   * start (`left ÷ producers`, at least one) within its window; it stops when the budget is spent or
   * a whole round found no window room. So a rate-limited run over many topics sends one message to
   * each of the next `budget` producers (10,000 topics at 10 msg/s each really are 10 msg/s per
   * topic, not a burst of 100 every 10 s), an unlimited run (budget Infinity) fills every window as
   * before, and a single producer gets the whole budget. Returns how many were sent.
   */
  private spread(budget: number): number {
    const n = this.slots.length;
    let sent = 0;
    let cursor = this.next;
    let fullInARow = 0;
    let share = 0;
    for (let visit = 0; sent < budget && fullInARow < n; visit++) {
      if (visit % n === 0) share = Math.max(1, Math.floor((budget - sent) / n));
      const slot = this.slots[cursor];
      cursor = cursor + 1 === n ? 0 : cursor + 1;
      const room = Math.min(this.opts.maxPending - slot.inFlight, share);
      if (room <= 0) {
        fullInARow++;
        continue;
      }
      fullInARow = 0;
      for (let i = 0; i < room; i++) this.sendOne(slot);
      sent += room;
    }
    this.next = cursor;
    return sent;
  }

  private sendOne(slot: ProducerSlot): void {
    slot.inFlight++;
    const sentAt = this.now();
    slot.producer.send(this.message).then(
      () => this.onReceipt(slot, sentAt),
      (err: unknown) => this.onSendError(slot, err),
    );
  }

  private onReceipt(slot: ProducerSlot, sentAt: number): void {
    const now = this.now();
    slot.inFlight--;
    this.totalAcked++;
    this.lastAckAt = now;
    this.meter.add(1, this.payload.length);
    this.latency.record((now - sentAt) * 1000);
    this.afterSettle();
  }

  private onSendError(slot: ProducerSlot, err: unknown): void {
    slot.inFlight--;
    this.errors++;
    this.firstError ??= err instanceof Error ? err.message : String(err);
    this.afterSettle();
  }

  /** Window room was freed: pump once this turn's receipts are all in, or report idleness. */
  private afterSettle(): void {
    if (this.stopped) {
      if (this.onIdle && this.inFlight === 0) this.onIdle();
      return;
    }
    if (!this.pumpQueued) {
      this.pumpQueued = true;
      setImmediate(this.pump);
    }
  }

  /** Stops handing out new messages; those in flight still complete. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops, sends the open batches and waits (at most `timeoutMs`) for every receipt. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.stop();
    await Promise.all(this.slots.map((s) => s.producer.flush().catch(() => undefined)));
    if (this.inFlight === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = await Promise.race([
      new Promise<boolean>((resolve) => (this.onIdle = () => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    return idle;
  }

  async close(): Promise<void> {
    this.stop();
    await Promise.all(this.slots.map((s) => s.producer.close().catch(() => undefined)));
  }
}
