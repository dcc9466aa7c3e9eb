/**
 * GET /lookup/v2/topic/{domain}/{tenant}/{namespace}/{topic} (TopicLookup): the broker that serves
 * the topic, as Pulsar's LookupData. A standalone broker serves every topic, so it names itself
 * (a worker of a multi-core standalone names the worker that owns the topic); a topic that does not exist and may not be auto-created is a 404, as in Pulsar.
 *
 * The answer is the URLs of the advertised listener the client names, by the `listenerName` query
 * parameter or else the `X-Pulsar-ListenerName` header (TopicLookup.lookupTopicAsync), the
 * internal listener when it names none. A name the broker does not have is a 500 carrying the
 * reason, as Pulsar answers it (its lookup fails with a PulsarServerException).
 */
import type { FastifyInstance } from 'fastify';
import { requireNamespace } from '../../broker/admin-ops/topic-ops.js';
import { restTopicName, topicNotFound } from '../../broker/admin-ops/topic-ref.js';
import type { BrokerService } from '../../broker/broker-service.js';
import { BrokerError } from '../../broker/errors.js';
import type { ListenerUrls } from '../../broker/listeners.js';
import { notFound } from '../../resources/errors.js';
import { sendJson, type WithQuery } from './http.js';
import { ownerBroker } from './topics-params.js';

/** The header Pulsar's HTTP lookup reads the listener name from when the query has none. */
export const LISTENER_NAME_HEADER = 'x-pulsar-listenername';

/**
 * Pulsar's LookupData. URLs the listener does not have are left out, as Pulsar's JSON leaves out
 * nulls; `nativeUrl` repeats `brokerUrl` and `brokerUrlSsl` is always empty, both kept because
 * older clients read them.
 */
export interface LookupData {
  brokerUrl?: string;
  brokerUrlTls?: string;
  httpUrl?: string;
  httpUrlTls?: string;
  nativeUrl?: string;
  brokerUrlSsl: string;
}

type LookupRequest = WithQuery<'domain' | 'tenant' | 'namespace' | 'topic', 'authoritative' | 'listenerName'>;

export function registerLookupRoutes(app: FastifyInstance, broker: BrokerService): void {
  app.get<LookupRequest>('/lookup/v2/topic/:domain/:tenant/:namespace/:topic', async (req, reply) => {
    const { domain, tenant, namespace, topic } = req.params;
    if (domain !== 'persistent' && domain !== 'non-persistent') {
      throw notFound(`Unknown topic domain ${domain}`);
    }
    const name = restTopicName(domain, tenant, namespace, topic);
    await requireNamespace(broker, name.namespace);
    if (!(await broker.topicExists(name))) {
      const policies = await broker.policies?.effectivePolicies(name);
      const autoCreate = policies
        ? policies.autoTopicCreation.allowAutoTopicCreation
        : broker.config.allowAutoTopicCreation;
      if (!autoCreate) throw topicNotFound(name.toString());
    }
    const header = req.headers[LISTENER_NAME_HEADER];
    const listenerName = req.query.listenerName || (typeof header === 'string' ? header : undefined);
    let urls: ListenerUrls;
    try {
      // The owner's URLs (a worker of a multi-core standalone answers for its peers too).
      urls = broker.lookupUrls(name, listenerName);
    } catch (err) {
      if (!(err instanceof BrokerError)) throw err;
      return reply.code(500).send({ reason: err.message });
    }
    // A listener without web addresses of its own is answered with the broker's.
    const httpUrl = urls.httpUrl || broker.webServiceUrl || `http://${ownerBroker(app, broker)}`;
    const httpUrlTls = urls.httpUrlTls || broker.webServiceUrlTls;
    return sendJson(reply, lookupData({ ...urls, httpUrl, httpUrlTls }));
  });
}

function lookupData(urls: ListenerUrls): LookupData {
  const { brokerServiceUrl, brokerServiceUrlTls, httpUrl, httpUrlTls } = urls;
  return {
    ...(brokerServiceUrl ? { brokerUrl: brokerServiceUrl } : {}),
    ...(brokerServiceUrlTls ? { brokerUrlTls: brokerServiceUrlTls } : {}),
    ...(httpUrl ? { httpUrl } : {}),
    ...(httpUrlTls ? { httpUrlTls } : {}),
    ...(brokerServiceUrl ? { nativeUrl: brokerServiceUrl } : {}),
    brokerUrlSsl: '',
  };
}
