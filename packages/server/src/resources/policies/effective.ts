/**
 * The policies a topic runs with: the namespace's own values where set, the broker's defaults
 * elsewhere (Pulsar's broker.conf settings of the same meaning). Topic-level overrides will slot
 * in between the two later. Pure functions: the PolicyService caches and watches.
 */
import type { BrokerConfig } from '../../config/schema.js';
import {
  BACKLOG_RETENTION_POLICIES,
  SCHEMA_COMPATIBILITY_STRATEGIES,
  type BacklogQuota,
  type BacklogQuotaType,
  type DelayedDeliveryPolicies,
  type DispatchRate,
  type Policies,
  type PublishRate,
  type RetentionPolicies,
  type SchemaCompatibilityStrategy,
  type TopicType,
} from './types.js';

/** Broker-wide defaults, named after the broker.conf settings they stand for. */
export interface BrokerPolicyDefaults {
  /** defaultRetentionTimeInMinutes / defaultRetentionSizeInMB */
  retention: RetentionPolicies;
  /** ttlDurationDefaultInSeconds; 0 = messages never expire. */
  messageTtlSeconds: number;
  /** backlogQuotaDefaultLimitBytes / backlogQuotaDefaultLimitSecond / backlogQuotaDefaultRetentionPolicy */
  backlogQuota: BacklogQuota;
  /** brokerDeduplicationEnabled */
  deduplicationEnabled: boolean;
  /** maxProducersPerTopic / maxConsumersPerTopic / maxConsumersPerSubscription; 0 = no limit. */
  maxProducersPerTopic: number;
  maxConsumersPerTopic: number;
  maxConsumersPerSubscription: number;
  /** allowAutoTopicCreation / allowAutoTopicCreationType / defaultNumPartitions */
  autoTopicCreation: EffectiveAutoTopicCreation;
  /** delayedDeliveryEnabled / delayedDeliveryTickTimeMillis / delayedDeliveryMaxDelayInMillis */
  delayedDelivery: DelayedDeliveryPolicies;
  /** schemaCompatibilityStrategy */
  schemaCompatibilityStrategy: Exclude<SchemaCompatibilityStrategy, 'UNDEFINED'>;
  /** brokerServiceCompactionThresholdInBytes; 0 = no automatic compaction. */
  compactionThreshold: number;
}

export interface EffectiveAutoTopicCreation {
  allowAutoTopicCreation: boolean;
  topicType: TopicType;
  defaultNumPartitions: number;
}

export interface EffectivePolicies {
  /** "tenant/namespace" the values came from. */
  namespace: string;
  retention: RetentionPolicies;
  messageTtlSeconds: number;
  /** destination_storage always present (the broker default if the namespace sets none). */
  backlogQuotas: { destination_storage: BacklogQuota } & Partial<Record<BacklogQuotaType, BacklogQuota>>;
  maxProducersPerTopic: number;
  maxConsumersPerTopic: number;
  maxConsumersPerSubscription: number;
  deduplicationEnabled: boolean;
  autoTopicCreation: EffectiveAutoTopicCreation;
  delayedDelivery: DelayedDeliveryPolicies;
  /** This cluster's entry of publishMaxMessageRate; null = not throttled. */
  publishRate: PublishRate | null;
  /** This cluster's entry of topicDispatchRate; null = not throttled. */
  dispatchRate: DispatchRate | null;
  schemaCompatibilityStrategy: Exclude<SchemaCompatibilityStrategy, 'UNDEFINED'>;
  /** Backlog bytes after the compaction horizon that trigger compaction; 0 = never. */
  compactionThreshold: number;
  replicationClusters: string[];
}

/**
 * Defaults from the broker configuration, read by their broker.conf names; a setting the
 * configuration schema does not (yet) have takes Pulsar's documented default. Reading by name keeps
 * this module independent of which settings exist, so adding one to the schema is enough for it to
 * take effect here. `overrides` replaces whole entries (tests, embedders).
 */
export function brokerPolicyDefaults(
  config: BrokerConfig,
  overrides: Partial<BrokerPolicyDefaults> = {},
): BrokerPolicyDefaults {
  const num = (key: string, fallback: number) => setting(config, key, fallback, isInteger);
  const bool = (key: string, fallback: boolean) => setting(config, key, fallback, isBoolean);
  return {
    retention: {
      retentionTimeInMinutes: num('defaultRetentionTimeInMinutes', 0),
      retentionSizeInMB: num('defaultRetentionSizeInMB', 0),
    },
    messageTtlSeconds: num('ttlDurationDefaultInSeconds', 0),
    backlogQuota: {
      limit: num('backlogQuotaDefaultLimitBytes', -1),
      limitSize: num('backlogQuotaDefaultLimitBytes', -1),
      limitTime: num('backlogQuotaDefaultLimitSecond', -1),
      policy: setting(
        config,
        'backlogQuotaDefaultRetentionPolicy',
        'producer_request_hold',
        isOneOf(BACKLOG_RETENTION_POLICIES),
      ),
    },
    deduplicationEnabled: bool('brokerDeduplicationEnabled', false),
    maxProducersPerTopic: num('maxProducersPerTopic', 0),
    maxConsumersPerTopic: num('maxConsumersPerTopic', 0),
    maxConsumersPerSubscription: num('maxConsumersPerSubscription', 0),
    autoTopicCreation: {
      allowAutoTopicCreation: config.allowAutoTopicCreation,
      topicType: config.allowAutoTopicCreationType,
      defaultNumPartitions: config.defaultNumPartitions,
    },
    delayedDelivery: {
      active: bool('delayedDeliveryEnabled', true),
      tickTime: num('delayedDeliveryTickTimeMillis', 1000),
      maxDeliveryDelayInMillis: num('delayedDeliveryMaxDelayInMillis', 0),
    },
    schemaCompatibilityStrategy: setting(
      config,
      'schemaCompatibilityStrategy',
      'FULL',
      isOneOf(SCHEMA_COMPATIBILITY_STRATEGIES.filter((s) => s !== 'UNDEFINED')),
    ),
    compactionThreshold: num('brokerServiceCompactionThresholdInBytes', 0),
    ...overrides,
  };
}

function setting<T>(config: BrokerConfig, key: string, fallback: T, valid: (v: unknown) => v is T): T {
  const value = (config as unknown as Record<string, unknown>)[key];
  return valid(value) ? value : fallback;
}

const isInteger = (v: unknown): v is number => Number.isSafeInteger(v);
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isOneOf =
  <T extends string>(values: readonly T[]) =>
  (v: unknown): v is T =>
    (values as readonly unknown[]).includes(v);

export function effectivePolicies(
  namespace: string,
  p: Policies,
  defaults: BrokerPolicyDefaults,
  clusterName: string,
): EffectivePolicies {
  return {
    namespace,
    retention: { ...(p.retention_policies ?? defaults.retention) },
    messageTtlSeconds: p.message_ttl_in_seconds ?? defaults.messageTtlSeconds,
    backlogQuotas: {
      destination_storage: { ...defaults.backlogQuota },
      ...structuredClone(p.backlog_quota_map),
    },
    maxProducersPerTopic: p.max_producers_per_topic ?? defaults.maxProducersPerTopic,
    maxConsumersPerTopic: p.max_consumers_per_topic ?? defaults.maxConsumersPerTopic,
    maxConsumersPerSubscription: p.max_consumers_per_subscription ?? defaults.maxConsumersPerSubscription,
    deduplicationEnabled: p.deduplicationEnabled ?? defaults.deduplicationEnabled,
    autoTopicCreation: autoTopicCreation(p, defaults),
    delayedDelivery: { ...(p.delayed_delivery_policies ?? defaults.delayedDelivery) },
    publishRate: copyOrNull(p.publishMaxMessageRate[clusterName]),
    dispatchRate: copyOrNull(p.topicDispatchRate[clusterName] ?? p.clusterDispatchRate[clusterName]),
    schemaCompatibilityStrategy:
      p.schema_compatibility_strategy === 'UNDEFINED'
        ? defaults.schemaCompatibilityStrategy
        : p.schema_compatibility_strategy,
    compactionThreshold: p.compaction_threshold ?? defaults.compactionThreshold,
    replicationClusters: [...p.replication_clusters],
  };
}

/** A namespace override replaces the broker setting as a whole, as in Pulsar's BrokerService. */
function autoTopicCreation(p: Policies, defaults: BrokerPolicyDefaults): EffectiveAutoTopicCreation {
  const o = p.autoTopicCreationOverride;
  if (!o) return { ...defaults.autoTopicCreation };
  return {
    allowAutoTopicCreation: o.allowAutoTopicCreation,
    topicType: o.topicType === 'partitioned' ? 'partitioned' : 'non-partitioned',
    defaultNumPartitions: o.defaultNumPartitions ?? defaults.autoTopicCreation.defaultNumPartitions,
  };
}

function copyOrNull<T extends object>(value: T | undefined): T | null {
  return value === undefined ? null : { ...value };
}
