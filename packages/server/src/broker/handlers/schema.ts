// CommandGetSchema → CommandGetSchemaResponse; CommandGetOrCreateSchema → CommandGetOrCreateSchemaResponse
// (refusals, AuthorizationError included, in their error_code / error_message).
import { CommandType, ServerError, TopicName } from '@magnetar/protocol';
import { toServerError } from '../errors.js';
import { decodeSchemaVersion, encodeSchemaVersion } from '../schema/schema-registry.js';
import { wireSchemaType } from '../schema/schema-types.js';
import { authorizeTopic } from './authorize.js';
import type { Handler } from './types.js';

export const handleGetSchema: Handler = async (conn, cmd) => {
  const r = cmd.getSchema!;
  try {
    const name = TopicName.parse(r.topic);
    await authorizeTopic(conn, name, 'lookup');
    const topic = name.toString();
    const found = await conn.broker.schemas.get(topic, decodeSchemaVersion(r.schema_version));
    conn.send({
      type: CommandType.GET_SCHEMA_RESPONSE,
      getSchemaResponse: found
        ? {
            request_id: r.request_id,
            schema: { ...found.schema, type: wireSchemaType(found.schema.type) },
            schema_version: encodeSchemaVersion(found.version),
          }
        : {
            request_id: r.request_id,
            error_code: ServerError.TopicNotFound,
            error_message: `No schema for ${topic}`,
          },
    });
  } catch (err) {
    const e = toServerError(err);
    conn.send({
      type: CommandType.GET_SCHEMA_RESPONSE,
      getSchemaResponse: { request_id: r.request_id, error_code: e.code, error_message: e.message },
    });
  }
};

export const handleGetOrCreateSchema: Handler = async (conn, cmd) => {
  const r = cmd.getOrCreateSchema!;
  try {
    const name = TopicName.parse(r.topic);
    // Registering a schema is part of producing (Magnetar checks it; Pulsar's broker does not).
    await authorizeTopic(conn, name, 'produce');
    const topic = name.toString();
    const version = await conn.broker.schemas.addIfNew(topic, r.schema);
    conn.send({
      type: CommandType.GET_OR_CREATE_SCHEMA_RESPONSE,
      getOrCreateSchemaResponse: { request_id: r.request_id, schema_version: encodeSchemaVersion(version) },
    });
  } catch (err) {
    const e = toServerError(err);
    conn.send({
      type: CommandType.GET_OR_CREATE_SCHEMA_RESPONSE,
      getOrCreateSchemaResponse: { request_id: r.request_id, error_code: e.code, error_message: e.message },
    });
  }
};
