// The PolicyService the broker reads: cached policies, effective values, and changes from any
// session of the metadata service reaching listeners and dropping the cache.
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../config/schema.js';
import { MemoryMetadataStore } from '../metadata/memory-metadata-store.js';
import { AdminResources } from './admin-resources.js';
import { brokerPolicyDefaults } from './policies/effective.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function setUp() {
  const store = new MemoryMetadataStore();
  const other = store.session();
  const options = {
    clusterName: 'local',
    defaults: brokerPolicyDefaults({
      ...defaultConfig(),
      allowAutoTopicCreationType: 'partitioned',
      defaultNumPartitions: 3,
    }),
  };
  const broker = new AdminResources(store, options);
  const admin = new AdminResources(other, options);
  open.push(broker, admin, other, store);
  await admin.clusters.ensure('local', { serviceUrl: 'http://h:8080', brokerServiceUrl: 'pulsar://h:6650' });
  await admin.tenants.create('t', { allowedClusters: ['local'] });
  await admin.namespaces.create('t/ns', undefined);
  return { broker, admin };
}

describe('PolicyService', () => {
  it('answers existence, including for names that cannot exist', async () => {
    const { broker } = await setUp();
    expect(await broker.policies.namespaceExists('t/ns')).toBe(true);
    expect(await broker.policies.namespaceExists('t/other')).toBe(false);
    expect(await broker.policies.namespaceExists('not a namespace')).toBe(false);
    expect(await broker.policies.namespaceExists('a/b/c')).toBe(false);
  });

  it('fills gaps with broker defaults and uses this cluster’s rate entries', async () => {
    const { broker, admin } = await setUp();
    expect(await broker.policies.effectivePolicies('persistent://t/ns/x')).toEqual({
      namespace: 't/ns',
      retention: { retentionTimeInMinutes: 0, retentionSizeInMB: 0 },
      messageTtlSeconds: 0,
      backlogQuotas: {
        destination_storage: { limit: -1, limitSize: -1, limitTime: -1, policy: 'producer_request_hold' },
      },
      maxProducersPerTopic: 0,
      maxConsumersPerTopic: 0,
      maxConsumersPerSubscription: 0,
      deduplicationEnabled: false,
      autoTopicCreation: { allowAutoTopicCreation: true, topicType: 'partitioned', defaultNumPartitions: 3 },
      delayedDelivery: { active: true, tickTime: 1000, maxDeliveryDelayInMillis: 0 },
      publishRate: null,
      dispatchRate: null,
      schemaCompatibilityStrategy: 'FULL',
      compactionThreshold: 0,
      replicationClusters: ['local'],
    });
    await admin.namespaces.update('t/ns', (p) => {
      p.publishMaxMessageRate = {
        local: { publishThrottlingRateInMsg: 5, publishThrottlingRateInByte: -1 },
        remote: { publishThrottlingRateInMsg: 1, publishThrottlingRateInByte: 1 },
      };
      p.autoTopicCreationOverride = { allowAutoTopicCreation: false };
      p.schema_compatibility_strategy = 'BACKWARD';
    });
    expect(await broker.policies.effectivePolicies('t/ns/x')).toMatchObject({
      publishRate: { publishThrottlingRateInMsg: 5, publishThrottlingRateInByte: -1 },
      autoTopicCreation: {
        allowAutoTopicCreation: false,
        topicType: 'non-partitioned',
        defaultNumPartitions: 3,
      },
      schemaCompatibilityStrategy: 'BACKWARD',
    });
  });

  it('drops its cache and tells listeners when another session changes, creates or deletes a namespace', async () => {
    const { broker, admin } = await setUp();
    const seen: string[] = [];
    broker.policies.onChange((ns) => seen.push(ns));
    expect((await broker.policies.getPolicies('t/ns'))?.message_ttl_in_seconds).toBeUndefined();
    await admin.namespaces.update('t/ns', (p) => {
      p.message_ttl_in_seconds = 30;
    });
    expect((await broker.policies.getPolicies('t/ns'))?.message_ttl_in_seconds).toBe(30);
    await admin.namespaces.create('t/second', undefined);
    expect(await broker.policies.namespaceExists('t/second')).toBe(true);
    await admin.namespaces.delete('t/second', false, { list: () => Promise.resolve([]) });
    expect(await broker.policies.namespaceExists('t/second')).toBe(false);
    expect(seen).toEqual(['t/ns', 't/second', 't/second']);
  });

  it('serves repeated reads from its cache (one metadata read per change)', async () => {
    const { broker } = await setUp();
    const first = await broker.policies.getPolicies('t/ns');
    expect(await broker.policies.getPolicies('t/ns')).toBe(first);
  });
});
