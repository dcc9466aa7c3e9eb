/**
 * Backlog quotas (Pulsar's BacklogQuotaManager and PersistentTopic.checkBacklogQuotaExceeded):
 * destination_storage limits the bytes after the slowest durable subscription, message_age the age
 * of its oldest unacknowledged message. Once one is exceeded its retention policy decides:
 *   - producer_request_hold: new producers get ProducerBlockedQuotaExceededError; SENDs wait until
 *     the backlog drops (QuotaHold), at most backlogQuotaHoldTimeoutSeconds, then SEND_ERROR;
 *   - producer_exception: new producers get ProducerBlockedQuotaExceededException and connected
 *     ones are closed (CLOSE_PRODUCER), so their clients fail sends instead of queueing them;
 *   - consumer_backlog_eviction: the slowest cursors are moved forward until the quota holds.
 */
import { ServerError } from '@magnetar/protocol';
import type { EffectivePolicies } from '../../resources/policies/effective.js';
import type { BacklogQuota, BacklogQuotaType } from '../../resources/policies/types.js';
import { comparePositions } from '../../storage/position.js';
import type { LedgerSummary, Position } from '../../storage/types.js';
import type { Cancel, Scheduler } from '../../util/clock.js';
import { BrokerError } from '../errors.js';
import { topicBacklogBytes } from '../stats/topic-stats.js';
import type { PersistentTopic } from '../topic/persistent-topic.js';
import { expireOlderThan, publishTimeOf } from './message-ttl.js';

export interface ExceededQuota {
  type: BacklogQuotaType;
  quota: BacklogQuota;
}

const QUOTA_EXCEEDED = 'Cannot create producer on topic with backlog quota exceeded';

/** The first quota the topic's backlog exceeds (size before age), or null. */
export async function exceededQuota(
  topic: PersistentTopic,
  policies: EffectivePolicies,
): Promise<ExceededQuota | null> {
  const size = policies.backlogQuotas.destination_storage;
  if (size.limitSize >= 0 && topicBacklogBytes(topic) > size.limitSize) {
    return { type: 'destination_storage', quota: size };
  }
  const age = policies.backlogQuotas.message_age;
  if (age && age.limitTime > 0) {
    const oldest = await oldestUnackedPublishTime(topic);
    if (oldest !== null && topic.broker.clock.now() - oldest > age.limitTime * 1000) {
      return { type: 'message_age', quota: age };
    }
  }
  return null;
}

/**
 * Acts on an exceeded quota (the periodic check). Returns true while producers must stay held
 * (producer_request_hold); eviction and producer_exception resolve the situation themselves.
 */
export async function enforceQuota(topic: PersistentTopic, exceeded: ExceededQuota): Promise<boolean> {
  switch (exceeded.quota.policy) {
    case 'consumer_backlog_eviction':
      await evict(topic, exceeded);
      return false;
    case 'producer_exception':
      for (const p of [...topic.producers]) {
        p.closeFromBroker();
        topic.removeProducer(p);
      }
      return false;
    case 'producer_request_hold':
      return true;
  }
}

/**
 * The quota check of CommandProducer: refuses the producer under the two producer_* policies, and
 * under consumer_backlog_eviction makes room first and admits it.
 */
export async function admitProducerByQuota(
  topic: PersistentTopic,
  policies: EffectivePolicies | null | undefined,
): Promise<void> {
  if (!policies) return;
  const exceeded = await exceededQuota(topic, policies);
  if (!exceeded) return;
  switch (exceeded.quota.policy) {
    case 'consumer_backlog_eviction':
      await evict(topic, exceeded);
      return;
    case 'producer_exception':
      throw new BrokerError(ServerError.ProducerBlockedQuotaExceededException, QUOTA_EXCEEDED);
    case 'producer_request_hold':
      topic.policy.quotaHold.hold();
      throw new BrokerError(ServerError.ProducerBlockedQuotaExceededError, QUOTA_EXCEEDED);
  }
}

/** Moves the slowest durable cursors forward until the exceeded quota holds again. */
async function evict(topic: PersistentTopic, exceeded: ExceededQuota): Promise<void> {
  const durable = [...topic.subscriptions.values()].filter((s) => s.durable);
  if (exceeded.type === 'message_age') {
    for (const s of durable) await expireOlderThan(topic, s, exceeded.quota.limitTime);
    return;
  }
  const target = evictionTarget(topic.ledger.ledgerInfos(), exceeded.quota.limitSize);
  if (!target) return;
  for (const s of durable) {
    if (comparePositions(s.cursor.markDeletePosition, target) < 0) s.skipTo(target);
  }
}

/**
 * The oldest mark-delete position after which at most `limitBytes` remain (entry sizes estimated
 * per ledger, as the backlog size itself is); null when the whole log fits.
 */
export function evictionTarget(ledgers: readonly LedgerSummary[], limitBytes: number): Position | null {
  let room = limitBytes;
  for (let i = ledgers.length - 1; i >= 0; i--) {
    const l = ledgers[i];
    if (l.entries === 0) continue;
    if (l.size <= room) {
      room -= l.size;
      continue;
    }
    const kept = Math.floor(room / (l.size / l.entries));
    return { ledgerId: l.ledgerId, entryId: l.entries - 1 - kept };
  }
  return null;
}

/** publish_time of the slowest durable subscription's first unacknowledged entry, or null. */
async function oldestUnackedPublishTime(topic: PersistentTopic): Promise<number | null> {
  let slowest: Position | undefined;
  for (const s of topic.subscriptions.values()) {
    const md = s.cursor.markDeletePosition;
    if (s.durable && (!slowest || comparePositions(md, slowest) < 0)) slowest = md;
  }
  const last = topic.ledger.lastConfirmed();
  if (!slowest || !last) return null;
  const first = topic.ledger.after(slowest);
  if (comparePositions(first, last) > 0) return null;
  const [entry] = await topic.ledger.read(first, 1, Number.MAX_SAFE_INTEGER);
  return entry ? publishTimeOf(entry) : null;
}

/**
 * SENDs held under producer_request_hold. While held, `recheck` runs every second so the hold
 * ends soon after consumers catch up, not only at the next periodic check; each SEND gives up
 * after its timeout with ProducerBlockedQuotaExceededError.
 */
export class QuotaHold {
  private held = false;
  private waiters = new Set<{ resolve: () => void; cancel: Cancel }>();
  private cancelRecheck: Cancel | undefined;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly timeoutMs: number,
    private readonly recheck: () => void,
  ) {}

  get holding(): boolean {
    return this.held;
  }

  hold(): void {
    if (this.held) return;
    this.held = true;
    this.cancelRecheck = this.scheduler.every(1000, this.recheck);
  }

  /** Ends the hold: waiting SENDs proceed in the order they arrived. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    this.cancelRecheck?.();
    this.cancelRecheck = undefined;
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const w of waiting) {
      w.cancel();
      w.resolve();
    }
  }

  /** Resolves when the hold ends; rejects after the timeout. Resolves at once when not held. */
  wait(): Promise<void> {
    if (!this.held) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const w = {
        resolve,
        cancel: this.scheduler.after(this.timeoutMs, () => {
          this.waiters.delete(w);
          reject(
            new BrokerError(
              ServerError.ProducerBlockedQuotaExceededError,
              'Message was not persisted: backlog quota exceeded and still over it after the hold timeout',
            ),
          );
        }),
      };
      this.waiters.add(w);
    });
  }
}
