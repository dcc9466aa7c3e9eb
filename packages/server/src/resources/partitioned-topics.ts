/**
 * Partitioned-topic metadata (Pulsar's PartitionedTopicResources): one JSON value per partitioned
 * topic, `{"partitions": N, "properties": {...}}`, the shape pulsar-admin reads and writes, under
 *
 *   /admin/partitioned-topics/<domain>/<tenant>/<namespace>/<topic>
 *
 * Tenant and namespace names are already checked (they never contain '/'); the topic's local name
 * is percent-encoded into one segment, as Pulsar encodes it into its ZooKeeper path. The partitions
 * themselves are ordinary topics named `<topic>-partition-<i>`; this value only says how many exist.
 */
import type { TopicName } from '@magnetar/protocol';
import { joinPath } from '../metadata/path.js';
import { BadVersionError, type MetadataStore } from '../metadata/types.js';
import { JsonResource, type Versioned } from './json-resource.js';
import { KeyedLock } from './keyed-lock.js';

export const PARTITIONED_TOPICS_ROOT = '/admin/partitioned-topics';

export interface PartitionedTopicMetadata {
  partitions: number;
  properties?: Record<string, string>;
}

/** The key of a partitioned topic; `topic` is the base name (no -partition-N suffix). */
export function partitionedTopicPath(topic: TopicName): string {
  return joinPath(namespaceRoot(topic.domain, topic.namespace), topic.localName);
}

function namespaceRoot(domain: string, namespace: string): string {
  return `${PARTITIONED_TOPICS_ROOT}/${domain}/${namespace}`;
}

export function parsePartitionedTopicMetadata(raw: unknown, path: string): PartitionedTopicMetadata {
  const r = raw as { partitions?: unknown; properties?: unknown } | null;
  if (!r || typeof r !== 'object' || !Number.isSafeInteger(r.partitions)) {
    throw new Error(`unreadable partitioned topic metadata at ${path}`);
  }
  const out: PartitionedTopicMetadata = { partitions: r.partitions as number };
  if (r.properties && typeof r.properties === 'object') {
    out.properties = { ...(r.properties as Record<string, string>) };
  }
  return out;
}

export class PartitionedTopicResources {
  private readonly json: JsonResource<PartitionedTopicMetadata>;

  constructor(store: MetadataStore, lock = new KeyedLock()) {
    this.json = new JsonResource(store, parsePartitionedTopicMetadata, lock);
  }

  /** The metadata of `topic` (a base name, never a `-partition-N` one), or null if it is not partitioned. */
  async get(topic: TopicName): Promise<PartitionedTopicMetadata | null> {
    return (await this.getVersioned(topic))?.value ?? null;
  }

  async getVersioned(topic: TopicName): Promise<Versioned<PartitionedTopicMetadata> | null> {
    return this.json.get(partitionedTopicPath(topic));
  }

  /** Creates the metadata; false if the topic is already partitioned (nothing written). */
  create(topic: TopicName, metadata: PartitionedTopicMetadata): Promise<boolean> {
    return this.json.create(partitionedTopicPath(topic), metadata);
  }

  /**
   * Read-modify-write of the metadata (compare-and-set, retried on a lost race); null if absent.
   * `change` may throw to refuse the update, and then nothing is written.
   */
  update(
    topic: TopicName,
    change: (current: PartitionedTopicMetadata) => PartitionedTopicMetadata,
  ): Promise<PartitionedTopicMetadata | null> {
    return this.json.update(partitionedTopicPath(topic), change);
  }

  /** Deletes the metadata; false if there was none. */
  async delete(topic: TopicName): Promise<boolean> {
    try {
      return await this.json.delete(partitionedTopicPath(topic));
    } catch (err) {
      if (err instanceof BadVersionError) return false;
      throw err;
    }
  }

  /** Full base names of the namespace's partitioned topics in `domain`, sorted. */
  async list(domain: 'persistent' | 'non-persistent', namespace: string): Promise<string[]> {
    const encoded = await this.json.children(namespaceRoot(domain, namespace));
    return encoded.map((e) => `${domain}://${namespace}/${decodeURIComponent(e)}`).sort();
  }
}
