import { describe, expect, it } from 'vitest';
import { defaultConfig, type BrokerConfig } from '../../config/schema.js';
import { brokerPolicyDefaults, effectivePolicies } from './effective.js';
import { defaultPolicies } from './types.js';

/** A configuration carrying broker.conf settings the schema may not define (yet). */
function configWith(extra: Record<string, unknown>): BrokerConfig {
  return { ...defaultConfig(), ...extra } as BrokerConfig;
}

describe('brokerPolicyDefaults', () => {
  it('takes Pulsar broker.conf settings by name when the configuration has them', () => {
    const d = brokerPolicyDefaults(
      configWith({
        ttlDurationDefaultInSeconds: 60,
        defaultRetentionTimeInMinutes: 10,
        defaultRetentionSizeInMB: 100,
        backlogQuotaDefaultRetentionPolicy: 'consumer_backlog_eviction',
        brokerDeduplicationEnabled: true,
        delayedDeliveryTickTimeMillis: 250,
        schemaCompatibilityStrategy: 'BACKWARD',
      }),
    );
    expect(d).toMatchObject({
      messageTtlSeconds: 60,
      retention: { retentionTimeInMinutes: 10, retentionSizeInMB: 100 },
      backlogQuota: { policy: 'consumer_backlog_eviction', limitSize: -1 },
      deduplicationEnabled: true,
      delayedDelivery: { active: true, tickTime: 250 },
      schemaCompatibilityStrategy: 'BACKWARD',
    });
  });

  it('falls back to Pulsar defaults for missing or ill-typed settings', () => {
    const d = brokerPolicyDefaults(
      configWith({ ttlDurationDefaultInSeconds: '60', schemaCompatibilityStrategy: 'UNDEFINED' }),
    );
    expect(d.messageTtlSeconds).toBe(0);
    expect(d.schemaCompatibilityStrategy).toBe('FULL');
    expect(d.autoTopicCreation).toEqual({
      allowAutoTopicCreation: true,
      topicType: 'non-partitioned',
      defaultNumPartitions: 1,
    });
  });
});

describe('effectivePolicies', () => {
  it('prefers namespace values and replaces auto topic creation as a whole', () => {
    const defaults = brokerPolicyDefaults(defaultConfig());
    const p = defaultPolicies(['c']);
    p.message_ttl_in_seconds = 5;
    p.autoTopicCreationOverride = {
      allowAutoTopicCreation: true,
      topicType: 'partitioned',
      defaultNumPartitions: 8,
    };
    p.topicDispatchRate = {
      other: {
        dispatchThrottlingRateInMsg: 1,
        dispatchThrottlingRateInByte: 1,
        relativeToPublishRate: false,
        ratePeriodInSecond: 1,
      },
    };
    p.backlog_quota_map = {
      message_age: { limit: -1, limitSize: -1, limitTime: 60, policy: 'producer_exception' },
    };
    const e = effectivePolicies('t/ns', p, defaults, 'c');
    expect(e.messageTtlSeconds).toBe(5);
    expect(e.autoTopicCreation).toEqual({
      allowAutoTopicCreation: true,
      topicType: 'partitioned',
      defaultNumPartitions: 8,
    });
    // Another cluster's rate does not apply here.
    expect(e.dispatchRate).toBeNull();
    expect(e.backlogQuotas).toEqual({
      destination_storage: defaults.backlogQuota,
      message_age: p.backlog_quota_map.message_age,
    });
    // The result is a copy: changing it leaves the namespace's policies alone.
    e.backlogQuotas.message_age!.limitTime = 1;
    expect(p.backlog_quota_map.message_age?.limitTime).toBe(60);
  });
});
