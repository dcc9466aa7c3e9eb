/**
 * GET /lookup/v2/topic/{domain}/{tenant}/{namespace}/{topic} (TopicLookup): the broker that serves
 * the topic, as Pulsar's LookupData. A standalone broker serves every topic, so it names itself;
 * a topic that does not exist and may not be auto-created is a 404, as in Pulsar.
 */
import type { FastifyInstance } from 'fastify';
import { requireNamespace } from '../../broker/admin-ops/topic-ops.js';
import { restTopicName, topicNotFound } from '../../broker/admin-ops/topic-ref.js';
import type { BrokerService } from '../../broker/broker-service.js';
import { notFound } from '../../resources/errors.js';
import { sendJson, type Params } from './http.js';
import { ownerBroker } from './topics-params.js';

/** Pulsar's LookupData with TLS off: the TLS URLs are left out, brokerUrlSsl is empty. */
export interface LookupData {
  brokerUrl: string;
  httpUrl: string;
  nativeUrl: string;
  brokerUrlSsl: string;
}

type LookupParams = Params<'domain' | 'tenant' | 'namespace' | 'topic'>;

export function registerLookupRoutes(app: FastifyInstance, broker: BrokerService): void {
  app.get<LookupParams>('/lookup/v2/topic/:domain/:tenant/:namespace/:topic', async (req, reply) => {
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
    const answer: LookupData = {
      brokerUrl: broker.brokerServiceUrl,
      httpUrl: `http://${ownerBroker(app, broker)}`,
      nativeUrl: broker.brokerServiceUrl,
      brokerUrlSsl: '',
    };
    return sendJson(reply, answer);
  });
}
