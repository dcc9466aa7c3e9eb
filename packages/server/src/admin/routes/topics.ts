/**
 * /admin/v2/persistent/{tenant}/{namespace}[/{topic}...] (PersistentTopics): list, create,
 * delete (?force), unload, terminate, lastMessageId and the list of subscriptions. Stats are in
 * topic-stats.ts, subscription operations in subscriptions.ts; the work is in broker/admin-ops.
 */
import type { FastifyInstance } from 'fastify';
import {
  createTopic,
  deleteTopic,
  lastMessageId,
  listSubscriptions,
  listTopics,
  terminateTopic,
  unloadTopic,
} from '../../broker/admin-ops/topic-ops.js';
import type { BrokerService } from '../../broker/broker-service.js';
import { namespaceName } from '../../resources/names.js';
import { isTrue, noContent, sendJson, type Params } from './http.js';
import { NAMESPACE_BASE, TOPIC_BASE, topicOf, type TopicParams } from './topics-params.js';

type TopicRoute = { Params: TopicParams };
type ForceRoute = TopicRoute & { Querystring: { force?: string } };

export function registerTopicRoutes(app: FastifyInstance, broker: BrokerService): void {
  app.get<Params<'tenant' | 'namespace'>>(NAMESPACE_BASE, async (req, reply) => {
    const ns = namespaceName(req.params.tenant, req.params.namespace);
    return sendJson(reply, await listTopics(broker, ns));
  });

  app.put<TopicRoute>(TOPIC_BASE, async (req, reply) => {
    await createTopic(broker, topicOf(req.params));
    return noContent(reply);
  });

  app.delete<ForceRoute>(TOPIC_BASE, async (req, reply) => {
    await deleteTopic(broker, topicOf(req.params), isTrue(req.query.force));
    return noContent(reply);
  });

  app.put<TopicRoute>(`${TOPIC_BASE}/unload`, async (req, reply) => {
    await unloadTopic(broker, topicOf(req.params));
    return noContent(reply);
  });

  app.post<TopicRoute>(`${TOPIC_BASE}/terminate`, async (req, reply) =>
    sendJson(reply, await terminateTopic(broker, topicOf(req.params))),
  );

  app.get<TopicRoute>(`${TOPIC_BASE}/lastMessageId`, async (req, reply) =>
    sendJson(reply, await lastMessageId(broker, topicOf(req.params))),
  );

  app.get<TopicRoute>(`${TOPIC_BASE}/subscriptions`, async (req, reply) =>
    sendJson(reply, await listSubscriptions(broker, topicOf(req.params))),
  );
}
