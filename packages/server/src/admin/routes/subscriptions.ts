/**
 * /admin/v2/persistent/{tenant}/{namespace}/{topic}/subscription/{sub}/... (PersistentTopics):
 * create at a position, delete (?force), peek the n-th message, reset the cursor by time or message
 * id, skip n, skip all (clear backlog), expire older than n seconds, and expire on every
 * subscription. Success is 204 No Content as in Pulsar, except peek, which answers the message.
 */
import type { FastifyInstance } from 'fastify';
import { peekNthMessage } from '../../broker/admin-ops/peek.js';
import {
  clearBacklog,
  createSubscription,
  deleteSubscription,
  expireAllSubscriptions,
  expireMessages,
  parseMessageIdBody,
  resetCursorToId,
  resetCursorToTime,
  skipMessages,
} from '../../broker/admin-ops/subscription-ops.js';
import type { BrokerService } from '../../broker/broker-service.js';
import { badRequest } from '../../resources/errors.js';
import { isTrue, noContent } from './http.js';
import { TOPIC_BASE, intParam, topicOf, type TopicParams } from './topics-params.js';

type SubParams = TopicParams & { subscription: string };
type SubRoute<K extends string = never> = { Params: SubParams & Record<K, string> };

const SUB_BASE = `${TOPIC_BASE}/subscription/:subscription`;

export function registerSubscriptionRoutes(app: FastifyInstance, broker: BrokerService): void {
  app.put<SubRoute>(SUB_BASE, async (req, reply) => {
    const id = parseMessageIdBody(req.body);
    await createSubscription(broker, topicOf(req.params), req.params.subscription, id);
    return noContent(reply);
  });

  app.delete<SubRoute & { Querystring: { force?: string } }>(SUB_BASE, async (req, reply) => {
    const { subscription } = req.params;
    await deleteSubscription(broker, topicOf(req.params), subscription, isTrue(req.query.force));
    return noContent(reply);
  });

  app.get<SubRoute<'position'>>(`${SUB_BASE}/position/:position`, async (req, reply) => {
    const n = intParam(req.params.position, 'message position');
    const peeked = await peekNthMessage(broker, topicOf(req.params), req.params.subscription, n);
    return reply.code(200).headers(peeked.headers).type('application/octet-stream').send(peeked.body);
  });

  app.post<SubRoute<'timestamp'>>(`${SUB_BASE}/resetcursor/:timestamp`, async (req, reply) => {
    const ts = intParam(req.params.timestamp, 'timestamp');
    await resetCursorToTime(broker, topicOf(req.params), req.params.subscription, ts);
    return noContent(reply);
  });

  app.post<SubRoute & { Querystring: { isExcluded?: string } }>(
    `${SUB_BASE}/resetcursor`,
    async (req, reply) => {
      const id = parseMessageIdBody(req.body);
      if (!id) throw badRequest('A message id is required in the request body');
      if (isTrue(req.query.isExcluded)) id.isExcluded = true;
      await resetCursorToId(broker, topicOf(req.params), req.params.subscription, id);
      return noContent(reply);
    },
  );

  app.post<SubRoute<'count'>>(`${SUB_BASE}/skip/:count`, async (req, reply) => {
    const n = intParam(req.params.count, 'number of messages');
    await skipMessages(broker, topicOf(req.params), req.params.subscription, n);
    return noContent(reply);
  });

  app.post<SubRoute>(`${SUB_BASE}/skip_all`, async (req, reply) => {
    await clearBacklog(broker, topicOf(req.params), req.params.subscription);
    return noContent(reply);
  });

  app.post<SubRoute<'seconds'>>(`${SUB_BASE}/expireMessages/:seconds`, async (req, reply) => {
    const seconds = intParam(req.params.seconds, 'expire time');
    await expireMessages(broker, topicOf(req.params), req.params.subscription, seconds);
    return noContent(reply);
  });

  app.post<{ Params: TopicParams & { seconds: string } }>(
    `${TOPIC_BASE}/all_subscription/expireMessages/:seconds`,
    async (req, reply) => {
      const seconds = intParam(req.params.seconds, 'expire time');
      await expireAllSubscriptions(broker, topicOf(req.params), seconds);
      return noContent(reply);
    },
  );
}
