/**
 * One row per namespace policy endpoint (see namespace-policies.ts), with the checks and texts of
 * the matching NamespacesBase method. Optional policies are deleted from the object when removed,
 * so they vanish from the JSON as Pulsar's nulls do.
 */
import { preconditionFailed } from '../../resources/errors.js';
import { asBool, asInt, asLong } from '../../resources/policies/json-fields.js';
import {
  parseAutoTopicCreation,
  parseBacklogQuota,
  parseBacklogQuotaType,
  parseDelayedDelivery,
  parseDispatchRate,
  parsePublishRate,
  parseRetention,
  parseSchemaCompatibilityStrategy,
} from '../../resources/policies/parse.js';
import {
  QUOTA_ABOVE_RETENTION,
  RETENTION_BELOW_QUOTA,
  checkAutoTopicCreation,
  checkBacklogQuota,
  checkDelayedDelivery,
  checkDispatchRate,
  checkMessageTtl,
  checkPublishRate,
  checkRetention,
  checkZeroOrMore,
  quotaFitsRetention,
} from '../../resources/policies/rules.js';
import { checkPriorityPolicy, parsePriorityPolicy } from '../../resources/policies/priority.js';
import type { BacklogQuotaType, Policies } from '../../resources/policies/types.js';
import { requireBody } from './http.js';
import type { PolicyEndpoint, PolicyRequest } from './namespace-policies.js';

const endpoint = <T>(e: PolicyEndpoint<T>) => e as PolicyEndpoint<unknown>;

/** ?backlogQuotaType=, destination_storage when absent (NamespacesBase.setBacklogQuotaAsync). */
function quotaType(r: PolicyRequest): BacklogQuotaType {
  const q = r.query.backlogQuotaType;
  return q === undefined || q === '' ? 'destination_storage' : parseBacklogQuotaType(q);
}

type LimitKey = 'max_producers_per_topic' | 'max_consumers_per_topic' | 'max_consumers_per_subscription';

/** The three "max ... per ..." limits share one shape: a Java int, 0 or more (0 = no limit). */
function limit(path: string, key: LimitKey): PolicyEndpoint<unknown> {
  return endpoint<number>({
    path,
    read: (p) => p[key],
    write: {
      method: 'POST',
      parse: (body) => {
        const n = asInt(requireBody(body, path), path);
        checkZeroOrMore(n, path);
        return n;
      },
      apply: (p, n) => {
        p[key] = n;
      },
    },
    remove: (p) => {
      delete p[key];
    },
  });
}

export const POLICY_ENDPOINTS: PolicyEndpoint<unknown>[] = [
  endpoint({
    path: 'retention',
    read: (p) => p.retention_policies,
    write: {
      method: 'POST',
      parse: (body) => {
        const r = parseRetention(requireBody(body, 'retention policies'), 'retention');
        checkRetention(r);
        return r;
      },
      apply: (p, r) => {
        if (!quotaFitsRetention(p.backlog_quota_map.destination_storage, r)) {
          throw preconditionFailed(RETENTION_BELOW_QUOTA);
        }
        p.retention_policies = r;
      },
    },
    remove: (p) => {
      delete p.retention_policies;
    },
  }),
  endpoint({
    path: 'messageTTL',
    read: (p) => p.message_ttl_in_seconds,
    write: {
      method: 'POST',
      parse: (body) => {
        const ttl = asInt(requireBody(body, 'messageTTL'), 'messageTTL');
        checkMessageTtl(ttl);
        return ttl;
      },
      apply: (p, ttl) => {
        p.message_ttl_in_seconds = ttl;
      },
    },
    remove: (p) => {
      delete p.message_ttl_in_seconds;
    },
  }),
  endpoint({ path: 'backlogQuotaMap', read: (p) => p.backlog_quota_map }),
  endpoint({
    path: 'backlogQuota',
    write: {
      method: 'POST',
      parse: (body, r) => {
        const quota = parseBacklogQuota(requireBody(body, 'backlog quota'), 'backlogQuota');
        checkBacklogQuota(quota);
        return { type: quotaType(r), quota };
      },
      apply: (p, { type, quota }) => {
        // Only the size/time quota of destination_storage competes with retention (setBacklogQuotaAsync).
        if (type === 'destination_storage' && !quotaFitsRetention(quota, p.retention_policies)) {
          throw preconditionFailed(QUOTA_ABOVE_RETENTION);
        }
        p.backlog_quota_map[type] = quota;
      },
    },
    remove: (p, r) => {
      delete p.backlog_quota_map[quotaType(r)];
    },
  }),
  limit('maxProducersPerTopic', 'max_producers_per_topic'),
  limit('maxConsumersPerTopic', 'max_consumers_per_topic'),
  limit('maxConsumersPerSubscription', 'max_consumers_per_subscription'),
  endpoint({
    path: 'deduplication',
    read: (p) => p.deduplicationEnabled,
    write: {
      method: 'POST',
      parse: (body) => asBool(requireBody(body, 'deduplication'), 'deduplication'),
      apply: (p, enabled) => {
        p.deduplicationEnabled = enabled;
      },
    },
    remove: (p) => {
      delete p.deduplicationEnabled;
    },
  }),
  endpoint({
    path: 'autoTopicCreation',
    read: (p) => p.autoTopicCreationOverride,
    write: {
      method: 'POST',
      parse: (body) => {
        if (body === undefined || body === null) {
          throw preconditionFailed(
            'Invalid configuration for autoTopicCreationOverride. the detail is [AutoTopicCreationOverride] can not be null',
          );
        }
        const o = parseAutoTopicCreation(body);
        checkAutoTopicCreation(o);
        return o;
      },
      apply: (p, o) => {
        p.autoTopicCreationOverride = o;
      },
    },
    remove: (p) => {
      delete p.autoTopicCreationOverride;
    },
  }),
  endpoint({
    path: 'delayedDelivery',
    read: (p) => p.delayed_delivery_policies,
    write: {
      method: 'POST',
      parse: (body) => {
        const d = parseDelayedDelivery(requireBody(body, 'delayed delivery policies'), 'delayedDelivery');
        checkDelayedDelivery(d);
        return d;
      },
      apply: (p, d) => {
        p.delayed_delivery_policies = d;
      },
    },
    remove: (p) => {
      delete p.delayed_delivery_policies;
    },
  }),
  endpoint({
    path: 'publishRate',
    read: (p, r) => p.publishMaxMessageRate[r.clusterName],
    write: {
      method: 'POST',
      parse: (body) => {
        const rate = parsePublishRate(requireBody(body, 'publish rate'), 'publishRate');
        checkPublishRate(rate);
        return rate;
      },
      apply: (p, rate, r) => {
        p.publishMaxMessageRate[r.clusterName] = rate;
      },
    },
    remove: (p, r) => {
      delete p.publishMaxMessageRate[r.clusterName];
    },
  }),
  endpoint({
    path: 'dispatchRate',
    read: (p, r) => p.topicDispatchRate[r.clusterName],
    write: {
      method: 'POST',
      parse: (body) => {
        const rate = parseDispatchRate(requireBody(body, 'dispatch rate'), 'dispatchRate');
        checkDispatchRate(rate);
        return rate;
      },
      // Pulsar still writes the deprecated clusterDispatchRate alongside, for older readers.
      apply: (p, rate, r) => {
        p.topicDispatchRate[r.clusterName] = rate;
        p.clusterDispatchRate[r.clusterName] = { ...rate };
      },
    },
    remove: (p, r) => {
      delete p.topicDispatchRate[r.clusterName];
      delete p.clusterDispatchRate[r.clusterName];
    },
  }),
  endpoint<number>({
    path: 'compactionThreshold',
    read: (p) => p.compaction_threshold,
    write: {
      method: 'PUT',
      parse: (body) => {
        const n = asLong(requireBody(body, 'compaction threshold'), 'compactionThreshold');
        checkZeroOrMore(n, 'compactionThreshold');
        return n;
      },
      apply: (p, n) => {
        p.compaction_threshold = n;
      },
    },
    remove: (p) => {
      delete p.compaction_threshold;
    },
  }),
  // Magnetar extension (docs/design/0006): message priority for Shared and Key_Shared subscriptions.
  endpoint({
    path: 'priority',
    read: (p) => p.priority,
    write: {
      method: 'POST',
      parse: (body) => {
        const pr = parsePriorityPolicy(requireBody(body, 'priority policy'), 'priority');
        checkPriorityPolicy(pr);
        return pr;
      },
      apply: (p, pr) => {
        p.priority = pr;
      },
    },
    remove: (p) => {
      delete p.priority;
    },
  }),
  endpoint({
    path: 'schemaCompatibilityStrategy',
    read: (p: Policies) => p.schema_compatibility_strategy,
    write: {
      method: 'PUT',
      parse: (body) => parseSchemaCompatibilityStrategy(requireBody(body, 'schema compatibility strategy')),
      apply: (p, s) => {
        p.schema_compatibility_strategy = s;
      },
    },
  }),
];
