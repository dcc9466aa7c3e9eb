/**
 * A namespace's policies with the JSON field names of Pulsar's `Policies` class
 * (pulsar-common .../policies/data/Policies.java), so that pulsar-admin, the Java and Go admin
 * clients read and write them unchanged. Optional fields are absent when not set on the namespace;
 * the broker then applies its own default (see effective.ts). Absent fields are also left out of
 * the JSON, as Pulsar's object mapper drops nulls.
 */

import type { PriorityPolicy } from './priority.js';

export const BACKLOG_QUOTA_TYPES = ['destination_storage', 'message_age'] as const;
export type BacklogQuotaType = (typeof BACKLOG_QUOTA_TYPES)[number];

/** What happens once a backlog quota is exceeded (BacklogQuota.RetentionPolicy). */
export const BACKLOG_RETENTION_POLICIES = [
  'producer_request_hold',
  'producer_exception',
  'consumer_backlog_eviction',
] as const;
export type BacklogRetentionPolicy = (typeof BACKLOG_RETENTION_POLICIES)[number];

export const TOPIC_TYPES = ['partitioned', 'non-partitioned'] as const;
export type TopicType = (typeof TOPIC_TYPES)[number];

export const SCHEMA_COMPATIBILITY_STRATEGIES = [
  'UNDEFINED',
  'ALWAYS_INCOMPATIBLE',
  'ALWAYS_COMPATIBLE',
  'BACKWARD',
  'FORWARD',
  'FULL',
  'BACKWARD_TRANSITIVE',
  'FORWARD_TRANSITIVE',
  'FULL_TRANSITIVE',
] as const;
export type SchemaCompatibilityStrategy = (typeof SCHEMA_COMPATIBILITY_STRATEGIES)[number];

export const SUBSCRIPTION_AUTH_MODES = ['None', 'Prefix'] as const;
export type SubscriptionAuthMode = (typeof SUBSCRIPTION_AUTH_MODES)[number];

export const SUBSCRIPTION_TYPES = ['Exclusive', 'Shared', 'Failover', 'Key_Shared'] as const;

/** -1 in either field means "no limit"; both 0 means "no retention". */
export interface RetentionPolicies {
  retentionTimeInMinutes: number;
  retentionSizeInMB: number;
}

export interface BacklogQuota {
  /** Same as limitSize; Pulsar still writes it for clients older than 2.9.1. */
  limit: number;
  /** Bytes; -1 = no size limit. */
  limitSize: number;
  /** Seconds; -1 = no time limit. */
  limitTime: number;
  policy: BacklogRetentionPolicy;
}

export interface AutoTopicCreationOverride {
  allowAutoTopicCreation: boolean;
  /** "partitioned" or "non-partitioned" when creation is allowed. */
  topicType?: string;
  defaultNumPartitions?: number;
}

export interface DelayedDeliveryPolicies {
  /** Milliseconds between checks for due messages. */
  tickTime: number;
  active: boolean;
  /** Longest delay a producer may ask for; 0 = no limit. */
  maxDeliveryDelayInMillis: number;
}

/** -1 in a field means that dimension is not limited. */
export interface PublishRate {
  publishThrottlingRateInMsg: number;
  publishThrottlingRateInByte: number;
}

export interface DispatchRate {
  dispatchThrottlingRateInMsg: number;
  dispatchThrottlingRateInByte: number;
  relativeToPublishRate: boolean;
  ratePeriodInSecond: number;
}

export interface SubscribeRate {
  subscribeThrottlingRatePerConsumer: number;
  ratePeriodInSecond: number;
}

export interface BundlesData {
  boundaries: string[];
  numBundles: number;
}

export interface AuthPolicies {
  namespace_auth: Record<string, string[]>;
  destination_auth: Record<string, Record<string, string[]>>;
  subscription_auth_roles: Record<string, string[]>;
}

export interface Policies {
  auth_policies: AuthPolicies;
  replication_clusters: string[];
  allowed_clusters: string[];
  bundles: BundlesData;
  backlog_quota_map: Partial<Record<BacklogQuotaType, BacklogQuota>>;
  /** Rate maps are keyed by cluster name; a broker reads its own cluster's entry. */
  clusterDispatchRate: Record<string, DispatchRate>;
  topicDispatchRate: Record<string, DispatchRate>;
  subscriptionDispatchRate: Record<string, DispatchRate>;
  replicatorDispatchRate: Record<string, DispatchRate>;
  clusterSubscribeRate: Record<string, SubscribeRate>;
  publishMaxMessageRate: Record<string, PublishRate>;
  latency_stats_sample_rate: Record<string, number>;
  deleted: boolean;
  encryption_required: boolean;
  subscription_auth_mode: SubscriptionAuthMode;
  offload_threshold: number;
  offload_threshold_in_seconds: number;
  schema_compatibility_strategy: SchemaCompatibilityStrategy;
  schema_validation_enforced: boolean;
  subscription_types_enabled: string[];
  properties: Record<string, string>;
  migrated: boolean;
  message_ttl_in_seconds?: number;
  retention_policies?: RetentionPolicies;
  deduplicationEnabled?: boolean;
  autoTopicCreationOverride?: AutoTopicCreationOverride;
  delayed_delivery_policies?: DelayedDeliveryPolicies;
  max_producers_per_topic?: number;
  max_consumers_per_topic?: number;
  max_consumers_per_subscription?: number;
  /** Bytes of backlog after the compaction horizon that trigger compaction; 0 = never. */
  compaction_threshold?: number;
  /** Message priority (Magnetar extension, docs/design/0006). */
  priority?: PriorityPolicy;
}

/** Pulsar's single full-range bundle (Policies.FIRST_BOUNDARY / LAST_BOUNDARY). */
export const FIRST_BOUNDARY = '0x00000000';
export const LAST_BOUNDARY = '0xffffffff';

/** Policies of a new namespace, as `new Policies()` plus the default bundle and local cluster. */
export function defaultPolicies(replicationClusters: string[]): Policies {
  return {
    auth_policies: { namespace_auth: {}, destination_auth: {}, subscription_auth_roles: {} },
    replication_clusters: [...replicationClusters],
    allowed_clusters: [],
    bundles: { boundaries: [FIRST_BOUNDARY, LAST_BOUNDARY], numBundles: 1 },
    backlog_quota_map: {},
    clusterDispatchRate: {},
    topicDispatchRate: {},
    subscriptionDispatchRate: {},
    replicatorDispatchRate: {},
    clusterSubscribeRate: {},
    publishMaxMessageRate: {},
    latency_stats_sample_rate: {},
    deleted: false,
    encryption_required: false,
    subscription_auth_mode: 'None',
    offload_threshold: -1,
    offload_threshold_in_seconds: -1,
    schema_compatibility_strategy: 'UNDEFINED',
    schema_validation_enforced: false,
    subscription_types_enabled: [],
    properties: {},
    migrated: false,
  };
}
