/**
 * What the broker asks about policies: does a namespace exist, what are its policies, and what does
 * a topic run with once broker defaults fill the gaps. Policies are cached per namespace and the
 * cache is dropped by a metadata watch, so the broker's questions cost no JSON parsing after the
 * first, and every change (from this process or another) reaches `onChange` listeners.
 */
import { TopicName } from '@magnetar/protocol';
import type { MetadataStore } from '../metadata/types.js';
import type { NamespaceResources } from './namespace-resources.js';
import { isValidName } from './names.js';
import { POLICIES_ROOT, namespaceOfPath } from './paths.js';
import {
  effectivePolicies,
  type BrokerPolicyDefaults,
  type EffectivePolicies,
} from './policies/effective.js';
import type { Policies } from './policies/types.js';
import {
  TOPIC_POLICIES_ROOT,
  TopicPolicyResources,
  namespaceOfTopicPoliciesPath,
  overlayTopicPolicies,
  policyOwner,
  topicPoliciesPath,
  type TopicPolicies,
} from './topic-policies.js';

export type PolicyChangeListener = (namespace: string) => void;

export class PolicyService {
  private readonly cache = new Map<string, Promise<Policies | null>>();
  private readonly listeners = new Set<PolicyChangeListener>();
  private readonly topicCache = new Map<string, Promise<TopicPolicies | null>>();
  private readonly unwatch: () => void;
  private readonly unwatchTopics: () => void;
  /** Topic-level overrides (REST /admin/v2/persistent/.../{policy}). */
  readonly topicPolicies: TopicPolicyResources;

  constructor(
    store: MetadataStore,
    private readonly namespaces: NamespaceResources,
    readonly defaults: BrokerPolicyDefaults,
    readonly clusterName: string,
  ) {
    this.topicPolicies = new TopicPolicyResources(store);
    this.unwatch = store.watch(POLICIES_ROOT, (e) => {
      const ns = namespaceOfPath(e.path);
      if (ns === null) return;
      this.cache.delete(ns);
      this.notify(ns);
    });
    // A topic's overrides reach its namespace's listeners: they re-read every loaded topic of it.
    this.unwatchTopics = store.watch(TOPIC_POLICIES_ROOT, (e) => {
      const ns = namespaceOfTopicPoliciesPath(e.path);
      if (ns === null) return;
      this.topicCache.delete(e.path);
      this.notify(ns);
    });
  }

  async namespaceExists(namespace: string): Promise<boolean> {
    return (await this.getPolicies(namespace)) !== null;
  }

  /** The namespace's stored policies ("tenant/ns"), or null if there is no such namespace. Do not mutate. */
  getPolicies(namespace: string): Promise<Policies | null> {
    if (!isNamespace(namespace)) return Promise.resolve(null);
    let p = this.cache.get(namespace);
    if (!p) {
      p = this.namespaces.get(namespace);
      this.cache.set(namespace, p);
      // A failed read must not stay cached; the next caller tries again.
      p.catch(() => {
        if (this.cache.get(namespace) === p) this.cache.delete(namespace);
      });
    }
    return p;
  }

  /**
   * The policies `topic` runs with (a full name, "tenant/ns/topic" or a bare name in
   * public/default); null if its namespace does not exist. Throws ProtocolError for a malformed name.
   */
  async effectivePolicies(topic: string | TopicName): Promise<EffectivePolicies | null> {
    const name = typeof topic === 'string' ? TopicName.parse(topic) : topic;
    const policies = await this.getPolicies(name.namespace);
    if (!policies) return null;
    const overrides = await this.getTopicPolicies(name);
    const merged = overrides ? overlayTopicPolicies(policies, overrides) : policies;
    return effectivePolicies(name.namespace, merged, this.defaults, this.clusterName);
  }

  /** The topic's own overrides (a partition's are its partitioned topic's), or null. Do not mutate. */
  getTopicPolicies(topic: TopicName): Promise<TopicPolicies | null> {
    const owner = policyOwner(topic);
    const key = topicPoliciesPath(owner);
    let p = this.topicCache.get(key);
    if (!p) {
      p = this.topicPolicies.get(owner);
      this.topicCache.set(key, p);
      p.catch(() => {
        if (this.topicCache.get(key) === p) this.topicCache.delete(key);
      });
    }
    return p;
  }

  private notify(ns: string): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(ns);
      } catch {
        // A listener's failure must not stop the others from hearing about the change.
      }
    }
  }

  /** Calls `listener` with "tenant/ns" after any change to a namespace's policies, its creation or deletion. */
  onChange(listener: PolicyChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unwatch();
    this.unwatchTopics();
    this.topicCache.clear();
    this.listeners.clear();
    this.cache.clear();
  }
}

function isNamespace(ns: string): boolean {
  const parts = ns.split('/');
  return parts.length === 2 && parts.every(isValidName);
}
