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
import { topicStats } from '../../broker/stats/topic-stats.js';
import { sendJson } from './http.js';
import { TOPIC_BASE, ownerBroker, topicOf, type TopicParams } from './topics-params.js';

export function registerTopicStatsRoutes(app: FastifyInstance, broker: BrokerService): void {
  app.get<{ Params: TopicParams }>(`${TOPIC_BASE}/stats`, async (req, reply) => {
    const topic = await requireTopic(broker, topicOf(req.params));
    return sendJson(reply, await topicStats(topic, ownerBroker(app, broker)));
  });

  app.get<{ Params: TopicParams }>(`${TOPIC_BASE}/internalStats`, async (req, reply) => {
    const topic = await requireTopic(broker, topicOf(req.params));
    return sendJson(reply, internalStats(topic));
  });
}
