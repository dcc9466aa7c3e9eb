// Concurrent writers of one namespace's policies: every write lands, none is lost to another's
// read-modify-write. Over HTTP (one broker, its writers queue per namespace) and between two
// resource instances on one metadata service (two brokers), where only compare-and-set protects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMetadataStore } from '../../packages/server/src/metadata/memory-metadata-store.js';
import { BadVersionError, type MetadataStore } from '../../packages/server/src/metadata/types.js';
import { defaultConfig } from '@magnetar/server';
import { AdminResources, brokerPolicyDefaults } from '../../packages/server/src/resources/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { api, type Api } from './http.js';

describe('parallel REST updates of one namespace', () => {
  let broker: TestBroker;
  let a: Api;
  beforeAll(async () => {
    broker = await startTestBroker();
    a = api(broker.webServiceUrl);
  });
  afterAll(() => broker?.destroy());

  it('keeps every field written by 11 concurrent requests, in each of 5 namespaces at once', async () => {
    const names = ['c0', 'c1', 'c2', 'c3', 'c4'];
    await Promise.all(names.map((n) => a.put(`/namespaces/public/${n}`)));
    const writes = (ns: string) => [
      a.post(`${ns}/messageTTL`, 11),
      a.post(`${ns}/retention`, { retentionTimeInMinutes: 60, retentionSizeInMB: 600 }),
      a.post(`${ns}/maxProducersPerTopic`, 3),
      a.post(`${ns}/maxConsumersPerTopic`, 4),
      a.post(`${ns}/maxConsumersPerSubscription`, 5),
      a.post(`${ns}/deduplication`, true),
      a.post(`${ns}/autoTopicCreation`, { allowAutoTopicCreation: false }),
      a.post(`${ns}/delayedDelivery`, { active: false, tickTime: 100 }),
      a.post(`${ns}/publishRate`, { publishThrottlingRateInMsg: 9 }),
      a.post(`${ns}/backlogQuota?backlogQuotaType=message_age`, {
        limitTime: 30,
        policy: 'producer_exception',
      }),
      a.put(`${ns}/schemaCompatibilityStrategy`, 'FORWARD'),
    ];
    const answers = await Promise.all(names.flatMap((n) => writes(`/namespaces/public/${n}`)));
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 204));
    for (const n of names) {
      expect((await a.get(`/namespaces/public/${n}`)).body).toMatchObject({
        message_ttl_in_seconds: 11,
        retention_policies: { retentionTimeInMinutes: 60, retentionSizeInMB: 600 },
        max_producers_per_topic: 3,
        max_consumers_per_topic: 4,
        max_consumers_per_subscription: 5,
        deduplicationEnabled: true,
        autoTopicCreationOverride: { allowAutoTopicCreation: false },
        delayed_delivery_policies: { active: false, tickTime: 100 },
        publishMaxMessageRate: { standalone: { publishThrottlingRateInMsg: 9 } },
        backlog_quota_map: { message_age: { limitTime: 30 } },
        schema_compatibility_strategy: 'FORWARD',
      });
    }
  });
});

/** A session of a shared store whose reads return late, so concurrent read-modify-writes interleave. */
class SlowReads {
  badVersions = 0;
  /** Set once set-up is done: from then on the first read of the namespace waits at the barrier. */
  armed = false;
  constructor(
    readonly store: MetadataStore,
    firstReadBarrier: { arrive(): Promise<void> },
  ) {
    const get = store.get.bind(store);
    const put = store.put.bind(store);
    store.get = async (path) => {
      const got = await get(path);
      // The first read of each session waits for the other's, so at least one collision is
      // certain rather than left to scheduling luck on a busy machine.
      if (this.armed && path.endsWith('/t/ns')) {
        this.armed = false;
        await firstReadBarrier.arrive();
      }
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      return got;
    };
    store.put = async (path, value, options) => {
      try {
        return await put(path, value, options);
      } catch (err) {
        if (err instanceof BadVersionError) this.badVersions++;
        throw err;
      }
    };
  }
}

describe('compare-and-set between two brokers sharing one metadata service', () => {
  it('loses none of 2 × 40 increments made concurrently', async () => {
    const shared = new MemoryMetadataStore();
    let arrived = 0;
    let release: () => void = () => {};
    const allThere = new Promise<void>((r) => (release = r));
    const barrier = {
      arrive: () => {
        if (++arrived === 2) release();
        return allThere;
      },
    };
    const sessions = [new SlowReads(shared.session(), barrier), new SlowReads(shared.session(), barrier)];
    const options = { clusterName: 'standalone', defaults: brokerPolicyDefaults(defaultConfig()) };
    const brokers = sessions.map((s) => new AdminResources(s.store, options));
    await brokers[0].clusters.ensure('standalone', {
      serviceUrl: 'http://x:8080',
      brokerServiceUrl: 'pulsar://x:6650',
    });
    await brokers[0].tenants.create('t', { allowedClusters: ['standalone'] });
    await brokers[0].namespaces.create('t/ns', undefined);

    for (const s of sessions) s.armed = true;
    const increment = (r: AdminResources) =>
      r.namespaces.update('t/ns', (p) => {
        p.max_producers_per_topic = (p.max_producers_per_topic ?? 0) + 1;
      });
    await Promise.all(brokers.flatMap((r) => Array.from({ length: 40 }, () => increment(r))));

    expect((await brokers[1].namespaces.get('t/ns'))?.max_producers_per_topic).toBe(80);
    // The two brokers did collide; compare-and-set, not luck, kept every increment.
    expect(sessions[0].badVersions + sessions[1].badVersions).toBeGreaterThan(0);
    for (const r of brokers) r.close();
    await shared.close();
  });

  it('writes nothing when the change throws (a refused update is never half-applied)', async () => {
    const store = new MemoryMetadataStore();
    const r = new AdminResources(store, {
      clusterName: 'c',
      defaults: brokerPolicyDefaults(defaultConfig()),
    });
    await r.clusters.ensure('c', { serviceUrl: 'http://x:8080', brokerServiceUrl: 'pulsar://x:6650' });
    await r.tenants.create('t', { allowedClusters: ['c'] });
    await r.namespaces.create('t/ns', undefined);
    const before = await store.get('/admin/policies/t/ns');
    await expect(
      r.namespaces.update('t/ns', (p) => {
        p.message_ttl_in_seconds = 5;
        throw new Error('refused after a partial change');
      }),
    ).rejects.toThrow('refused after a partial change');
    const after = await store.get('/admin/policies/t/ns');
    expect(after?.stat.version).toBe(before?.stat.version);
    expect((await r.namespaces.get('t/ns'))?.message_ttl_in_seconds).toBeUndefined();
    r.close();
    await store.close();
  });
});
