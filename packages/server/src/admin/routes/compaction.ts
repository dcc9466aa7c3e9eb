/**
 * /admin/v2/persistent/{tenant}/{namespace}/{topic}/compaction (PersistentTopics.compact and
 * compactionStatus): PUT starts a compaction (204; 409 while one runs), GET answers Pulsar's
 * LongRunningProcessStatus {status, lastError}.
 */
import type { FastifyInstance } from 'fastify';
import { requireTopic } from '../../broker/admin-ops/topic-ref.js';
import type { BrokerService } from '../../broker/broker-service.js';
import { compactionOf, type CompactionService } from '../../broker/compaction/compaction-service.js';
import { conflict } from '../../resources/errors.js';
import { noContent, sendJson } from './http.js';
import { TOPIC_BASE, topicOf, type TopicParams } from './topics-params.js';

type TopicRoute = { Params: TopicParams };

export function registerCompactionRoutes(app: FastifyInstance, broker: BrokerService): void {
  const service = (): CompactionService => {
    const s = compactionOf(broker);
    if (!s) throw Object.assign(new Error('Compaction is not available on this broker'), { statusCode: 503 });
    return s;
  };

  app.put<TopicRoute>(`${TOPIC_BASE}/compaction`, async (req, reply) => {
    const topic = await requireTopic(broker, topicOf(req.params));
    if (!service().trigger(topic)) throw conflict('Compaction already in progress');
    return noContent(reply);
  });

  app.get<TopicRoute>(`${TOPIC_BASE}/compaction`, async (req, reply) => {
    const topic = await requireTopic(broker, topicOf(req.params));
    return sendJson(reply, service().status(topic.name));
  });
}
