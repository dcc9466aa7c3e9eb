/**
 * The rules a well-formed policy must also meet, with the texts Pulsar answers (HTTP 412) where
 * NamespacesBase has one. Every check is a pure function of its input, so the same checks run for
 * a namespace-creation body and for each per-policy endpoint.
 */
import { badRequest, preconditionFailed } from '../errors.js';
import { checkPriorityPolicy } from './priority.js';
import {
  FIRST_BOUNDARY,
  LAST_BOUNDARY,
  TOPIC_TYPES,
  type AutoTopicCreationOverride,
  type BacklogQuota,
  type BundlesData,
  type DelayedDeliveryPolicies,
  type DispatchRate,
  type Policies,
  type PublishRate,
  type RetentionPolicies,
} from './types.js';

/** The message of NamespacesBase.internalSetNamespaceMessageTTL. */
export function checkMessageTtl(
  ttl: number,
  reason = 'Invalid value for message TTL, message TTL must >= 0',
): void {
  if (ttl < 0) throw preconditionFailed(reason);
}

/** NamespacesBase.validateRetentionPolicies. */
export function checkRetention(r: RetentionPolicies): void {
  if (r.retentionSizeInMB < -1)
    throw preconditionFailed('Invalid retention policy: size limit must be >= -1');
  if (r.retentionTimeInMinutes < -1)
    throw preconditionFailed('Invalid retention policy: time limit must be >= -1');
  const timeZero = r.retentionTimeInMinutes === 0;
  if (timeZero !== (r.retentionSizeInMB === 0)) {
    throw preconditionFailed(
      'Invalid retention policy: Setting a single time or size limit to 0 is invalid when one of the limits ' +
        'has a non-zero value. Use the value of -1 instead of 0 to ignore a specific limit. ' +
        'To disable retention both limits must be set to 0.',
    );
  }
}

/**
 * AdminResource.checkBacklogQuota: a size- or time-based backlog quota must stay below the
 * retention limit of the same kind, or retention could never keep what the quota allows.
 */
export function quotaFitsRetention(
  quota: BacklogQuota | undefined,
  retention: RetentionPolicies | undefined,
): boolean {
  if (!retention || (retention.retentionSizeInMB <= 0 && retention.retentionTimeInMinutes <= 0)) return true;
  // Without a namespace quota the broker's default applies, which is unlimited (-1) in Magnetar.
  if (!quota) return true;
  if (retention.retentionSizeInMB > 0 && quota.limitSize >= retention.retentionSizeInMB * 1024 * 1024)
    return false;
  if (retention.retentionTimeInMinutes > 0 && quota.limitTime >= retention.retentionTimeInMinutes * 60)
    return false;
  return true;
}

export const RETENTION_BELOW_QUOTA = 'Retention Quota must exceed configured backlog quota for namespace.';
export const QUOTA_ABOVE_RETENTION =
  'Backlog Quota exceeds configured retention quota for namespace. Please increase retention quota and retry';

export function checkBacklogQuota(q: BacklogQuota): void {
  if (q.limitSize < -1) throw preconditionFailed('Invalid backlog quota: limitSize must be >= -1');
  if (q.limitTime < -1) throw preconditionFailed('Invalid backlog quota: limitTime must be >= -1');
}

/** The text of NamespacesBase.internalSetMaxProducersPerTopic and its siblings. */
export function checkZeroOrMore(value: number, name: string): void {
  if (value < 0) throw preconditionFailed(`${name} must be 0 or more`);
}

/** AutoTopicCreationOverrideImpl.validateOverride, wrapped as internalSetAutoTopicCreation does. */
export function checkAutoTopicCreation(o: AutoTopicCreationOverride): void {
  const detail = autoTopicCreationProblem(o);
  if (detail) {
    throw preconditionFailed(`Invalid configuration for autoTopicCreationOverride. the detail is ${detail}`);
  }
}

function autoTopicCreationProblem(o: AutoTopicCreationOverride): string | null {
  if (!o.allowAutoTopicCreation) return null;
  if (!(TOPIC_TYPES as readonly (string | undefined)[]).includes(o.topicType)) {
    return `Unknown topic type [${o.topicType ?? 'null'}]`;
  }
  if (o.topicType === 'partitioned') {
    if (o.defaultNumPartitions === undefined)
      return '[defaultNumPartitions] cannot be null when the type is partitioned.';
    if (o.defaultNumPartitions <= 0)
      return '[defaultNumPartitions] cannot be less than 1 for partition type.';
  } else if (o.defaultNumPartitions !== undefined) {
    return '[defaultNumPartitions] is not allowed to be set when the type is non-partition.';
  }
  return null;
}

/** A tick of 0 would make the delayed-delivery tracker spin; Pulsar's CLI refuses it too. */
export function checkDelayedDelivery(d: DelayedDeliveryPolicies): void {
  if (d.tickTime <= 0) throw preconditionFailed('Invalid delayed delivery policy: tickTime must be > 0');
  if (d.maxDeliveryDelayInMillis < 0) {
    throw preconditionFailed('Invalid delayed delivery policy: maxDeliveryDelayInMillis must be >= 0');
  }
}

export function checkPublishRate(r: PublishRate): void {
  if (r.publishThrottlingRateInMsg < -1 || r.publishThrottlingRateInByte < -1) {
    throw preconditionFailed('Invalid publish rate: rates must be >= -1 (-1 means no limit)');
  }
}

export function checkDispatchRate(r: DispatchRate): void {
  if (r.dispatchThrottlingRateInMsg < -1 || r.dispatchThrottlingRateInByte < -1) {
    throw preconditionFailed('Invalid dispatch rate: rates must be >= -1 (-1 means no limit)');
  }
  if (r.ratePeriodInSecond < 1)
    throw preconditionFailed('Invalid dispatch rate: ratePeriodInSecond must be >= 1');
}

/** More bundles than this cannot help a single broker; the bound keeps the boundary list small. */
export const MAX_BUNDLES = 1024;
const HASH_RANGE = 0x1_0000_0000;

/**
 * The bundles a new namespace gets, as NamespacesBase.validatePoliciesAsync: numBundles 0 means
 * the default (one bundle); a count without boundaries is split evenly; boundaries given must cover
 * the whole hash range (400 otherwise, Pulsar's text).
 */
export function normalizeBundles(b: BundlesData): BundlesData {
  if (b.numBundles <= 0 && b.boundaries.length === 0)
    return { boundaries: [FIRST_BOUNDARY, LAST_BOUNDARY], numBundles: 1 };
  if (b.boundaries.length === 0) {
    if (b.numBundles > MAX_BUNDLES) throw preconditionFailed(`numBundles must be from 1 to ${MAX_BUNDLES}`);
    const step = Math.floor(HASH_RANGE / b.numBundles);
    const boundaries = Array.from({ length: b.numBundles }, (_, i) => hex(i * step));
    return { boundaries: [...boundaries, LAST_BOUNDARY], numBundles: b.numBundles };
  }
  const points = [...new Set(b.boundaries.map(parseBoundary))].sort((x, y) => x - y);
  if (points.length - 1 > MAX_BUNDLES)
    throw preconditionFailed(`numBundles must be from 1 to ${MAX_BUNDLES}`);
  const first = hex(points[0]);
  const last = hex(points[points.length - 1]);
  if (points.length < 2 || first !== FIRST_BOUNDARY || last !== LAST_BOUNDARY) {
    throw badRequest(`Input bundles do not cover the whole hash range. first:${first}, last:${last}`);
  }
  return { boundaries: points.map(hex), numBundles: points.length - 1 };
}

function parseBoundary(s: string): number {
  const n = /^0x[0-9a-f]{1,8}$/i.test(s) ? Number.parseInt(s.slice(2), 16) : Number.NaN;
  if (Number.isNaN(n)) throw badRequest(`bundles.boundaries: "${s}" is not a hex boundary like 0x40000000`);
  return n;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/**
 * Every rule for a namespace-creation body (NamespacesBase.validatePoliciesAsync and the checks of
 * each per-policy setter); returns the policies with their bundles normalised.
 */
export function checkPolicies(p: Policies): Policies {
  if (p.message_ttl_in_seconds !== undefined)
    checkMessageTtl(p.message_ttl_in_seconds, 'Invalid value for message TTL');
  if (p.retention_policies) checkRetention(p.retention_policies);
  for (const quota of Object.values(p.backlog_quota_map)) checkBacklogQuota(quota);
  if (!quotaFitsRetention(p.backlog_quota_map.destination_storage, p.retention_policies)) {
    throw preconditionFailed(RETENTION_BELOW_QUOTA);
  }
  if (p.max_producers_per_topic !== undefined)
    checkZeroOrMore(p.max_producers_per_topic, 'maxProducersPerTopic');
  if (p.max_consumers_per_topic !== undefined)
    checkZeroOrMore(p.max_consumers_per_topic, 'maxConsumersPerTopic');
  if (p.max_consumers_per_subscription !== undefined) {
    checkZeroOrMore(p.max_consumers_per_subscription, 'maxConsumersPerSubscription');
  }
  if (p.autoTopicCreationOverride) checkAutoTopicCreation(p.autoTopicCreationOverride);
  if (p.delayed_delivery_policies) checkDelayedDelivery(p.delayed_delivery_policies);
  if (p.priority) checkPriorityPolicy(p.priority);
  for (const r of Object.values(p.publishMaxMessageRate)) checkPublishRate(r);
  for (const map of [
    p.clusterDispatchRate,
    p.topicDispatchRate,
    p.subscriptionDispatchRate,
    p.replicatorDispatchRate,
  ]) {
    for (const r of Object.values(map)) checkDispatchRate(r);
  }
  return { ...p, bundles: normalizeBundles(p.bundles) };
}
