/**
 * The seam between a broker and whatever decides which broker serves which topic. A standalone
 * broker has none and serves every topic; a worker of a multi-core standalone
 * (../multicore/worker-directory.ts) serves only the topics that hash to it, as a broker of a
 * Pulsar cluster serves only its bundles, and has the work that spans partitions done at each
 * partition's owner (`atOwner`).
 */
import type { TopicName } from '@magnetar/protocol';
import type { ListenerUrls } from './listeners.js';
import type { TopicStatsJson } from './stats/stats-json.js';

export interface TopicOwnership {
  /** This broker's index among the workers. */
  readonly self: number;
  /** The index of the worker that owns `topic`. */
  ownerOf(topic: TopicName): number;
  /**
   * The URLs of the owner's own listeners, for lookups and admin redirects. Throws a BrokerError
   * with ServiceNotReady while the owner is not up (clients retry the lookup).
   */
  ownerUrls(topic: TopicName): ListenerUrls;
  /** Operations on a topic this broker does not own, carried out by its owner. */
  readonly atOwner: OwnerOps;
}

/**
 * What the admin operations on a partitioned topic need done at each partition's owner. Failures
 * carry the owner's HTTP status (`statusCode`), so they reach the admin client as they would have
 * locally.
 */
export interface OwnerOps {
  /** Creates the partition (whatever auto-creation says), with these durable subscriptions at its start. */
  createPartition(name: TopicName, subscriptions: readonly string[]): Promise<void>;
  /** The names of the topic's durable subscriptions; [] when it does not exist. */
  durableSubscriptions(name: TopicName): Promise<string[]>;
  /** Whether the topic exists and whether producers or consumers are attached. */
  activity(name: TopicName): Promise<{ exists: boolean; active: boolean }>;
  /** Deletes the topic, closing its producers and consumers; nothing when it does not exist. */
  deleteTopic(name: TopicName): Promise<void>;
  /** The topic's stats (TopicStats); a 404 when it does not exist. */
  stats(name: TopicName): Promise<TopicStatsJson>;
}
