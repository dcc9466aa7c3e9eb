/**
 * Schema types as the admin API names them (Pulsar's SchemaType enum) and as the binary protocol
 * numbers them (Schema.Type). They agree except for BYTES, which Pulsar's REST API knows (value -1)
 * and the wire does not: a producer of raw bytes sends no schema, or type None.
 */
import { SchemaType } from '@magnetar/protocol';

/** The number kept in the registry for an uploaded BYTES schema (SchemaType.BYTES is -1 in Pulsar). */
export const BYTES_TYPE = -1;

const NAMES: ReadonlyMap<number, string> = new Map([
  [BYTES_TYPE, 'BYTES'],
  [SchemaType.None, 'NONE'],
  [SchemaType.String, 'STRING'],
  [SchemaType.Json, 'JSON'],
  [SchemaType.Protobuf, 'PROTOBUF'],
  [SchemaType.Avro, 'AVRO'],
  [SchemaType.Bool, 'BOOLEAN'],
  [SchemaType.Int8, 'INT8'],
  [SchemaType.Int16, 'INT16'],
  [SchemaType.Int32, 'INT32'],
  [SchemaType.Int64, 'INT64'],
  [SchemaType.Float, 'FLOAT'],
  [SchemaType.Double, 'DOUBLE'],
  [SchemaType.Date, 'DATE'],
  [SchemaType.Time, 'TIME'],
  [SchemaType.Timestamp, 'TIMESTAMP'],
  [SchemaType.KeyValue, 'KEY_VALUE'],
  [SchemaType.Instant, 'INSTANT'],
  [SchemaType.LocalDate, 'LOCAL_DATE'],
  [SchemaType.LocalTime, 'LOCAL_TIME'],
  [SchemaType.LocalDateTime, 'LOCAL_DATE_TIME'],
  [SchemaType.ProtobufNative, 'PROTOBUF_NATIVE'],
  [SchemaType.AutoConsume, 'AUTO_CONSUME'],
  [SchemaType.External, 'EXTERNAL'],
]);

const BY_NAME: ReadonlyMap<string, number> = new Map([...NAMES].map(([n, s]) => [s, n]));

export function schemaTypeName(type: number): string {
  return NAMES.get(type) ?? `UNKNOWN(${type})`;
}

/** The registry number of a REST type name (case-insensitive), or undefined for an unknown name. */
export function schemaTypeOf(name: string): number | undefined {
  return BY_NAME.get(name.toUpperCase());
}

/** The wire Schema.Type of a registry type (BYTES travels as None). */
export function wireSchemaType(type: number): number {
  return type === BYTES_TYPE ? SchemaType.None : type;
}

/**
 * Types whose schema data is an Avro schema definition, compared by Avro's resolution rules
 * (Pulsar's isUsingAvroSchemaParser): AVRO, JSON (Avro-style record definitions) and PROTOBUF.
 */
export function isAvroBased(type: number): boolean {
  return type === SchemaType.Avro || type === SchemaType.Json || type === SchemaType.Protobuf;
}
