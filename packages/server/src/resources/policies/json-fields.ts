/**
 * Readers for request bodies and stored JSON. Each takes the value and a dotted location used in
 * the error ("retention_policies.retentionTimeInMinutes must be an integer"). A value of the wrong
 * JSON type, an unknown enum value or a number outside the Java type's range is a 400, as Jackson
 * refuses such bodies before Pulsar's own checks run; range rules are the callers' (412).
 */
import { badRequest } from '../errors.js';

export type JsonObject = Record<string, unknown>;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export function asObject(value: unknown, where: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`${where} must be a JSON object`);
  }
  return value as JsonObject;
}

/** A Java `int`. */
export function asInt(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
    throw badRequest(`${where} must be an integer from ${INT32_MIN} to ${INT32_MAX}`);
  }
  return value;
}

/**
 * A Java `long`, limited to the integers JSON numbers carry exactly in JavaScript (±2^53), which
 * covers every byte count and millisecond value that makes sense.
 */
export function asLong(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw badRequest(
      `${where} must be an integer from ${Number.MIN_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}`,
    );
  }
  return value;
}

export function asBool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw badRequest(`${where} must be true or false`);
  return value;
}

export function asString(value: unknown, where: string): string {
  if (typeof value !== 'string') throw badRequest(`${where} must be a string`);
  return value;
}

export function asEnum<T extends string>(value: unknown, values: readonly T[], where: string): T {
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
    throw badRequest(`${where} must be one of ${values.join(', ')}`);
  }
  return value as T;
}

export function asArray<T>(value: unknown, where: string, each: (v: unknown, where: string) => T): T[] {
  if (!Array.isArray(value)) throw badRequest(`${where} must be a JSON array`);
  return value.map((v, i) => each(v, `${where}[${i}]`));
}

export function asStringArray(value: unknown, where: string): string[] {
  return asArray(value, where, asString);
}

/** A JSON object used as a map; keys are kept as given. */
export function asMap<T>(
  value: unknown,
  where: string,
  each: (v: unknown, where: string) => T,
): Record<string, T> {
  const obj = asObject(value, where);
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = each(v, `${where}.${k}`);
  return out;
}

/** Reads `obj[key]` with `read`; absent or null gives `fallback`, as Jackson leaves a field at its default. */
export function field<T>(
  obj: JsonObject,
  key: string,
  where: string,
  read: (v: unknown, where: string) => T,
  fallback: T,
): T {
  const v = obj[key];
  return v === undefined || v === null ? fallback : read(v, where ? `${where}.${key}` : key);
}

/** As `field`, but absent or null stays undefined (a policy that is not set). */
export function optionalField<T>(
  obj: JsonObject,
  key: string,
  where: string,
  read: (v: unknown, where: string) => T,
): T | undefined {
  const v = obj[key];
  return v === undefined || v === null ? undefined : read(v, where ? `${where}.${key}` : key);
}

/** As `field`, but absent or null is a 400. */
export function requiredField<T>(
  obj: JsonObject,
  key: string,
  where: string,
  read: (v: unknown, where: string) => T,
): T {
  const v = obj[key];
  const at = where ? `${where}.${key}` : key;
  if (v === undefined || v === null) throw badRequest(`${at} is required`);
  return read(v, at);
}
