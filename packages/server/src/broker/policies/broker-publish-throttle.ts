/**
 * Broker-wide publish throttling (Pulsar's brokerPublisherThrottlingMaxMessageRate and
 * brokerPublisherThrottlingMaxByteRate): one budget per second shared by every persistent topic,
 * so no set of clients can push the broker past what the operator allows. Past the budget every
 * connection with a producer stops being read until the next second, the same TCP back-pressure
 * the topic and namespace publish rates use: senders slow down, no send fails.
 */
import type { BrokerConfig } from '../../config/schema.js';
import type { Clock, Scheduler } from '../../util/clock.js';
import type { ServerConnection } from '../connection/server-connection.js';
import { PeriodRateLimiter } from './rate-limiter.js';

export class BrokerPublishThrottle {
  private readonly limiter: PeriodRateLimiter;
  /** Connections paused until the next period. */
  private readonly paused = new Set<ServerConnection>();

  constructor(
    config: Pick<
      BrokerConfig,
      'brokerPublisherThrottlingMaxMessageRate' | 'brokerPublisherThrottlingMaxByteRate'
    >,
    clock: Clock,
    scheduler: Scheduler,
    /** The connections to pause when the budget is spent (those with producers). */
    private readonly producingConnections: () => Iterable<ServerConnection>,
  ) {
    this.limiter = new PeriodRateLimiter(clock, scheduler);
    this.limiter.setLimit({
      messages: config.brokerPublisherThrottlingMaxMessageRate,
      bytes: config.brokerPublisherThrottlingMaxByteRate,
      periodMs: 1000,
    });
  }

  get enabled(): boolean {
    return this.limiter.enabled;
  }

  /** Counts one stored SEND; once the second's budget is spent, pauses every producing connection. */
  onPublish(messages: number, bytes: number): void {
    if (!this.limiter.enabled) return;
    this.limiter.record(messages, bytes);
    if (!this.limiter.exhausted()) return;
    for (const conn of this.producingConnections()) {
      if (this.paused.has(conn) || conn.isClosed()) continue;
      this.paused.add(conn);
      conn.pauseReading();
    }
    this.limiter.onNextPeriod(() => this.resume());
  }

  /** Lets paused connections go (the next period, or the broker closing). */
  close(): void {
    this.limiter.close();
    this.resume();
  }

  private resume(): void {
    for (const conn of this.paused) conn.resumeReading();
    this.paused.clear();
  }
}
