/**
 * OwnerOps (../broker/topic-ownership.ts) between workers of a multi-core standalone: the calling
 * side sends each operation to the partition's owner as a peer call (peers.ts); the owning side
 * carries it out with the same broker code a single-process standalone runs locally.
 */
import { InitialPosition, TopicName } from '@magnetar/protocol';
import { requireTopic } from '../broker/admin-ops/topic-ref.js';
import type { BrokerService } from '../broker/broker-service.js';
import type { TopicStatsJson } from '../broker/stats/stats-json.js';
import { topicStats } from '../broker/stats/topic-stats.js';
import type { OwnerOps } from '../broker/topic-ownership.js';
import { PersistentTopic } from '../broker/topic/persistent-topic.js';
import { badRequest } from '../resources/errors.js';
import type { PeerCalls } from './peers.js';

const OPS = {
  createPartition: 'topic.createPartition',
  durableSubscriptions: 'topic.durableSubscriptions',
  activity: 'topic.activity',
  deleteTopic: 'topic.delete',
  stats: 'topic.stats',
} as const;

/** The caller's side: every operation runs at `ownerOf(name)`. */
export function remoteOwnerOps(peers: PeerCalls, ownerOf: (name: TopicName) => number): OwnerOps {
  const call = (name: TopicName, op: string, extra: object = {}) =>
    peers.call(ownerOf(name), op, { topic: name.toString(), ...extra });
  return {
    async createPartition(name, subscriptions) {
      await call(name, OPS.createPartition, { subscriptions: [...subscriptions] });
    },
    async durableSubscriptions(name) {
      return (await call(name, OPS.durableSubscriptions)) as string[];
    },
    async activity(name) {
      return (await call(name, OPS.activity)) as { exists: boolean; active: boolean };
    },
    async deleteTopic(name) {
      await call(name, OPS.deleteTopic);
    },
    async stats(name) {
      return (await call(name, OPS.stats)) as TopicStatsJson;
    },
  };
}

/** The owner's side: answers the operations above for the topics this worker owns. */
export function serveOwnerOps(peers: PeerCalls, broker: BrokerService): void {
  peers.handle(OPS.createPartition, async (args) => {
    const { topic, subscriptions } = topicArgs(args);
    const t = await broker.createPartition(topic);
    for (const sub of subscriptions) {
      await t.createSubscription(sub, t.startPosition(undefined, InitialPosition.Earliest));
    }
    return null;
  });
  peers.handle(OPS.durableSubscriptions, async (args) => {
    const { topic } = topicArgs(args);
    if (!(await broker.topicExists(topic))) return [];
    const t = await broker.getTopic(topic, false);
    return [...t.subscriptions].filter(([, s]) => s.durable).map(([name]) => name);
  });
  peers.handle(OPS.activity, async (args) => {
    const { topic } = topicArgs(args);
    if (!(await broker.topicExists(topic))) return { exists: false, active: false };
    const t = await broker.getTopic(topic, false);
    return { exists: true, active: t.producers.size > 0 || t.consumerCount > 0 };
  });
  peers.handle(OPS.deleteTopic, async (args) => {
    const { topic } = topicArgs(args);
    if (!(await broker.topicExists(topic))) return null;
    const t = await broker.getTopic(topic, false);
    if (t instanceof PersistentTopic) await t.delete();
    broker.removeTopic(t);
    return null;
  });
  peers.handle(OPS.stats, async (args) => {
    const { topic } = topicArgs(args);
    return topicStats(await requireTopic(broker, topic), new URL(broker.webServiceUrl).host);
  });
}

function topicArgs(args: unknown): { topic: TopicName; subscriptions: string[] } {
  const a = (typeof args === 'object' && args !== null ? args : {}) as {
    topic?: unknown;
    subscriptions?: unknown;
  };
  if (typeof a.topic !== 'string') throw badRequest('peer call without a topic');
  const subscriptions = Array.isArray(a.subscriptions)
    ? a.subscriptions.filter((s): s is string => typeof s === 'string')
    : [];
  return { topic: TopicName.parse(a.topic), subscriptions };
}
