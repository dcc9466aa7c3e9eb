// Policy JSON readers and rules, fed valid policies (round trip) and arbitrary JSON (never a crash:
// either policies or an AdminError with status 400 or 412).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdminError } from '../errors.js';
import { parseBacklogQuota, parsePolicies, parseRetention } from './parse.js';
import { checkPolicies, normalizeBundles, quotaFitsRetention } from './rules.js';
import {
  BACKLOG_RETENTION_POLICIES,
  SCHEMA_COMPATIBILITY_STRATEGIES,
  defaultPolicies,
  type Policies,
} from './types.js';

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const clusterName = fc.stringMatching(/^[-=:.\w]{1,12}$/);

/** Policies as the REST API could have stored them: every optional field sometimes set. */
const storedPolicies: fc.Arbitrary<Policies> = fc
  .record(
    {
      replication_clusters: fc.uniqueArray(clusterName, { maxLength: 3 }),
      message_ttl_in_seconds: fc.nat({ max: 2 ** 31 - 1 }),
      retention_policies: fc.record({
        retentionTimeInMinutes: fc.integer({ min: -1, max: 10 ** 6 }),
        retentionSizeInMB: fc.integer({ min: -1, max: 10 ** 9 }),
      }),
      deduplicationEnabled: fc.boolean(),
      max_producers_per_topic: fc.nat({ max: 1000 }),
      schema_compatibility_strategy: fc.constantFrom(...SCHEMA_COMPATIBILITY_STRATEGIES),
      quota: fc.record({
        limitSize: fc.integer({ min: -1, max: 2 ** 40 }),
        limitTime: fc.integer({ min: -1, max: 10 ** 6 }),
        policy: fc.constantFrom(...BACKLOG_RETENTION_POLICIES),
      }),
      publish: fc.record({
        publishThrottlingRateInMsg: fc.integer({ min: -1, max: 10 ** 6 }),
        publishThrottlingRateInByte: fc.integer({ min: -1, max: 10 ** 9 }),
      }),
    },
    { requiredKeys: ['replication_clusters', 'schema_compatibility_strategy'] },
  )
  .map(({ quota, publish, ...rest }) => {
    const p: Policies = { ...defaultPolicies([]), ...rest };
    if (quota) p.backlog_quota_map = { destination_storage: { limit: quota.limitSize, ...quota } };
    if (publish) p.publishMaxMessageRate = { standalone: publish };
    return p;
  });

function refusal(err: unknown): number {
  if (!(err instanceof AdminError)) throw err;
  return err.statusCode;
}

describe('parsePolicies', () => {
  it('reads back exactly what it wrote, through JSON', () => {
    fc.assert(
      fc.property(storedPolicies, (p) => {
        expect(parsePolicies(JSON.parse(JSON.stringify(p)))).toEqual(p);
      }),
    );
  });

  it('answers any JSON value with policies or a 400, and the rules with a 400 or 412, never a crash', () => {
    const anyPolicyish = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(
        fc.constantFrom(
          'message_ttl_in_seconds',
          'retention_policies',
          'backlog_quota_map',
          'bundles',
          'autoTopicCreationOverride',
          'topicDispatchRate',
          'delayed_delivery_policies',
          'replication_clusters',
        ),
        fc.jsonValue(),
      ),
    );
    fc.assert(
      fc.property(anyPolicyish, (v) => {
        let parsed: Policies;
        try {
          parsed = parsePolicies(v);
        } catch (err) {
          expect(refusal(err)).toBe(400);
          return;
        }
        try {
          checkPolicies(parsed);
        } catch (err) {
          expect([400, 412]).toContain(refusal(err));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('fills Java defaults for missing fields and ignores unknown ones', () => {
    // numBundles 0 stands for "the default bundles" until the namespace is created (normalizeBundles).
    expect(parsePolicies({})).toEqual({ ...defaultPolicies([]), bundles: { boundaries: [], numBundles: 0 } });
    expect(parsePolicies({ surprise: 1 })).not.toHaveProperty('surprise');
    expect(parseRetention({ retentionTimeInMinutes: 5 })).toEqual({
      retentionTimeInMinutes: 5,
      retentionSizeInMB: 0,
    });
    expect(parseBacklogQuota({ policy: 'producer_exception' })).toEqual({
      limit: -1,
      limitSize: -1,
      limitTime: -1,
      policy: 'producer_exception',
    });
  });

  it('points at the offending field', () => {
    expect(() => parsePolicies({ retention_policies: { retentionSizeInMB: '1G' } })).toThrow(
      'retention_policies.retentionSizeInMB must be an integer',
    );
    expect(() => parsePolicies({ backlog_quota_map: { huge: {} } })).toThrow(
      'backlog_quota_map keys must be one of destination_storage, message_age',
    );
    expect(() => parsePolicies({ topicDispatchRate: { c: { ratePeriodInSecond: true } } })).toThrow(
      'topicDispatchRate.c.ratePeriodInSecond must be an integer',
    );
  });

  it('refuses Java int overflow as Jackson does', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 2 ** 31, max: 2 ** 40 }), fc.double({ noInteger: true })),
        (n) => {
          expect(() => parsePolicies({ message_ttl_in_seconds: n })).toThrow(AdminError);
        },
      ),
    );
    fc.assert(
      fc.property(int32, (n) => parsePolicies({ message_ttl_in_seconds: n }).message_ttl_in_seconds === n),
    );
  });
});

describe('rules', () => {
  it('normalises bundles like NamespacesBase', () => {
    expect(normalizeBundles({ boundaries: [], numBundles: 0 })).toEqual({
      boundaries: ['0x00000000', '0xffffffff'],
      numBundles: 1,
    });
    expect(normalizeBundles({ boundaries: [], numBundles: 2 })).toEqual({
      boundaries: ['0x00000000', '0x80000000', '0xffffffff'],
      numBundles: 2,
    });
    expect(
      normalizeBundles({ boundaries: ['0xFFFFFFFF', '0x0', '0x40000000', '0x40000000'], numBundles: 9 }),
    ).toEqual({
      boundaries: ['0x00000000', '0x40000000', '0xffffffff'],
      numBundles: 2,
    });
    expect(() => normalizeBundles({ boundaries: ['0x00000000'], numBundles: 0 })).toThrow(
      /do not cover the whole hash range/,
    );
    expect(() => normalizeBundles({ boundaries: ['zero', '0xffffffff'], numBundles: 0 })).toThrow(
      /not a hex boundary/,
    );
    expect(() => normalizeBundles({ boundaries: [], numBundles: 5000 })).toThrow(
      /numBundles must be from 1 to 1024/,
    );
  });

  it('lets a backlog quota through only below the retention limit of the same kind', () => {
    const quota = (limitSize: number, limitTime: number) => ({
      limit: limitSize,
      limitSize,
      limitTime,
      policy: 'producer_request_hold' as const,
    });
    const retention = (retentionTimeInMinutes: number, retentionSizeInMB: number) => ({
      retentionTimeInMinutes,
      retentionSizeInMB,
    });
    expect(quotaFitsRetention(quota(1024 ** 3, -1), undefined)).toBe(true);
    expect(quotaFitsRetention(quota(1024 ** 3, -1), retention(0, 0))).toBe(true);
    expect(quotaFitsRetention(quota(1024 ** 3, -1), retention(-1, -1))).toBe(true);
    expect(quotaFitsRetention(quota(1024 ** 3, -1), retention(-1, 1024))).toBe(false);
    expect(quotaFitsRetention(quota(1024 ** 3 - 1, -1), retention(-1, 1024))).toBe(true);
    expect(quotaFitsRetention(quota(-1, 3600), retention(60, -1))).toBe(false);
    expect(quotaFitsRetention(quota(-1, 3599), retention(60, -1))).toBe(true);
    expect(quotaFitsRetention(undefined, retention(60, 10))).toBe(true);
  });
});
