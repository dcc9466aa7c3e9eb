/**
 * Topic-level policies (Pulsar's TopicPolicies, PIP-39): per-topic overrides of a subset of the
 * namespace policies. Pulsar keeps them in the `__change_events` system topic; Magnetar keeps them
 * in the metadata store, one JSON value per topic, so that a metadata watch applies them live:
 *
 *   /admin/topic-policies/<domain>/<tenant>/<namespace>/<encoded local name>
 *
 * The value uses the namespace `Policies` field names, so the REST endpoints parse and check
 * topic values with the same rules as namespace ones, and merging is field by field.
 */
import { TopicName } from '@magnetar/protocol';
import { BadVersionError, type MetadataStore } from '../metadata/types.js';
import { KeyedLock } from './keyed-lock.js';
import type { Policies } from './policies/types.js';

export const TOPIC_POLICIES_ROOT = '/admin/topic-policies';

/** The namespace fields a topic may override. */
export const TOPIC_POLICY_FIELDS = [
  'message_ttl_in_seconds',
  'retention_policies',
  'backlog_quota_map',
  'max_producers_per_topic',
  'max_consumers_per_topic',
  'max_consumers_per_subscription',
  'publishMaxMessageRate',
  'topicDispatchRate',
  'deduplicationEnabled',
] as const satisfies readonly (keyof Policies)[];

export type TopicPolicies = Partial<Pick<Policies, (typeof TOPIC_POLICY_FIELDS)[number]>>;

export function topicPoliciesPath(topic: TopicName): string {
  return `${TOPIC_POLICIES_ROOT}/${topic.domain}/${topic.namespace}/${encodeURIComponent(topic.localName)}`;
}

/** The namespace ("tenant/ns") a topic-policies key belongs to, or null for any other key. */
export function namespaceOfTopicPoliciesPath(path: string): string | null {
  if (!path.startsWith(`${TOPIC_POLICIES_ROOT}/`)) return null;
  const parts = path.slice(TOPIC_POLICIES_ROOT.length + 1).split('/');
  return parts.length === 4 ? `${parts[1]}/${parts[2]}` : null;
}

/**
 * The namespace policies with the topic's overrides laid over them. Maps (backlog quotas by type,
 * rates by cluster) merge by key, so a topic's size quota leaves the namespace's age quota in force.
 */
export function overlayTopicPolicies(ns: Policies, t: TopicPolicies): Policies {
  const merged: Policies = { ...ns };
  for (const key of TOPIC_POLICY_FIELDS) {
    const v = t[key];
    if (v === undefined) continue;
    if (key === 'backlog_quota_map' || key === 'publishMaxMessageRate' || key === 'topicDispatchRate') {
      Object.assign(merged, { [key]: { ...ns[key], ...(v as object) } });
    } else {
      Object.assign(merged, { [key]: v });
    }
  }
  return merged;
}

/** Reads and writes topic policies with compare-and-set, serialised per topic in this process. */
export class TopicPolicyResources {
  private readonly lock = new KeyedLock();

  constructor(private readonly store: MetadataStore) {}

  async get(topic: TopicName): Promise<TopicPolicies | null> {
    const got = await this.store.get(topicPoliciesPath(topic));
    return got ? (JSON.parse(got.value.toString('utf8')) as TopicPolicies) : null;
  }

  /** Applies `change` to a copy of the topic's policies ({} when none) and writes it back. */
  update(topic: TopicName, change: (p: TopicPolicies) => void): Promise<void> {
    const path = topicPoliciesPath(topic);
    return this.lock.run(path, async () => {
      for (;;) {
        const got = await this.store.get(path);
        const current = got ? (JSON.parse(got.value.toString('utf8')) as TopicPolicies) : {};
        change(current);
        try {
          await this.store.put(path, Buffer.from(JSON.stringify(current), 'utf8'), {
            expectedVersion: got ? got.stat.version : -1,
          });
          return;
        } catch (err) {
          // Another process wrote in between: read again and reapply.
          if (!(err instanceof BadVersionError)) throw err;
        }
      }
    });
  }

  /** Removes every override of the topic (topic deletion). */
  async deleteAll(topic: TopicName): Promise<void> {
    await this.store.delete(topicPoliciesPath(topic));
  }
}

/** Topic policies of a partition are those of its partitioned topic, as in Pulsar. */
export function policyOwner(topic: TopicName): TopicName {
  return topic.isPartition ? TopicName.parse(topic.partitionedTopicName) : topic;
}
