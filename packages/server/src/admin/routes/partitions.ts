/**
 * Partitioned topics over REST (PersistentTopics / NonPersistentTopics, partition operations):
 *
 *   PUT    /admin/v2/{domain}/{tenant}/{ns}/{topic}/partitions   body N or {"partitions":N,"properties":{}}
 *   POST   /admin/v2/{domain}/{tenant}/{ns}/{topic}/partitions   body N (grow only)
 *   GET    /admin/v2/{domain}/{tenant}/{ns}/{topic}/partitions   → {"partitions":N}, 0 when not partitioned
 *   DELETE /admin/v2/{domain}/{tenant}/{ns}/{topic}/partitions?force=
 *   GET    /admin/v2/{domain}/{tenant}/{ns}/partitioned          → the partitioned topics' names
 *
 * The work is in broker/topic/partitioned-topics.ts; this file parses paths and bodies.
 */
import { TopicName, type TopicDomain } from '@magnetar/protocol';
import type { FastifyInstance } from 'fastify';
import type { BrokerService } from '../../broker/broker-service.js';
import { badRequest, notFound, preconditionFailed } from '../../resources/errors.js';
import { namespaceName } from '../../resources/names.js';
import { isTrue, noContent, sendJson, type Params } from './http.js';

type TopicRoute = Params<'tenant' | 'namespace' | 'topic'>;
type ForceRoute = TopicRoute & { Querystring: { force?: string } };

export function registerPartitionRoutes(app: FastifyInstance, broker: BrokerService): void {
  for (const domain of ['persistent', 'non-persistent'] as const) {
    const nsBase = `/admin/v2/${domain}/:tenant/:namespace`;
    const path = `${nsBase}/:topic/partitions`;
    const nameOf = (p: TopicRoute['Params']) => topicName(domain, p.tenant, p.namespace, p.topic);

    app.put<TopicRoute>(path, async (req, reply) => {
      const { partitions, properties } = parseMetadataBody(req.body);
      await broker.partitions.create(nameOf(req.params), partitions, properties);
      return noContent(reply);
    });

    app.post<TopicRoute>(path, async (req, reply) => {
      await broker.partitions.grow(nameOf(req.params), parseMetadataBody(req.body).partitions);
      return noContent(reply);
    });

    app.get<TopicRoute>(path, async (req, reply) => {
      const name = nameOf(req.params);
      const p = broker.policies;
      if (p && !(await p.namespaceExists(name.namespace))) throw notFound('Namespace does not exist');
      const metadata = name.isPartition ? null : await broker.partitionedTopics.get(name);
      if (metadata) return sendJson(reply, metadata);
      // As Pulsar without checkAllowAutoCreation: 0 for a topic that exists unpartitioned, else 404.
      if (!(await broker.topicExists(name))) throw notFound(`Topic ${name.toString()} not found`);
      return sendJson(reply, { partitions: 0 });
    });

    app.delete<ForceRoute>(path, async (req, reply) => {
      await broker.partitions.delete(nameOf(req.params), isTrue(req.query.force));
      return noContent(reply);
    });

    app.get<Params<'tenant' | 'namespace'>>(`${nsBase}/partitioned`, async (req, reply) => {
      const ns = namespaceName(req.params.tenant, req.params.namespace);
      return sendJson(reply, await broker.partitions.list(ns, domain));
    });
  }
}

function topicName(domain: TopicDomain, tenant: string, namespace: string, topic: string): TopicName {
  try {
    return TopicName.parse(`${domain}://${tenant}/${namespace}/${topic}`);
  } catch {
    throw preconditionFailed('Topic name is not valid');
  }
}

/** The partition count from a bare JSON integer or a PartitionedTopicMetadata object; 400 otherwise. */
function parseMetadataBody(body: unknown): { partitions: number; properties?: Record<string, string> } {
  if (typeof body === 'number' && Number.isInteger(body)) return { partitions: body };
  if (typeof body === 'string' && /^-?\d+$/.test(body.trim())) return { partitions: Number(body.trim()) };
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const o = body as { partitions?: unknown; properties?: unknown };
    if (typeof o.partitions === 'number' && Number.isInteger(o.partitions)) {
      return { partitions: o.partitions, properties: stringMap(o.properties) };
    }
  }
  throw badRequest('The number of partitions is required in the request body, as an integer');
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('properties must be an object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') throw badRequest(`property ${k} must be a string`);
    out[k] = v;
  }
  return out;
}
