/**
 * Which worker of a multi-core standalone owns a topic (docs/design/0001-multi-core-standalone.md).
 * As a Pulsar cluster hashes a topic into one of its namespace's bundles and assigns bundles to
 * brokers, a topic here hashes into one of BUNDLES bundles and bundle b belongs to worker b % N.
 * The hash covers the namespace and the local name only, so `persistent://` and `non-persistent://`
 * topics of one name meet on one worker, and the partitions of a partitioned topic (separate
 * topics, `…-partition-<i>`) spread over the workers.
 *
 * Both the hash and BUNDLES are part of the on-disk contract: a topic's ledgers live in its owner's
 * directory, so changing either (or the worker count, see worker-count.ts) would move topics away
 * from their data.
 */
import { murmur3_32, TopicName } from '@magnetar/protocol';

/** Bundles per namespace. Fixed forever: see the file comment. */
export const BUNDLES = 256;

/** The bundle a topic falls in: murmur3_32("<tenant>/<namespace>/<localName>") mod BUNDLES. */
export function bundleOf(topic: TopicName): number {
  return murmur3_32(`${topic.namespace}/${topic.localName}`) % BUNDLES;
}

/** The index (0 … workers-1) of the worker owning `topic` (a TopicName or any name TopicName.parse takes). */
export function ownerOf(topic: TopicName | string, workers: number): number {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`bad worker count ${workers}`);
  const name = typeof topic === 'string' ? TopicName.parse(topic) : topic;
  return bundleOf(name) % workers;
}
