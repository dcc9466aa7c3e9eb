// The per-policy endpoints of NamespacesBase over real HTTP: each one's GET (204 while unset),
// POST/PUT (204), DELETE (204), its 400/412 refusals with Pulsar's texts, and that a refused
// request changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { api, reason, type Answer, type Api } from './http.js';

let broker: TestBroker;
let a: Api;
const NS = '/namespaces/public/pol';

beforeAll(async () => {
  broker = await startTestBroker();
  a = api(broker.webServiceUrl);
  expect((await a.put(NS)).status).toBe(204);
});
afterAll(() => broker?.destroy());

function expectRefused(res: Answer, status: number, text: string | RegExp): void {
  expect(res.status).toBe(status);
  if (typeof text === 'string') expect(reason(res)).toBe(text);
  else expect(reason(res)).toMatch(text);
}

const policies = async () => (await a.get(NS)).body as Record<string, unknown>;

interface Case {
  path: string;
  /** Policies field the value lands in, or a function reading it from the policies dump. */
  field: string | ((p: Record<string, unknown>) => unknown);
  value: unknown;
  /** What GET answers after the write (defaults to `value`). */
  stored?: unknown;
  bad: [unknown, number, string | RegExp][];
  /** The answer to a POST without a body; 400 "... is required in the request body" unless given. */
  noBody?: [number, string];
}

const CASES: Case[] = [
  {
    path: 'retention',
    field: 'retention_policies',
    value: { retentionTimeInMinutes: 4320, retentionSizeInMB: 10240 },
    bad: [
      [
        { retentionTimeInMinutes: 10, retentionSizeInMB: 0 },
        412,
        /^Invalid retention policy: Setting a single time or size limit to 0/,
      ],
      [
        { retentionTimeInMinutes: -2, retentionSizeInMB: 1 },
        412,
        'Invalid retention policy: time limit must be >= -1',
      ],
      [
        { retentionTimeInMinutes: 'x' },
        400,
        'retention.retentionTimeInMinutes must be an integer from -2147483648 to 2147483647',
      ],
    ],
  },
  {
    path: 'messageTTL',
    field: 'message_ttl_in_seconds',
    value: 3600,
    bad: [
      [-1, 412, 'Invalid value for message TTL, message TTL must >= 0'],
      [1.5, 400, /^messageTTL must be an integer/],
      [2 ** 31, 400, /^messageTTL must be an integer/],
    ],
  },
  ...(
    [
      ['maxProducersPerTopic', 'max_producers_per_topic'],
      ['maxConsumersPerTopic', 'max_consumers_per_topic'],
      ['maxConsumersPerSubscription', 'max_consumers_per_subscription'],
    ] as const
  ).map(([path, field]): Case => ({
    path,
    field,
    value: 7,
    bad: [
      [-1, 412, `${path} must be 0 or more`],
      ['7', 400, new RegExp(`^${path} must be an integer`)],
    ],
  })),
  {
    path: 'deduplication',
    field: 'deduplicationEnabled',
    value: true,
    bad: [['yes', 400, 'deduplication must be true or false']],
  },
  {
    path: 'autoTopicCreation',
    field: 'autoTopicCreationOverride',
    value: { allowAutoTopicCreation: true, topicType: 'partitioned', defaultNumPartitions: 4 },
    noBody: [
      412,
      'Invalid configuration for autoTopicCreationOverride. the detail is [AutoTopicCreationOverride] can not be null',
    ],
    bad: [
      [
        { allowAutoTopicCreation: true, topicType: 'partitioned' },
        412,
        'Invalid configuration for autoTopicCreationOverride. the detail is [defaultNumPartitions] cannot be null when the type is partitioned.',
      ],
      [
        { allowAutoTopicCreation: true, topicType: 'sharded' },
        412,
        'Invalid configuration for autoTopicCreationOverride. the detail is Unknown topic type [sharded]',
      ],
      [
        { allowAutoTopicCreation: true, topicType: 'non-partitioned', defaultNumPartitions: 2 },
        412,
        'Invalid configuration for autoTopicCreationOverride. the detail is [defaultNumPartitions] is not allowed to be set when the type is non-partition.',
      ],
    ],
  },
  {
    path: 'delayedDelivery',
    field: 'delayed_delivery_policies',
    value: { active: true, tickTime: 500, maxDeliveryDelayInMillis: 0 },
    bad: [
      [{ tickTime: 500 }, 400, 'delayedDelivery.active is required'],
      [{ active: true, tickTime: 0 }, 412, 'Invalid delayed delivery policy: tickTime must be > 0'],
    ],
  },
  {
    path: 'publishRate',
    field: (p) => (p.publishMaxMessageRate as Record<string, unknown>).standalone,
    value: { publishThrottlingRateInMsg: 100, publishThrottlingRateInByte: -1 },
    bad: [
      [
        { publishThrottlingRateInMsg: -5 },
        412,
        'Invalid publish rate: rates must be >= -1 (-1 means no limit)',
      ],
    ],
  },
  {
    path: 'dispatchRate',
    field: (p) => (p.topicDispatchRate as Record<string, unknown>).standalone,
    value: {
      dispatchThrottlingRateInMsg: 10,
      dispatchThrottlingRateInByte: 1024,
      relativeToPublishRate: false,
      ratePeriodInSecond: 1,
    },
    bad: [[{ ratePeriodInSecond: 0 }, 412, 'Invalid dispatch rate: ratePeriodInSecond must be >= 1']],
  },
];

describe('per-policy endpoints', () => {
  for (const c of CASES) {
    it(`${c.path}: GET 204 unset, POST 204, GET value, bad input refused, DELETE 204`, async () => {
      const read = (p: Record<string, unknown>) => (typeof c.field === 'string' ? p[c.field] : c.field(p));
      const url = `${NS}/${c.path}`;
      expect(await a.get(url)).toMatchObject({ status: 204, body: undefined });
      expect(read(await policies())).toBeUndefined();

      expect((await a.post(url, c.value)).status).toBe(204);
      expect(await a.get(url)).toMatchObject({ status: 200, body: c.stored ?? c.value });
      expect(read(await policies())).toEqual(c.stored ?? c.value);

      for (const [body, status, text] of c.bad) expectRefused(await a.post(url, body), status, text);
      const [status, text]: [number, string | RegExp] = c.noBody ?? [400, /is required in the request body$/];
      expectRefused(await a.post(url), status, text);
      // A refused write leaves the policy as it was.
      expect((await a.get(url)).body).toEqual(c.stored ?? c.value);

      expect((await a.delete(url)).status).toBe(204);
      expect((await a.get(url)).status).toBe(204);
      expect(read(await policies())).toBeUndefined();

      expectRefused(await a.get(`/namespaces/public/missing/${c.path}`), 404, 'Namespace does not exist');
      expectRefused(
        await a.post(`/namespaces/public/missing/${c.path}`, c.value),
        404,
        'Namespace does not exist',
      );
      expectRefused(await a.delete(`/namespaces/public/missing/${c.path}`), 404, 'Namespace does not exist');
      expectRefused(await a.get(`/namespaces/public/bad%20ns/${c.path}`), 412, 'Namespace name is not valid');
    });
  }

  it('dispatchRate also writes the deprecated clusterDispatchRate, as Pulsar does', async () => {
    const rate = {
      dispatchThrottlingRateInMsg: 5,
      dispatchThrottlingRateInByte: -1,
      relativeToPublishRate: true,
      ratePeriodInSecond: 2,
    };
    await a.post(`${NS}/dispatchRate`, rate);
    expect(await policies()).toMatchObject({
      topicDispatchRate: { standalone: rate },
      clusterDispatchRate: { standalone: rate },
    });
    await a.delete(`${NS}/dispatchRate`);
    expect(await policies()).toMatchObject({ topicDispatchRate: {}, clusterDispatchRate: {} });
  });
});

describe('backlog quotas', () => {
  const quota = { limitSize: 1024 ** 3, limitTime: 3600, policy: 'producer_request_hold' };

  it('sets per type (default destination_storage), reads the map, removes per type', async () => {
    expect(await a.get(`${NS}/backlogQuotaMap`)).toMatchObject({ status: 200, body: {} });
    expect((await a.post(`${NS}/backlogQuota`, quota)).status).toBe(204);
    const age = { limitTime: 600, policy: 'consumer_backlog_eviction' };
    expect((await a.post(`${NS}/backlogQuota?backlogQuotaType=message_age`, age)).status).toBe(204);
    expect((await a.get(`${NS}/backlogQuotaMap`)).body).toEqual({
      destination_storage: { limit: quota.limitSize, ...quota },
      message_age: { limit: -1, limitSize: -1, limitTime: 600, policy: 'consumer_backlog_eviction' },
    });
    expect((await a.delete(`${NS}/backlogQuota?backlogQuotaType=message_age`)).status).toBe(204);
    expect(Object.keys((await a.get(`${NS}/backlogQuotaMap`)).body as object)).toEqual([
      'destination_storage',
    ]);
    expect((await a.delete(`${NS}/backlogQuota`)).status).toBe(204);
    expect((await a.get(`${NS}/backlogQuotaMap`)).body).toEqual({});
  });

  it('reads the deprecated "limit" when limitSize is absent', async () => {
    await a.post(`${NS}/backlogQuota`, { limit: 2048, policy: 'producer_exception' });
    expect((await a.get(`${NS}/backlogQuotaMap`)).body).toEqual({
      destination_storage: { limit: 2048, limitSize: 2048, limitTime: -1, policy: 'producer_exception' },
    });
    await a.delete(`${NS}/backlogQuota`);
  });

  it('refuses bad quotas: unknown policy or type (400), negative limits (412)', async () => {
    expectRefused(
      await a.post(`${NS}/backlogQuota`, { ...quota, policy: 'drop_everything' }),
      400,
      /^backlogQuota.policy must be one of/,
    );
    expectRefused(
      await a.post(`${NS}/backlogQuota`, { limitSize: 1 }),
      400,
      'backlogQuota.policy is required',
    );
    expectRefused(
      await a.post(`${NS}/backlogQuota?backlogQuotaType=nope`, quota),
      400,
      /^backlogQuotaType must be one of/,
    );
    expectRefused(
      await a.post(`${NS}/backlogQuota`, { ...quota, limitSize: -2 }),
      412,
      'Invalid backlog quota: limitSize must be >= -1',
    );
    expect((await a.get(`${NS}/backlogQuotaMap`)).body).toEqual({});
  });

  it('keeps retention above the backlog quota in both directions (412, Pulsar texts)', async () => {
    await a.post(`${NS}/retention`, { retentionTimeInMinutes: 60, retentionSizeInMB: 100 });
    expectRefused(
      await a.post(`${NS}/backlogQuota`, { limitSize: 200 * 1024 ** 2, policy: 'producer_request_hold' }),
      412,
      'Backlog Quota exceeds configured retention quota for namespace. Please increase retention quota and retry',
    );
    expect(
      (await a.post(`${NS}/backlogQuota`, { limitSize: 50 * 1024 ** 2, policy: 'producer_request_hold' }))
        .status,
    ).toBe(204);
    expectRefused(
      await a.post(`${NS}/retention`, { retentionTimeInMinutes: 60, retentionSizeInMB: 10 }),
      412,
      'Retention Quota must exceed configured backlog quota for namespace.',
    );
    expect((await a.get(`${NS}/retention`)).body).toEqual({
      retentionTimeInMinutes: 60,
      retentionSizeInMB: 100,
    });
    // message_age quotas do not compete with retention.
    expect(
      (
        await a.post(`${NS}/backlogQuota?backlogQuotaType=message_age`, {
          limitTime: 999_999,
          policy: 'producer_request_hold',
        })
      ).status,
    ).toBe(204);
    await a.delete(`${NS}/backlogQuota`);
    await a.delete(`${NS}/backlogQuota?backlogQuotaType=message_age`);
    await a.delete(`${NS}/retention`);
  });
});

describe('schema compatibility strategy', () => {
  it('reads UNDEFINED, takes a JSON string by PUT, refuses unknown strategies', async () => {
    const url = `${NS}/schemaCompatibilityStrategy`;
    expect(await a.get(url)).toMatchObject({ status: 200, body: 'UNDEFINED' });
    expect((await a.put(url, 'BACKWARD_TRANSITIVE')).status).toBe(204);
    const got = await a.get(url);
    expect([got.body, got.contentType]).toEqual(['BACKWARD_TRANSITIVE', 'application/json; charset=utf-8']);
    expectRefused(await a.put(url, 'SORT_OF'), 400, /^schemaCompatibilityStrategy must be one of/);
    expectRefused(await a.put(url), 400, 'schema compatibility strategy is required in the request body');
    expect((await policies()).schema_compatibility_strategy).toBe('BACKWARD_TRANSITIVE');
  });
});

describe('effective policies seen by the broker', () => {
  it('merge namespace values over broker defaults and follow changes', async () => {
    const changes: string[] = [];
    const off = broker.policies.onChange((ns) => changes.push(ns));
    await a.post(`${NS}/messageTTL`, 120);
    const eff = await broker.policies.effectivePolicies('persistent://public/pol/t');
    expect(eff).toMatchObject({
      namespace: 'public/pol',
      messageTtlSeconds: 120,
      retention: { retentionTimeInMinutes: 0, retentionSizeInMB: 0 },
      autoTopicCreation: {
        allowAutoTopicCreation: true,
        topicType: 'non-partitioned',
        defaultNumPartitions: 1,
      },
      schemaCompatibilityStrategy: 'BACKWARD_TRANSITIVE',
    });
    expect(changes).toContain('public/pol');
    await a.delete(`${NS}/messageTTL`);
    expect((await broker.policies.effectivePolicies('persistent://public/pol/t'))?.messageTtlSeconds).toBe(0);
    expect(await broker.policies.effectivePolicies('persistent://public/none/t')).toBeNull();
    off();
  });
});
