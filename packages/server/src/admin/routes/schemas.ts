/**
 * /admin/v2/schemas/{tenant}/{namespace}/{topic}/... (SchemasResource): the topic's schema
 * versions, upload with the namespace's compatibility check (409 when refused), deletion, and a
 * compatibility test. Bodies and answers have the shapes of Pulsar's PostSchemaPayload,
 * GetSchemaResponse, GetAllVersionsSchemaResponse and IsCompatibilityResponse. A schema may be
 * uploaded before its topic exists, as in Pulsar.
 */
import type { Schema } from '@magnetar/protocol';
import type { FastifyInstance } from 'fastify';
import { restTopicName } from '../../broker/admin-ops/topic-ref.js';
import type { BrokerService } from '../../broker/broker-service.js';
import { parseAvroSchema } from '../../broker/schema/avro-resolution.js';
import { IncompatibleSchemaError } from '../../broker/schema/compatibility.js';
import type { SchemaVersionInfo } from '../../broker/schema/schema-registry.js';
import { isAvroBased, schemaTypeName, schemaTypeOf } from '../../broker/schema/schema-types.js';
import { badRequest, conflict, notFound } from '../../resources/errors.js';
import { isTrue, sendJson, type Params } from './http.js';

const BASE = '/admin/v2/schemas/:tenant/:namespace/:topic';

type SchemaParams = Params<'tenant' | 'namespace' | 'topic'>;
type VersionParams = Params<'tenant' | 'namespace' | 'topic' | 'version'>;

/** GetSchemaResponse */
function schemaJson(v: SchemaVersionInfo) {
  const properties: Record<string, string> = {};
  for (const p of v.schema.properties ?? []) properties[p.key] = p.value;
  return {
    version: v.version,
    type: schemaTypeName(v.schema.type),
    timestamp: v.timestamp,
    data: Buffer.from(v.schema.schema_data).toString('utf8'),
    properties,
  };
}

/** PostSchemaPayload {type, schema, properties}; 400 for a malformed one, 422 for a bad definition. */
function payloadSchema(body: unknown, topic: string): Schema {
  if (typeof body !== 'object' || body === null) throw badRequest('Schema payload is required');
  const b = body as { type?: unknown; schema?: unknown; properties?: unknown };
  const type = typeof b.type === 'string' ? schemaTypeOf(b.type) : undefined;
  if (type === undefined) throw badRequest(`Unknown schema type ${JSON.stringify(b.type)}`);
  const definition = typeof b.schema === 'string' ? b.schema : '';
  if (isAvroBased(type)) {
    try {
      parseAvroSchema(definition);
    } catch (err) {
      // Pulsar answers an invalid schema definition (InvalidSchemaDataException) with 422.
      throw Object.assign(new Error(`Invalid schema definition: ${(err as Error).message}`), {
        statusCode: 422,
      });
    }
  }
  const props = typeof b.properties === 'object' && b.properties !== null ? b.properties : {};
  return {
    name: topic,
    type,
    schema_data: Buffer.from(definition, 'utf8'),
    properties: Object.entries(props as Record<string, unknown>).map(([key, value]) => ({
      key,
      value: String(value),
    })),
  };
}

export function registerSchemaRoutes(app: FastifyInstance, broker: BrokerService): void {
  const topicOf = (p: SchemaParams['Params']) =>
    restTopicName('persistent', p.tenant, p.namespace, p.topic).toString();
  const registry = broker.schemas;

  app.get<SchemaParams>(`${BASE}/schema`, async (req, reply) => {
    const found = await registry.get(topicOf(req.params));
    if (!found) throw notFound('Schema not found');
    return sendJson(reply, schemaJson(found));
  });

  app.get<VersionParams>(`${BASE}/schema/:version`, async (req, reply) => {
    const version = Number(req.params.version);
    if (!/^\d+$/.test(req.params.version) || !Number.isSafeInteger(version)) {
      throw badRequest(`Invalid schema version ${req.params.version}`);
    }
    const found = await registry.get(topicOf(req.params), version);
    if (!found) throw notFound('Schema not found');
    return sendJson(reply, schemaJson(found));
  });

  app.get<SchemaParams>(`${BASE}/schemas`, async (req, reply) =>
    sendJson(reply, { getSchemaResponses: (await registry.getAll(topicOf(req.params))).map(schemaJson) }),
  );

  app.post<SchemaParams>(`${BASE}/schema`, async (req, reply) => {
    const topic = topicOf(req.params);
    try {
      return sendJson(reply, { version: await registry.addIfNew(topic, payloadSchema(req.body, topic)) });
    } catch (err) {
      if (err instanceof IncompatibleSchemaError) throw conflict(err.message);
      throw err;
    }
  });

  app.delete<SchemaParams & { Querystring: { force?: string } }>(`${BASE}/schema`, async (req, reply) => {
    const topic = topicOf(req.params);
    if (isTrue(req.query.force)) {
      const latest = (await registry.getAll(topic)).at(-1);
      await registry.delete(topic);
      return sendJson(reply, { version: latest?.version ?? -1 });
    }
    return sendJson(reply, { version: await registry.markDeleted(topic) });
  });

  app.post<SchemaParams>(`${BASE}/compatibility`, async (req, reply) => {
    const topic = topicOf(req.params);
    const r = await registry.isCompatible(topic, payloadSchema(req.body, topic));
    return sendJson(reply, { compatibility: r.compatible, schemaCompatibilityStrategy: r.strategy });
  });
}
