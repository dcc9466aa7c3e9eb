/**
 * Reading policies from JSON: each reader checks JSON types and enum values (400) and fills the
 * fields a body leaves out with the defaults of Pulsar's data classes. Range and cross-field rules
 * are in rules.ts (412). Unknown fields are ignored, as Pulsar's object mapper ignores them.
 */
import { badRequest } from '../errors.js';
import {
  asArray,
  asBool,
  asEnum,
  asInt,
  asLong,
  asMap,
  asObject,
  asString,
  asStringArray,
  field,
  optionalField,
  requiredField,
} from './json-fields.js';
import { parsePriorityPolicy } from './priority.js';
import {
  BACKLOG_QUOTA_TYPES,
  BACKLOG_RETENTION_POLICIES,
  SCHEMA_COMPATIBILITY_STRATEGIES,
  SUBSCRIPTION_AUTH_MODES,
  SUBSCRIPTION_TYPES,
  defaultPolicies,
  type AuthPolicies,
  type AutoTopicCreationOverride,
  type BacklogQuota,
  type BacklogQuotaType,
  type BundlesData,
  type DelayedDeliveryPolicies,
  type DispatchRate,
  type Policies,
  type PublishRate,
  type RetentionPolicies,
  type SchemaCompatibilityStrategy,
  type SubscribeRate,
} from './types.js';

/** Missing fields are 0, as in Pulsar's RetentionPolicies(). */
export function parseRetention(value: unknown, where = 'retention_policies'): RetentionPolicies {
  const o = asObject(value, where);
  return {
    retentionTimeInMinutes: field(o, 'retentionTimeInMinutes', where, asInt, 0),
    retentionSizeInMB: field(o, 'retentionSizeInMB', where, asLong, 0),
  };
}

/** `limit` is read when `limitSize` is absent, as BacklogQuotaImpl does for old clients. */
export function parseBacklogQuota(value: unknown, where = 'backlogQuota'): BacklogQuota {
  const o = asObject(value, where);
  const legacy = field(o, 'limit', where, asLong, -1);
  const limitSize = field(o, 'limitSize', where, asLong, legacy);
  return {
    limit: limitSize,
    limitSize,
    limitTime: field(o, 'limitTime', where, asInt, -1),
    policy: requiredField(o, 'policy', where, (v, w) => asEnum(v, BACKLOG_RETENTION_POLICIES, w)),
  };
}

export function parseBacklogQuotaType(value: unknown, where = 'backlogQuotaType'): BacklogQuotaType {
  return asEnum(value, BACKLOG_QUOTA_TYPES, where);
}

export function parseAutoTopicCreation(
  value: unknown,
  where = 'autoTopicCreationOverride',
): AutoTopicCreationOverride {
  const o = asObject(value, where);
  const out: AutoTopicCreationOverride = {
    allowAutoTopicCreation: field(o, 'allowAutoTopicCreation', where, asBool, false),
  };
  const topicType = optionalField(o, 'topicType', where, asString);
  const partitions = optionalField(o, 'defaultNumPartitions', where, asInt);
  if (topicType !== undefined) out.topicType = topicType;
  if (partitions !== undefined) out.defaultNumPartitions = partitions;
  return out;
}

/** `active` is required; a missing tick time is the broker's default of one second. */
export function parseDelayedDelivery(
  value: unknown,
  where = 'delayed_delivery_policies',
): DelayedDeliveryPolicies {
  const o = asObject(value, where);
  return {
    tickTime: field(o, 'tickTime', where, asLong, 1000),
    active: requiredField(o, 'active', where, asBool),
    maxDeliveryDelayInMillis: field(o, 'maxDeliveryDelayInMillis', where, asLong, 0),
  };
}

export function parsePublishRate(value: unknown, where = 'publishRate'): PublishRate {
  const o = asObject(value, where);
  return {
    publishThrottlingRateInMsg: field(o, 'publishThrottlingRateInMsg', where, asInt, -1),
    publishThrottlingRateInByte: field(o, 'publishThrottlingRateInByte', where, asLong, -1),
  };
}

export function parseDispatchRate(value: unknown, where = 'dispatchRate'): DispatchRate {
  const o = asObject(value, where);
  return {
    dispatchThrottlingRateInMsg: field(o, 'dispatchThrottlingRateInMsg', where, asInt, -1),
    dispatchThrottlingRateInByte: field(o, 'dispatchThrottlingRateInByte', where, asLong, -1),
    relativeToPublishRate: field(o, 'relativeToPublishRate', where, asBool, false),
    ratePeriodInSecond: field(o, 'ratePeriodInSecond', where, asInt, 1),
  };
}

function parseSubscribeRate(value: unknown, where: string): SubscribeRate {
  const o = asObject(value, where);
  return {
    subscribeThrottlingRatePerConsumer: field(o, 'subscribeThrottlingRatePerConsumer', where, asInt, -1),
    ratePeriodInSecond: field(o, 'ratePeriodInSecond', where, asInt, 30),
  };
}

export function parseSchemaCompatibilityStrategy(
  value: unknown,
  where = 'schemaCompatibilityStrategy',
): SchemaCompatibilityStrategy {
  return asEnum(value, SCHEMA_COMPATIBILITY_STRATEGIES, where);
}

/** A list of cluster names, duplicates dropped (Pulsar keeps them in a Set). */
export function parseClusterList(value: unknown, where: string): string[] {
  return [...new Set(asStringArray(value, where))];
}

function parseBundles(value: unknown, where: string): BundlesData {
  const o = asObject(value, where);
  return {
    boundaries: field(o, 'boundaries', where, asStringArray, []),
    numBundles: field(o, 'numBundles', where, asInt, 0),
  };
}

function parseAuthPolicies(value: unknown, where: string): AuthPolicies {
  const o = asObject(value, where);
  return {
    namespace_auth: field(o, 'namespace_auth', where, (v, w) => asMap(v, w, asStringArray), {}),
    destination_auth: field(
      o,
      'destination_auth',
      where,
      (v, w) => asMap(v, w, (x, y) => asMap(x, y, asStringArray)),
      {},
    ),
    subscription_auth_roles: field(
      o,
      'subscription_auth_roles',
      where,
      (v, w) => asMap(v, w, asStringArray),
      {},
    ),
  };
}

const dispatchRates = (v: unknown, w: string) => asMap(v, w, parseDispatchRate);

/**
 * A whole Policies object: a namespace-creation body or a stored value. Fields left out take the
 * values of a new namespace; `bundles` with numBundles 0 means "the default bundles".
 */
export function parsePolicies(value: unknown): Policies {
  const o = asObject(value, 'policies');
  const p = defaultPolicies([]);
  p.auth_policies = field(o, 'auth_policies', '', parseAuthPolicies, p.auth_policies);
  p.replication_clusters = field(o, 'replication_clusters', '', parseClusterList, []);
  p.allowed_clusters = field(o, 'allowed_clusters', '', parseClusterList, []);
  p.bundles = field(o, 'bundles', '', parseBundles, { boundaries: [], numBundles: 0 });
  p.backlog_quota_map = field(o, 'backlog_quota_map', '', parseBacklogQuotaMap, {});
  p.clusterDispatchRate = field(o, 'clusterDispatchRate', '', dispatchRates, {});
  p.topicDispatchRate = field(o, 'topicDispatchRate', '', dispatchRates, {});
  p.subscriptionDispatchRate = field(o, 'subscriptionDispatchRate', '', dispatchRates, {});
  p.replicatorDispatchRate = field(o, 'replicatorDispatchRate', '', dispatchRates, {});
  p.clusterSubscribeRate = field(
    o,
    'clusterSubscribeRate',
    '',
    (v, w) => asMap(v, w, parseSubscribeRate),
    {},
  );
  p.publishMaxMessageRate = field(
    o,
    'publishMaxMessageRate',
    '',
    (v, w) => asMap(v, w, parsePublishRate),
    {},
  );
  p.latency_stats_sample_rate = field(o, 'latency_stats_sample_rate', '', (v, w) => asMap(v, w, asInt), {});
  p.deleted = field(o, 'deleted', '', asBool, false);
  p.encryption_required = field(o, 'encryption_required', '', asBool, false);
  p.subscription_auth_mode = field(
    o,
    'subscription_auth_mode',
    '',
    (v, w) => asEnum(v, SUBSCRIPTION_AUTH_MODES, w),
    'None',
  );
  p.offload_threshold = field(o, 'offload_threshold', '', asLong, -1);
  p.offload_threshold_in_seconds = field(o, 'offload_threshold_in_seconds', '', asLong, -1);
  p.schema_compatibility_strategy = field(
    o,
    'schema_compatibility_strategy',
    '',
    parseSchemaCompatibilityStrategy,
    'UNDEFINED',
  );
  p.schema_validation_enforced = field(o, 'schema_validation_enforced', '', asBool, false);
  p.subscription_types_enabled = field(
    o,
    'subscription_types_enabled',
    '',
    (v, w) => asArray(v, w, (x, y) => asEnum(x, SUBSCRIPTION_TYPES, y)),
    [],
  );
  p.properties = field(o, 'properties', '', (v, w) => asMap(v, w, asString), {});
  p.migrated = field(o, 'migrated', '', asBool, false);
  readOptionalPolicies(o, p);
  return p;
}

function readOptionalPolicies(o: Record<string, unknown>, p: Policies): void {
  const set = <K extends keyof Policies>(key: K, value: Policies[K] | undefined) => {
    if (value !== undefined) p[key] = value;
  };
  set('message_ttl_in_seconds', optionalField(o, 'message_ttl_in_seconds', '', asInt));
  set('retention_policies', optionalField(o, 'retention_policies', '', parseRetention));
  set('deduplicationEnabled', optionalField(o, 'deduplicationEnabled', '', asBool));
  set('autoTopicCreationOverride', optionalField(o, 'autoTopicCreationOverride', '', parseAutoTopicCreation));
  set('delayed_delivery_policies', optionalField(o, 'delayed_delivery_policies', '', parseDelayedDelivery));
  set('max_producers_per_topic', optionalField(o, 'max_producers_per_topic', '', asInt));
  set('max_consumers_per_topic', optionalField(o, 'max_consumers_per_topic', '', asInt));
  set('max_consumers_per_subscription', optionalField(o, 'max_consumers_per_subscription', '', asInt));
  set('compaction_threshold', optionalField(o, 'compaction_threshold', '', asLong));
  set('priority', optionalField(o, 'priority', '', parsePriorityPolicy));
}

function parseBacklogQuotaMap(
  value: unknown,
  where: string,
): Partial<Record<BacklogQuotaType, BacklogQuota>> {
  const map = asMap(value, where, (v) => v);
  const out: Partial<Record<BacklogQuotaType, BacklogQuota>> = {};
  for (const [type, quota] of Object.entries(map)) {
    if (!(BACKLOG_QUOTA_TYPES as readonly string[]).includes(type)) {
      throw badRequest(`${where} keys must be one of ${BACKLOG_QUOTA_TYPES.join(', ')}`);
    }
    out[type as BacklogQuotaType] = parseBacklogQuota(quota, `${where}.${type}`);
  }
  return out;
}
