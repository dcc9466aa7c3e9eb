/**
 * Checks one value against its schema field. Text sources (properties files, the environment, CLI
 * flags) carry strings that must be parsed; JSON files and programmatic overrides carry typed values
 * that must already have the right type. Either way the result is a valid value or a description of
 * what was expected.
 */
import type { Field } from './schema.js';

export type Checked = { ok: true; value: unknown } | { ok: false; expected: string };

const INTEGER = /^-?\d+$/;

export function describeField(field: Field): string {
  switch (field.kind) {
    case 'int':
      return `an integer from ${field.min} to ${field.max}`;
    case 'bool':
      return '"true" or "false"';
    case 'string':
      return 'a string';
    case 'enum':
      return `one of ${field.values.join(', ')}`;
  }
}

/** Parses the text form of a value, as written in a properties file, an env var or a flag. */
export function parseText(field: Field, raw: string): Checked {
  const text = raw.trim();
  switch (field.kind) {
    case 'int':
      return INTEGER.test(text) ? checkInt(field, Number(text)) : fail(field);
    case 'bool':
      if (text === 'true') return { ok: true, value: true };
      if (text === 'false') return { ok: true, value: false };
      return fail(field);
    case 'string':
      return { ok: true, value: text };
    case 'enum':
      return (field.values as readonly string[]).includes(text) ? { ok: true, value: text } : fail(field);
  }
}

/**
 * Checks an already-typed value (JSON, programmatic overrides). Strings are also accepted and parsed
 * as text, because CLI flags such as `--port 6651` and `--set key=value` arrive as strings.
 */
export function checkTyped(field: Field, value: unknown): Checked {
  if (typeof value === 'string') return parseText(field, value);
  switch (field.kind) {
    case 'int':
      return typeof value === 'number' ? checkInt(field, value) : fail(field);
    case 'bool':
      return typeof value === 'boolean' ? { ok: true, value } : fail(field);
    case 'string':
    case 'enum':
      return fail(field);
  }
}

/** Like checkTyped, but a JSON file must use JSON's own types: `"6650"` for a port is a mistake. */
export function checkJson(field: Field, value: unknown): Checked {
  if (typeof value === 'string' && (field.kind === 'int' || field.kind === 'bool')) return fail(field);
  return checkTyped(field, value);
}

function checkInt(field: Field & { kind: 'int' }, n: number): Checked {
  return Number.isSafeInteger(n) && n >= field.min && n <= field.max ? { ok: true, value: n } : fail(field);
}

function fail(field: Field): Checked {
  return { ok: false, expected: describeField(field) };
}
