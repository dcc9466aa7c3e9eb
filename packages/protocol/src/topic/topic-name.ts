import { ProtocolError } from '../errors.js';

/**
 * Topic and namespace names in Pulsar's v2 form `domain://tenant/namespace/topic`.
 * Old v1 names with a cluster segment (`tenant/cluster/ns/topic`) are refused.
 */

export type TopicDomain = 'persistent' | 'non-persistent';

const PARTITION_SUFFIX = '-partition-';
/** Pulsar's NamedEntity rule for tenant and namespace names. */
const NAMED_ENTITY = /^[-=:.\w]+$/;
const DEFAULT_TENANT = 'public';
const DEFAULT_NAMESPACE = 'default';

function invalid(name: string, why: string): ProtocolError {
  return new ProtocolError('INVALID_TOPIC_NAME', `invalid name "${name}": ${why}`);
}

export class NamespaceName {
  readonly tenant: string;
  /** The namespace's own name, without the tenant. */
  readonly localName: string;

  private constructor(tenant: string, localName: string) {
    this.tenant = tenant;
    this.localName = localName;
  }

  /** Parses "tenant/namespace"; throws ProtocolError('INVALID_TOPIC_NAME'). */
  static parse(name: string): NamespaceName {
    const parts = name.split('/');
    if (parts.length !== 2) throw invalid(name, 'a namespace is "tenant/namespace"');
    return NamespaceName.of(parts[0], parts[1], name);
  }

  static of(tenant: string, localName: string, original = `${tenant}/${localName}`): NamespaceName {
    if (!NAMED_ENTITY.test(tenant)) throw invalid(original, `bad tenant "${tenant}"`);
    if (!NAMED_ENTITY.test(localName)) throw invalid(original, `bad namespace "${localName}"`);
    return new NamespaceName(tenant, localName);
  }

  toString(): string {
    return `${this.tenant}/${this.localName}`;
  }
}

export class TopicName {
  readonly domain: TopicDomain;
  readonly tenant: string;
  /** "tenant/namespace" */
  readonly namespace: string;
  readonly localName: string;
  /** N for a `...-partition-N` topic, else -1. */
  readonly partitionIndex: number;

  private constructor(domain: TopicDomain, tenant: string, ns: string, localName: string) {
    this.domain = domain;
    this.tenant = tenant;
    this.namespace = `${tenant}/${ns}`;
    this.localName = localName;
    this.partitionIndex = partitionIndexOf(localName);
  }

  /**
   * Accepts `persistent://t/ns/topic`, `non-persistent://t/ns/topic`, `t/ns/topic` (persistent) and
   * a bare `topic` (persistent://public/default/topic). Throws ProtocolError('INVALID_TOPIC_NAME').
   */
  static parse(name: string): TopicName {
    let domain: TopicDomain = 'persistent';
    let rest = name;
    const sep = name.indexOf('://');
    if (sep >= 0) {
      const scheme = name.slice(0, sep);
      if (scheme !== 'persistent' && scheme !== 'non-persistent')
        throw invalid(name, `unknown domain "${scheme}"`);
      domain = scheme;
      rest = name.slice(sep + 3);
    } else if (!name.includes('/')) {
      rest = `${DEFAULT_TENANT}/${DEFAULT_NAMESPACE}/${name}`;
    }
    const parts = rest.split('/');
    if (parts.length !== 3) throw invalid(name, 'expected tenant/namespace/topic');
    const [tenant, ns, localName] = parts;
    NamespaceName.of(tenant, ns, name);
    if (localName.length === 0) throw invalid(name, 'empty topic name');
    return new TopicName(domain, tenant, ns, localName);
  }

  get isPersistent(): boolean {
    return this.domain === 'persistent';
  }

  get isPartition(): boolean {
    return this.partitionIndex >= 0;
  }

  /** The full name without any `-partition-N` suffix. */
  get partitionedTopicName(): string {
    if (!this.isPartition) return this.toString();
    const base = this.localName.slice(0, this.localName.lastIndexOf(PARTITION_SUFFIX));
    return `${this.domain}://${this.namespace}/${base}`;
  }

  /** The name of partition `index` of this (partitioned) topic. */
  partition(index: number): TopicName {
    if (!Number.isInteger(index) || index < 0) throw new RangeError(`bad partition index ${index}`);
    return TopicName.parse(`${this.partitionedTopicName}${PARTITION_SUFFIX}${index}`);
  }

  toString(): string {
    return `${this.domain}://${this.namespace}/${this.localName}`;
  }
}

/** As Pulsar's TopicName.getPartitionIndex: a decimal suffix after the last "-partition-". */
function partitionIndexOf(localName: string): number {
  const at = localName.lastIndexOf(PARTITION_SUFFIX);
  if (at < 0) return -1;
  const digits = localName.slice(at + PARTITION_SUFFIX.length);
  if (!/^\d{1,9}$/.test(digits)) return -1;
  return Number(digits);
}
