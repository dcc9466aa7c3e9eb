/**
 * Typed payloads (Pulsar's Schema): how a producer turns values into message bytes and a consumer
 * turns them back, and the schema definition registered with the broker. JSON and AVRO carry an
 * Avro record definition (what Pulsar's JSONSchema and AvroSchema register), so the broker can
 * check compatibility between versions; AVRO values are Avro binary (no header, as Pulsar writes
 * them), JSON values are UTF-8 JSON text.
 */
import avro from 'avsc';
import { InvalidConfigurationError } from '../errors.js';

/** Schema.Type wire values (PulsarApi.proto). */
export const SCHEMA_TYPE = { NONE: 0, STRING: 1, JSON: 2, AVRO: 4 } as const;

/** What is registered with the broker (CommandProducer.schema, CommandSubscribe.schema). */
export interface SchemaInfo {
  readonly name: string;
  readonly type: number;
  readonly definition: Buffer;
  readonly properties: Readonly<Record<string, string>>;
}

export interface Schema<T> {
  /** Undefined for raw bytes: no schema is sent, as the official clients do for Schema.BYTES. */
  readonly info: SchemaInfo | undefined;
  encode(value: T): Buffer;
  decode(data: Buffer): T;
  /**
   * A decoder for values written with another version of this schema (`writer`, as the registry
   * returned it), resolving them into this schema's shape: fields the writer lacked get their
   * defaults, fields this schema lacks are dropped. Only schemas with an Avro definition have it.
   */
  readerFor?(writer: SchemaInfo): (data: Buffer) => T;
}

/** An Avro record definition (`{type: 'record', name, fields: [...]}`), as an object or JSON text. */
export type AvroDefinition = object | string;

function definitionOf(def: AvroDefinition): { text: string; type: avro.Type } {
  const text = typeof def === 'string' ? def : JSON.stringify(def);
  try {
    return { text, type: avro.Type.forSchema(JSON.parse(text) as avro.Schema, { wrapUnions: false }) };
  } catch (err) {
    throw new InvalidConfigurationError(`invalid Avro schema definition: ${(err as Error).message}`);
  }
}

function info(type: number, definition: string, properties: Record<string, string> = {}): SchemaInfo {
  return { name: '', type, definition: Buffer.from(definition, 'utf8'), properties };
}

export const Schema = {
  /** Raw bytes, sent as they are, with no schema registered. */
  bytes(): Schema<Buffer> {
    return { info: undefined, encode: (v) => v, decode: (d) => d };
  },

  /** UTF-8 strings (STRING schema). */
  string(): Schema<string> {
    return {
      info: info(SCHEMA_TYPE.STRING, ''),
      encode: (v) => Buffer.from(v, 'utf8'),
      decode: (d) => d.toString('utf8'),
    };
  },

  /**
   * JSON values described by an Avro record definition (JSON schema). Values are not checked
   * against the definition when encoded, as Pulsar's JSONSchema does not check them either.
   */
  json<T>(definition: AvroDefinition): Schema<T> {
    const { text, type } = definitionOf(definition);
    return {
      // The properties Pulsar's JSONSchema registers with its definition.
      info: info(SCHEMA_TYPE.JSON, text, { __alwaysAllowNull: 'true', __jsr310ConversionEnabled: 'false' }),
      encode: (v) => Buffer.from(JSON.stringify(v), 'utf8'),
      decode: (d) => JSON.parse(d.toString('utf8')) as T,
      // JSON text has no Avro binary form to resolve, so the value goes through the writer's Avro
      // type and back; a value the writer's definition does not describe is returned as it is.
      readerFor: (writer) => {
        const from = resolverFrom(type, writer);
        return (d) => {
          const value: unknown = JSON.parse(d.toString('utf8'));
          try {
            return JSON.parse(JSON.stringify(from(from.writer.toBuffer(value)))) as T;
          } catch {
            return value as T;
          }
        };
      },
    };
  },

  /** Avro binary values of an Avro definition (AVRO schema); invalid values fail `send`. */
  avro<T>(definition: AvroDefinition): Schema<T> {
    const { text, type } = definitionOf(definition);
    return {
      info: info(SCHEMA_TYPE.AVRO, text, { __alwaysAllowNull: 'true', __jsr310ConversionEnabled: 'false' }),
      encode: (v) => type.toBuffer(v),
      decode: (d) => type.fromBuffer(d) as T,
      readerFor: (writer) => {
        const from = resolverFrom(type, writer);
        return (d) => from(d) as T;
      },
    };
  },
};

/** Decodes Avro binary written with `writer`'s definition into values of `reader`. */
function resolverFrom(
  reader: avro.Type,
  writer: SchemaInfo,
): ((data: Buffer) => unknown) & { writer: avro.Type } {
  const writerType = definitionOf(writer.definition.toString('utf8')).type;
  const resolver = reader.createResolver(writerType);
  return Object.assign((d: Buffer) => reader.fromBuffer(d, resolver), { writer: writerType });
}

/** The wire form of a schema (the Schema message of PulsarApi.proto). */
export function wireSchema(s: SchemaInfo): Record<string, unknown> {
  return {
    name: s.name,
    schema_data: s.definition,
    type: s.type,
    properties: Object.entries(s.properties).map(([key, value]) => ({ key, value })),
  };
}
