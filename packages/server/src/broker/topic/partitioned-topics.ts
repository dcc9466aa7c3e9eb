/**
 * Partitioned topics on this broker: a partitioned topic is metadata (its partition count, in
 * resources/partitioned-topics.ts) plus ordinary topics named `<topic>-partition-<i>`. This module
 * answers PARTITIONED_METADATA (with auto-creation), and carries out the admin operations that
 * span partitions: create, grow, delete (PersistentTopicsBase's partition operations).
 */
import { InitialPosition, ServerError, TopicName } from '@magnetar/protocol';
import { conflict, notFound, preconditionFailed } from '../../resources/errors.js';
import { NAMESPACE_NOT_FOUND } from '../../resources/namespace-resources.js';
import type { PartitionedTopicMetadata } from '../../resources/partitioned-topics.js';
import type { BrokerService } from '../broker-service.js';
import { BrokerError, topicNotFound } from '../errors.js';
import { PersistentTopic } from './persistent-topic.js';
import type { Topic } from './topic.js';
import type { OwnerOps } from '../topic-ownership.js';

/** pulsar-admin's answer for a partition count below 1 (Status.NOT_ACCEPTABLE). */
function notAcceptable(reason: string): Error & { statusCode: number } {
  return Object.assign(new Error(reason), { statusCode: 406 });
}

/** Pulsar's maxNumPartitionsPerPartitionedTopic is unlimited by default; this bounds one request's work. */
export const MAX_PARTITIONS = 10_000;

export class PartitionedTopics {
  constructor(private readonly broker: BrokerService) {}

  /** The partition count of a base topic name; 0 when it is not partitioned or is itself a partition. */
  async partitions(name: TopicName): Promise<number> {
    if (name.isPartition) return 0;
    return (await this.broker.partitionedTopics.get(name))?.partitions ?? 0;
  }

  /**
   * CommandPartitionedTopicMetadata: the partition count, 0 for a non-partitioned topic. When the
   * client allows it (metadata_auto_creation_enabled) and the namespace's auto-topic-creation
   * policy is of type "partitioned", an unknown topic becomes a partitioned topic of
   * defaultNumPartitions here. Without auto-creation an unknown topic is TopicNotFound, as in Pulsar.
   */
  async forClient(name: TopicName, clientAllowsCreation: boolean): Promise<number> {
    if (!name.isPartition) {
      const existing = await this.broker.partitionedTopics.get(name);
      if (existing) return existing.partitions;
    }
    const auto = await this.autoCreation(name);
    const exists = await this.broker.topicExists(name);
    if (!clientAllowsCreation || !auto.allowed) {
      if (!exists) throw topicNotFound(name.toString());
      return 0;
    }
    if (exists || name.isPartition || auto.type !== 'partitioned') return 0;
    await this.broker.partitionedTopics.create(name, { partitions: auto.partitions });
    // Another request may have created it first, possibly with another count: answer what is stored.
    const stored = await this.broker.partitionedTopics.get(name);
    this.broker.log.info(
      { topic: name.toString(), partitions: stored?.partitions },
      'partitioned topic auto-created',
    );
    return stored?.partitions ?? 0;
  }

  /**
   * Whether a topic may be loaded (created when missing) given partitioned metadata: a partition of
   * a partitioned topic exists exactly when its index is below the partition count, whatever the
   * auto-creation policy says; the base name of a partitioned topic is not a topic of its own.
   * 'unknown' leaves the decision to the ordinary auto-creation rules.
   */
  async loadRule(name: TopicName): Promise<'partition' | 'unknown'> {
    if (name.isPartition) {
      const parent = await this.broker.partitionedTopics.get(TopicName.parse(name.partitionedTopicName));
      if (!parent) return 'unknown';
      if (name.partitionIndex >= parent.partitions) throw topicNotFound(name.toString());
      return 'partition';
    }
    if (await this.broker.partitionedTopics.get(name)) {
      throw new BrokerError(
        ServerError.NotAllowedError,
        `${name.toString()} is a partitioned topic: use its partitions (${name.toString()}-partition-<i>)`,
      );
    }
    return 'unknown';
  }

  /**
   * PUT .../partitions: creates the metadata and every partition (as Pulsar's
   * tryCreatePartitionsAsync does), so that the partitions are listed and usable at once.
   */
  async create(name: TopicName, partitions: number, properties?: Record<string, string>): Promise<void> {
    checkBaseName(name);
    checkCount(partitions);
    await this.requireNamespace(name);
    if ((await this.broker.partitionedTopics.get(name)) || (await this.broker.topicExists(name))) {
      throw conflict('This topic already exists');
    }
    const highest = await this.highestExistingPartition(name);
    if (highest >= partitions) {
      throw conflict(
        `The topic has a max partition index of ${highest}, the number of partitions must be at least ${highest + 1}`,
      );
    }
    const metadata: PartitionedTopicMetadata = { partitions };
    if (properties && Object.keys(properties).length > 0) metadata.properties = { ...properties };
    if (!(await this.broker.partitionedTopics.create(name, metadata)))
      throw conflict('This topic already exists');
    await this.createPartitions(name, 0, partitions, []);
  }

  /**
   * POST .../partitions: grows a partitioned topic. The new partitions are created first, each
   * with every durable subscription the existing partitions have (at their start, so nothing
   * published to a new partition before its consumers arrive is missed, as Pulsar's
   * createSubscriptions does); only then is the new count stored, and clients that re-read it
   * find everything in place. Shrinking is refused (409), as in Pulsar.
   */
  async grow(name: TopicName, partitions: number): Promise<void> {
    checkBaseName(name);
    checkCount(partitions);
    await this.requireNamespace(name);
    const current = await this.broker.partitionedTopics.get(name);
    if (!current) throw conflict('Topic is not partitioned topic');
    if (partitions <= current.partitions) {
      throw conflict('Number of new partitions must be greater than existing number of partitions');
    }
    const subscriptions = await this.durableSubscriptions(name, current.partitions);
    await this.createPartitions(name, current.partitions, partitions, subscriptions);
    await this.broker.partitionedTopics.update(name, (m) => {
      if (partitions <= m.partitions) {
        throw conflict('Number of new partitions must be greater than existing number of partitions');
      }
      return { ...m, partitions };
    });
    this.broker.log.info(
      { topic: name.toString(), from: current.partitions, to: partitions },
      'partitions added',
    );
  }

  /**
   * DELETE .../partitions: deletes every partition, then the metadata. Without `force` nothing is
   * deleted while any partition has producers or consumers (412, Pulsar's text); with it they are
   * closed first.
   */
  async delete(name: TopicName, force: boolean): Promise<void> {
    checkBaseName(name);
    await this.requireNamespace(name);
    const metadata = await this.broker.partitionedTopics.get(name);
    if (!metadata) {
      if (await this.broker.topicExists(name)) {
        throw conflict(
          `${name.toString()} is a non-partitioned topic. Instead of calling delete-partitioned-topic please call delete.`,
        );
      }
      throw notFound(`Topic ${name.toString()} not found.`);
    }
    const loaded: Topic[] = [];
    // Partitions another worker of a multi-core standalone owns are checked and deleted there.
    const elsewhere: TopicName[] = [];
    let active = false;
    for (let i = 0; i < metadata.partitions; i++) {
      const partition = name.partition(i);
      const remote = this.remoteOwner(partition);
      if (remote) {
        const a = await remote.activity(partition);
        if (a.exists) elsewhere.push(partition);
        active ||= a.active;
        continue;
      }
      const t = await this.loadIfExists(partition);
      if (t) loaded.push(t);
    }
    active ||= loaded.some((t) => t.producers.size > 0 || t.consumerCount > 0);
    if (!force && active) throw preconditionFailed('Topic has active producers/subscriptions');
    for (const t of loaded) {
      if (t instanceof PersistentTopic) await t.delete();
      else await t.close();
      this.broker.removeTopic(t);
    }
    for (const partition of elsewhere) await this.remoteOwner(partition)!.deleteTopic(partition);
    await this.broker.partitionedTopics.delete(name);
    this.broker.log.info({ topic: name.toString() }, 'partitioned topic deleted');
  }

  /** GET /{domain}/{tenant}/{namespace}/partitioned: the namespace's partitioned topics. */
  async list(namespace: string, domain: 'persistent' | 'non-persistent'): Promise<string[]> {
    await this.requireNamespace(TopicName.parse(`${domain}://${namespace}/x`));
    return this.broker.partitionedTopics.list(domain, namespace);
  }

  /** Partitions of the namespace's partitioned topics in `domain`, created or not, as names. */
  async partitionNames(namespace: string, domain: 'persistent' | 'non-persistent'): Promise<string[]> {
    const out: string[] = [];
    for (const base of await this.broker.partitionedTopics.list(domain, namespace)) {
      const n = await this.partitions(TopicName.parse(base));
      for (let i = 0; i < n; i++) out.push(`${base}-partition-${i}`);
    }
    return out;
  }

  private async createPartitions(
    name: TopicName,
    from: number,
    to: number,
    subscriptions: readonly string[],
  ): Promise<void> {
    for (let i = from; i < to; i++) {
      const partition = name.partition(i);
      // Non-persistent partitions exist only while used; there is nothing to create ahead.
      if (!name.isPersistent) continue;
      const remote = this.remoteOwner(partition);
      if (remote) {
        await remote.createPartition(partition, subscriptions);
        continue;
      }
      const topic = await this.broker.createPartition(partition);
      for (const sub of subscriptions) {
        await topic.createSubscription(sub, topic.startPosition(undefined, InitialPosition.Earliest));
      }
    }
  }

  /** Names of the durable subscriptions found on the first `count` partitions. */
  private async durableSubscriptions(name: TopicName, count: number): Promise<string[]> {
    const names = new Set<string>();
    if (!name.isPersistent) return [];
    for (let i = 0; i < count; i++) {
      const remote = this.remoteOwner(name.partition(i));
      if (remote) {
        for (const sub of await remote.durableSubscriptions(name.partition(i))) names.add(sub);
        continue;
      }
      const t = await this.loadIfExists(name.partition(i));
      if (!(t instanceof PersistentTopic)) continue;
      for (const [sub, s] of t.subscriptions) if (s.durable) names.add(sub);
    }
    return [...names];
  }

  /** The owner's operations when another worker owns `name` (multi-core standalone); undefined when this broker does. */
  remoteOwner(name: TopicName): OwnerOps | undefined {
    const o = this.broker.ownership;
    return o && o.ownerOf(name) !== o.self ? o.atOwner : undefined;
  }

  private async loadIfExists(name: TopicName): Promise<Topic | undefined> {
    if (!name.isPersistent) return this.broker.loadedNonPersistentTopic(name);
    if (!(await this.broker.topicExists(name))) return undefined;
    return this.broker.getTopic(name, false);
  }

  /** Highest index among existing `<topic>-partition-<i>` topics, -1 if none (Pulsar's getMaxPartitionIndex). */
  private async highestExistingPartition(name: TopicName): Promise<number> {
    let highest = -1;
    const prefix = `${name.toString()}-partition-`;
    for (const t of await this.broker.topicsOfNamespace(name.namespace, true)) {
      if (!t.startsWith(prefix)) continue;
      const parsed = TopicName.parse(t);
      if (parsed.partitionedTopicName === name.toString()) highest = Math.max(highest, parsed.partitionIndex);
    }
    return highest;
  }

  private async requireNamespace(name: TopicName): Promise<void> {
    const p = this.broker.policies;
    if (p && !(await p.namespaceExists(name.namespace))) throw notFound(NAMESPACE_NOT_FOUND);
  }

  private async autoCreation(
    name: TopicName,
  ): Promise<{ allowed: boolean; type: 'partitioned' | 'non-partitioned'; partitions: number }> {
    const config = this.broker.config;
    const policies = this.broker.policies;
    if (!policies) {
      return {
        allowed: config.allowAutoTopicCreation,
        type: config.allowAutoTopicCreationType,
        partitions: config.defaultNumPartitions,
      };
    }
    const effective = await policies.effectivePolicies(name);
    if (!effective) {
      throw new BrokerError(ServerError.TopicNotFound, `Namespace of ${name.toString()} does not exist`);
    }
    const a = effective.autoTopicCreation;
    return { allowed: a.allowAutoTopicCreation, type: a.topicType, partitions: a.defaultNumPartitions };
  }
}

/** 412 for a base name that is itself a partition name (PulsarWebResource.validatePartitionedTopicName). */
function checkBaseName(name: TopicName): void {
  if (name.localName.includes('-partition-')) {
    throw preconditionFailed("Partitioned Topic Name should not contain '-partition-'");
  }
}

/** 406 for a count below 1 (Pulsar's text), and for one beyond what this broker creates at once. */
function checkCount(partitions: number): void {
  if (!Number.isSafeInteger(partitions) || partitions <= 0) {
    throw notAcceptable('Number of partitions should be more than 0');
  }
  if (partitions > MAX_PARTITIONS) {
    throw notAcceptable(`Number of partitions should be less than or equal to ${MAX_PARTITIONS}`);
  }
}
