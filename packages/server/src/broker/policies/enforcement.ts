/**
 * The broker-wide timers that enforce policies on every loaded persistent topic: backlog quotas
 * every backlogQuotaCheckIntervalInSeconds and message TTL every messageExpiryCheckIntervalInMinutes
 * (Pulsar's BrokerService monitors of the same names). Retention is applied by the broker's
 * ledger-trimming timer through `retentionOf`.
 */
import type { RetentionLimits } from '../../storage/types.js';
import type { BrokerService } from '../broker-service.js';
import type { PersistentTopic } from '../topic/persistent-topic.js';
import { applyMessageTtl } from './message-ttl.js';

/** Starts both timers; returns a function that stops them. */
export function startPolicyTimers(broker: BrokerService): () => void {
  const c = broker.config;
  const stopQuota = broker.scheduler.every(c.backlogQuotaCheckIntervalInSeconds * 1000, () => {
    void checkBacklogQuotas(broker);
  });
  const stopTtl = broker.scheduler.every(c.messageExpiryCheckIntervalInMinutes * 60_000, () => {
    void expireMessages(broker);
  });
  return () => {
    stopQuota();
    stopTtl();
  };
}

export async function checkBacklogQuotas(broker: BrokerService): Promise<void> {
  for (const t of [...broker.loadedTopics()]) {
    if (t.state !== 'open') continue;
    try {
      await t.policy.checkBacklogQuota();
    } catch (err) {
      t.log.warn({ err }, 'backlog quota check failed');
    }
  }
}

export async function expireMessages(broker: BrokerService): Promise<void> {
  for (const t of [...broker.loadedTopics()]) {
    const ttl = t.policy.effective?.messageTtlSeconds ?? 0;
    if (ttl <= 0 || t.state !== 'open') continue;
    try {
      await applyMessageTtl(t, ttl);
    } catch (err) {
      t.log.warn({ err }, 'message expiry failed');
    }
  }
}

/**
 * The topic's retention as the managed ledger takes it; undefined without a PolicyService, which
 * keeps the storage layer's own rule (only ledgers every cursor consumed, none without cursors).
 */
export function retentionOf(t: PersistentTopic): RetentionLimits | undefined {
  const r = t.policy.effective?.retention;
  if (!r) return undefined;
  return {
    timeMs: r.retentionTimeInMinutes < 0 ? -1 : r.retentionTimeInMinutes * 60_000,
    sizeBytes: r.retentionSizeInMB < 0 ? -1 : r.retentionSizeInMB * 1024 * 1024,
  };
}
