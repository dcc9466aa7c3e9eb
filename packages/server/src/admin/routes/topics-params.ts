/**
 * What the topic and subscription routes share: the base paths, the topic a path names, integer
 * path parameters read as Jersey reads them, and the `ownerBroker` address stats report.
 */
import type { TopicName } from '@magnetar/protocol';
import type { FastifyInstance } from 'fastify';
import { restTopicName } from '../../broker/admin-ops/topic-ref.js';
import type { BrokerService } from '../../broker/broker-service.js';
import { badRequest } from '../../resources/errors.js';
import type { Params } from './http.js';

/** /admin/v2/persistent/{tenant}/{namespace} (PersistentTopics). */
export const NAMESPACE_BASE = '/admin/v2/persistent/:tenant/:namespace';
/** /admin/v2/persistent/{tenant}/{namespace}/{topic} */
export const TOPIC_BASE = `${NAMESPACE_BASE}/:topic`;

export type TopicParams = Params<'tenant' | 'namespace' | 'topic'>['Params'];

/** The persistent topic a path names; 412 "Topic name is not valid". */
export function topicOf(p: TopicParams): TopicName {
  return restTopicName('persistent', p.tenant, p.namespace, p.topic);
}

/** A path parameter that must be a whole number (a count, seconds, a timestamp); 400 otherwise. */
export function intParam(value: string, what: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) throw badRequest(`Invalid ${what}: ${value}`);
  return n;
}

/** "host:port" of this broker's HTTP listener, as Pulsar's ownerBroker names the owning broker. */
export function ownerBroker(app: FastifyInstance, broker: BrokerService): string {
  // A worker of a multi-core standalone names its own web listener, not the shared one.
  if (broker.ownership && broker.webServiceUrl) return new URL(broker.webServiceUrl).host;
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  let host = '127.0.0.1';
  try {
    host = new URL(broker.brokerServiceUrl).hostname || host;
  } catch {
    // Not bound yet: keep the loopback default.
  }
  return `${host}:${port}`;
}
