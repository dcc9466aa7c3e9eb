/**
 * Magnetar extensions, not in Pulsar's REST API: what a subscription has delivered and not yet had
 * acknowledged (…/subscription/{sub}/inflight, filtered and paged) and, on Key_Shared, which
 * consumer owns which key hashes (…/inflight/key-shared). See docs/inflight.md.
 */
import type { FastifyInstance } from 'fastify';
import { inflightKeyShared, inflightPage } from '../../broker/inflight/inflight-ops.js';
import { parseInflightQuery, type InflightQueryText } from '../../broker/inflight/inflight-query.js';
import type { BrokerService } from '../../broker/broker-service.js';
import { sendJson } from './http.js';
import { TOPIC_BASE, topicOf, type TopicParams } from './topics-params.js';

type SubParams = { Params: TopicParams & { subscription: string } };
const INFLIGHT = `${TOPIC_BASE}/subscription/:subscription/inflight`;

export function registerInflightRoutes(app: FastifyInstance, broker: BrokerService): void {
  app.get<SubParams & { Querystring: InflightQueryText }>(INFLIGHT, async (req, reply) => {
    const q = parseInflightQuery(req.query);
    return sendJson(reply, await inflightPage(broker, topicOf(req.params), req.params.subscription, q));
  });

  app.get<SubParams>(`${INFLIGHT}/key-shared`, async (req, reply) =>
    sendJson(reply, await inflightKeyShared(broker, topicOf(req.params), req.params.subscription)),
  );
}
