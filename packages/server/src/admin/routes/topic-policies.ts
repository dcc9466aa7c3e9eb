/**
 * Topic-level policies (PersistentTopics' /{tenant}/{namespace}/{topic}/{policy}): GET reads the
 * topic's own value (204 when not set), POST sets it, DELETE removes it so the namespace value
 * applies again. Each reuses the namespace endpoint of the same policy (policy-endpoints.ts) for
 * parsing, checks and the field it writes, over a Policies-shaped view of the topic's overrides;
 * the result is stored by PolicyService.topicPolicies and applied live through its watch.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BrokerService } from '../../broker/broker-service.js';
import { notFound } from '../../resources/errors.js';
import type { Policies } from '../../resources/policies/types.js';
import { TOPIC_POLICY_FIELDS, type TopicPolicies } from '../../resources/topic-policies.js';
import { noContent, sendJson } from './http.js';
import type { PolicyEndpoint, PolicyRequest } from './namespace-policies.js';
import { POLICY_ENDPOINTS } from './policy-endpoints.js';
import { TOPIC_BASE, topicOf, type TopicParams } from './topics-params.js';

/** Topic path segment → the namespace endpoint whose rules it shares (and, for GET, another one's read). */
const TOPIC_ENDPOINTS: Record<string, { ns: string; readFrom?: string }> = {
  messageTTL: { ns: 'messageTTL' },
  retention: { ns: 'retention' },
  backlogQuota: { ns: 'backlogQuota', readFrom: 'backlogQuotaMap' },
  backlogQuotaMap: { ns: 'backlogQuotaMap' },
  maxProducers: { ns: 'maxProducersPerTopic' },
  maxConsumers: { ns: 'maxConsumersPerTopic' },
  maxConsumersPerSubscription: { ns: 'maxConsumersPerSubscription' },
  publishRate: { ns: 'publishRate' },
  dispatchRate: { ns: 'dispatchRate' },
  deduplicationEnabled: { ns: 'deduplication' },
};

type Req = FastifyRequest<{ Params: TopicParams; Querystring: Partial<Record<string, string>> }>;

export function registerTopicPolicyRoutes(app: FastifyInstance, broker: BrokerService): void {
  const service = broker.policies;
  if (!service) return;
  const byPath = new Map((POLICY_ENDPOINTS as PolicyEndpoint<unknown>[]).map((e) => [e.path, e]));
  const r = (req: Req): PolicyRequest => ({ clusterName: service.clusterName, query: req.query });
  const target = async (req: Req) => {
    const name = topicOf(req.params);
    if (!(await service.namespaceExists(name.namespace))) throw notFound('Namespace does not exist');
    if (!(await broker.topicExists(name))) throw notFound('Topic not found');
    return name;
  };
  for (const [path, { ns, readFrom }] of Object.entries(TOPIC_ENDPOINTS)) {
    const e = byPath.get(ns);
    const read = byPath.get(readFrom ?? ns)?.read;
    if (!e) throw new Error(`no namespace policy endpoint "${ns}" for topic policy "${path}"`);
    const url = `${TOPIC_BASE}/${path}`;
    if (read) {
      app.get(url, async (req: Req, reply) => {
        const own = await service.topicPolicies.get(await target(req));
        return sendJson(reply, own ? read(asPolicies(own), r(req)) : undefined);
      });
    }
    const { write, remove } = e;
    if (write) {
      app.post(url, async (req: Req, reply) => {
        // Pulsar's topic-level setMessageTTL takes the value as ?messageTTL=, the namespace one as a body.
        const body =
          path === 'messageTTL' && req.query.messageTTL !== undefined
            ? Number(req.query.messageTTL)
            : req.body;
        const value = write.parse(body, r(req));
        await service.topicPolicies.update(await target(req), (t) => {
          const view = asPolicies(t);
          write.apply(view, value, r(req));
          replaceWith(t, view);
        });
        return noContent(reply);
      });
    }
    if (remove) {
      app.delete(url, async (req: Req, reply) => {
        await service.topicPolicies.update(await target(req), (t) => {
          const view = asPolicies(t);
          remove(view, r(req));
          replaceWith(t, view);
        });
        return noContent(reply);
      });
    }
  }
}

/** The overrides as a Policies object with empty maps, so namespace endpoints can read and write them. */
function asPolicies(t: TopicPolicies): Policies {
  return {
    backlog_quota_map: {},
    publishMaxMessageRate: {},
    topicDispatchRate: {},
    clusterDispatchRate: {},
    ...structuredClone(t),
  } as Policies;
}

/** Copies the topic-level fields of `view` back into `t`, leaving out unset values and empty maps. */
function replaceWith(t: TopicPolicies, view: Policies): void {
  for (const key of TOPIC_POLICY_FIELDS) {
    const v = view[key];
    const empty = v === undefined || (typeof v === 'object' && Object.keys(v).length === 0);
    if (empty) delete t[key];
    else Object.assign(t, { [key]: v });
  }
}
