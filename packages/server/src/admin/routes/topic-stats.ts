/**
 * GET .../{topic}/stats (TopicStats) and .../{topic}/internalStats (PersistentTopicInternalStats),
 * with Pulsar's field names; the shapes are built in broker/stats. Query parameters Pulsar accepts
 * (getPreciseBacklog, subscriptionBacklogSize, getEarliestTimeInBacklog, metadata) are accepted
 * and change nothing: the backlog is always exact and sizes are always reported.
 */
import type { FastifyInstance } from 'fastify';
import { requireTopic } from '../../broker/admin-ops/topic-ref.js';
import type { BrokerService } from '../../broker/broker-service.js';
import { internalStats } from '../../broker/stats/internal-stats.js';
import { partitionedStats } from '../../broker/stats/partitioned-stats.js';
import type { TopicStatsJson } from '../../broker/stats/stats-json.js';
import { notFound } from '../../resources/errors.js';
import { topicStats } from '../../broker/stats/topic-stats.js';
import { sendJson } from './http.js';
import { TOPIC_BASE, ownerBroker, topicOf, type TopicParams } from './topics-params.js';

export function registerTopicStatsRoutes(app: FastifyInstance, broker: BrokerService): void {
  app.get<{ Params: TopicParams }>(`${TOPIC_BASE}/stats`, async (req, reply) => {
    const topic = await requireTopic(broker, topicOf(req.params));
    return sendJson(reply, await topicStats(topic, ownerBroker(app, broker)));
  });

  // PartitionedTopicStats: every partition's stats added up (perPartition=false leaves out the parts).
  app.get<{ Params: TopicParams; Querystring: { perPartition?: string } }>(
    `${TOPIC_BASE}/partitioned-stats`,
    async (req, reply) => {
      const name = topicOf(req.params);
      const meta = await broker.partitionedTopics.get(name);
      if (!meta) throw notFound(`Partitioned Topic not found: ${name.toString()} does not exist`);
      const owner = ownerBroker(app, broker);
      const byPartition = new Map<string, TopicStatsJson>();
      for (let i = 0; i < meta.partitions; i++) {
        const partition = name.partition(i);
        // A partition no client has used yet has no topic loaded and contributes nothing.
        if (!(await broker.topicExists(partition))) continue;
        // A partition another worker of a multi-core standalone owns reports from there.
        const remote = broker.partitions.remoteOwner(partition);
        byPartition.set(
          partition.toString(),
          remote
            ? await remote.stats(partition)
            : await topicStats(await requireTopic(broker, partition), owner),
        );
      }
      return sendJson(
        reply,
        partitionedStats(meta.partitions, byPartition, req.query.perPartition !== 'false'),
      );
    },
  );

  app.get<{ Params: TopicParams }>(`${TOPIC_BASE}/internalStats`, async (req, reply) => {
    const topic = await requireTopic(broker, topicOf(req.params));
    return sendJson(reply, internalStats(topic));
  });
}
