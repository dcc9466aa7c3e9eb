/**
 * The policies one loaded persistent topic runs with (namespace values with the topic's overrides,
 * PolicyService.effectivePolicies) and the enforcement state that goes with them: the publish and
 * dispatch rate limiters and the backlog-quota hold. Refreshed on load and on every policy change,
 * so a change takes effect without unloading the topic.
 */
import type { EffectivePolicies } from '../../resources/policies/effective.js';
import type { DispatchRate, PublishRate } from '../../resources/policies/types.js';
import type { ServerConnection } from '../connection/server-connection.js';
import type { PersistentTopic } from '../topic/persistent-topic.js';
import { QuotaHold, enforceQuota, exceededQuota } from './backlog-quota.js';
import { PeriodRateLimiter, type RateLimit } from './rate-limiter.js';

export class TopicPolicyState {
  /** The latest effective policies; null before the first refresh or without a PolicyService. */
  effective: EffectivePolicies | null = null;
  readonly publishLimiter: PeriodRateLimiter;
  /** topicDispatchRate: shared by every subscription of the topic. */
  readonly dispatchLimiter: PeriodRateLimiter;
  readonly quotaHold: QuotaHold;
  /** Connections whose reading this topic paused for the rest of the publish period. */
  private readonly throttled = new Set<ServerConnection>();
  private checking: Promise<void> | undefined;

  constructor(private readonly topic: PersistentTopic) {
    const b = topic.broker;
    this.publishLimiter = new PeriodRateLimiter(b.clock, b.scheduler);
    this.dispatchLimiter = new PeriodRateLimiter(b.clock, b.scheduler);
    this.quotaHold = new QuotaHold(b.scheduler, b.config.backlogQuotaHoldTimeoutSeconds * 1000, () => {
      void this.checkBacklogQuota();
    });
  }

  /** Re-reads the effective policies and applies the limits that live in memory. */
  async refresh(): Promise<void> {
    const e = (await this.topic.broker.policies?.effectivePolicies(this.topic.name)) ?? null;
    this.effective = e;
    this.publishLimiter.setLimit(publishLimit(e?.publishRate ?? null));
    this.dispatchLimiter.setLimit(dispatchLimit(e?.dispatchRate ?? null));
    // A quota lifted or loosened releases held SENDs now rather than at the next check.
    if (this.quotaHold.holding) await this.checkBacklogQuota();
  }

  /**
   * Counts a SEND against the publish rate. Past the limit, every connection producing to the
   * topic stops being read until the period ends, as Pulsar disables auto-read on throttled
   * producers' channels: TCP back-pressure then slows the clients without failing any send.
   */
  onPublish(messages: number, bytes: number): void {
    this.topic.broker.publishThrottle.onPublish(messages, bytes);
    const limiter = this.publishLimiter;
    if (!limiter.enabled) return;
    limiter.record(messages, bytes);
    if (!limiter.exhausted()) return;
    for (const p of this.topic.producers) {
      const conn = p.connection;
      if (this.throttled.has(conn)) continue;
      this.throttled.add(conn);
      conn.pauseReading();
    }
    limiter.onNextPeriod(() => this.unthrottle());
  }

  /** The periodic (and on-hold) backlog quota check: enforce, or end a hold. Runs one at a time. */
  checkBacklogQuota(): Promise<void> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = undefined));
    return this.checking;
  }

  /** The topic is closing: held SENDs and paused connections are let go. */
  close(): void {
    this.quotaHold.release();
    this.publishLimiter.close();
    this.dispatchLimiter.close();
    this.unthrottle();
  }

  private async checkOnce(): Promise<void> {
    const e = this.effective;
    if (!e || this.topic.state !== 'open') {
      this.quotaHold.release();
      return;
    }
    const exceeded = await exceededQuota(this.topic, e);
    const hold = exceeded ? await enforceQuota(this.topic, exceeded) : false;
    if (hold) this.quotaHold.hold();
    else this.quotaHold.release();
  }

  private unthrottle(): void {
    for (const conn of this.throttled) conn.resumeReading();
    this.throttled.clear();
  }
}

/** -1 (or 0) in a field of PublishRate leaves that dimension unlimited; the period is one second. */
function publishLimit(r: PublishRate | null): RateLimit | null {
  if (!r) return null;
  return { messages: r.publishThrottlingRateInMsg, bytes: r.publishThrottlingRateInByte, periodMs: 1000 };
}

function dispatchLimit(r: DispatchRate | null): RateLimit | null {
  if (!r) return null;
  return {
    messages: r.dispatchThrottlingRateInMsg,
    bytes: r.dispatchThrottlingRateInByte,
    periodMs: Math.max(1, r.ratePeriodInSecond) * 1000,
  };
}
