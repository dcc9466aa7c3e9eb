/**
 * The consuming half of a perf run: `topics × consumersPerTopic` consumers on one subscription per
 * topic, each in its own receive loop, acknowledging every message individually (as pulsar-perf
 * does). The latency recorded is receive time − the message's publish_time, which the producer
 * stamps in milliseconds when it closes the batch, so it has 1 ms resolution.
 */
import type { ConsumerConfig } from '@magnetar/client';
import { mapLimited } from './concurrency.js';
import type { PerfClient, PerfConsumer } from './driver.js';
import type { PerfOptions } from './options.js';
import { LatencyRecorder, Meter } from './stats.js';

/** The consumer settings a perf run asks for (exported so the mapping is unit-tested). */
export function consumerConfig(opts: PerfOptions, topic: string): ConsumerConfig {
  return {
    topic,
    subscription: opts.subscription,
    subscriptionType: opts.subscriptionType,
    subscriptionInitialPosition: opts.subscriptionPosition,
    receiverQueueSize: opts.receiverQueueSize,
  };
}

const ignore = (): void => undefined;

export class ConsumeLoad {
  readonly meter: Meter;
  readonly latency = new LatencyRecorder();
  /** Messages received over the whole run, warm-up included (never reset). */
  totalReceived = 0;
  errors = 0;
  firstError: string | undefined;
  lastReceiveAt = 0;

  private readonly consumers: PerfConsumer[] = [];
  private readonly loops: Promise<void>[] = [];
  private closing = false;
  private waiter: { target: number; resolve: () => void } | undefined;
  private onLimit: (() => void) | undefined;
  /** Settles once -m messages were received (consume mode). */
  readonly limitReached: Promise<void>;

  constructor(
    private readonly opts: PerfOptions,
    private readonly now: () => number,
    /** Wall clock in epoch ms, the clock publish_time is in. */
    private readonly wallNow: () => number = Date.now,
  ) {
    this.meter = new Meter(now());
    this.limitReached = new Promise((resolve) => (this.onLimit = resolve));
  }

  /** Consumers subscribed so far. */
  get count(): number {
    return this.consumers.length;
  }

  /**
   * Subscribes every consumer (one at a time per topic, --setup-concurrency topics at once), then
   * starts their receive loops.
   */
  async start(client: PerfClient): Promise<void> {
    const perTopic = await mapLimited(this.opts.topics, this.opts.setupConcurrency, async (topic) => {
      const made: PerfConsumer[] = [];
      for (let i = 0; i < this.opts.consumersPerTopic; i++) {
        made.push(await client.subscribe(consumerConfig(this.opts, topic)));
      }
      return made;
    });
    this.consumers.push(...perTopic.flat());
    for (const c of this.consumers) this.loops.push(this.receiveLoop(c));
  }

  resetStats(nowMs: number): void {
    this.meter.reset(nowMs);
    this.latency.reset();
  }

  private async receiveLoop(consumer: PerfConsumer): Promise<void> {
    while (!this.closing) {
      let msg;
      try {
        msg = await consumer.receive();
      } catch (err) {
        if (!this.closing) {
          this.errors++;
          this.firstError ??= err instanceof Error ? err.message : String(err);
        }
        return;
      }
      this.onMessage(msg.getPublishTimestamp(), msg.getData().length);
      consumer.acknowledgeId(msg.getMessageId()).catch(ignore);
    }
  }

  private onMessage(publishTime: number, bytes: number): void {
    this.totalReceived++;
    this.lastReceiveAt = this.now();
    this.meter.add(1, bytes);
    // 0: the client could not tell (pulsar-flex on a batched entry); the message still counts.
    if (publishTime > 0) this.latency.record((this.wallNow() - publishTime) * 1000);
    if (
      this.opts.mode === 'consume' &&
      this.opts.numMessages > 0 &&
      this.totalReceived >= this.opts.numMessages
    ) {
      this.onLimit?.();
    }
    if (this.waiter && this.totalReceived >= this.waiter.target) {
      this.waiter.resolve();
      this.waiter = undefined;
    }
  }

  /**
   * Waits until `target` messages were received in total, giving up when `idleMs` pass without a
   * message or `limitMs` pass in all. Resolves true if the target was reached.
   */
  async waitFor(target: number, idleMs: number, limitMs: number): Promise<boolean> {
    if (this.totalReceived >= target) return true;
    const reached = new Promise<void>((resolve) => (this.waiter = { target, resolve }));
    const deadline = this.now() + limitMs;
    try {
      for (;;) {
        const before = this.totalReceived;
        const wait = Math.min(idleMs, deadline - this.now());
        if (wait <= 0) return false;
        let timer: NodeJS.Timeout | undefined;
        const idle = new Promise<void>((resolve) => (timer = setTimeout(resolve, wait)));
        await Promise.race([reached, idle]);
        clearTimeout(timer);
        if (this.totalReceived >= target) return true;
        if (this.totalReceived === before) return false;
      }
    } finally {
      this.waiter = undefined;
    }
  }

  /** Closes every consumer (sending the grouped acks) and waits for the loops to end. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.consumers.map((c) => c.close().catch(() => undefined)));
    await Promise.all(this.loops);
  }
}
