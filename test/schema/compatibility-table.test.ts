// Which schema changes each compatibility strategy accepts, as Pulsar documents them ("Schema
// compatibility check strategy"): BACKWARD lets new readers read old data (delete fields, add
// fields with defaults), FORWARD lets old readers read new data (add fields, delete fields with
// defaults), FULL both; the _TRANSITIVE forms against every earlier version.
import { describe, expect, it } from 'vitest';
import { SchemaType } from '@magnetar/protocol';
import {
  checkConsumerSchema,
  checkProducerSchema,
  type CompatibilityStrategy,
  type SchemaDefinition,
} from '../../packages/server/src/broker/schema/compatibility.js';

type Field = { name: string; type: unknown; default?: unknown };
const record = (fields: Field[], type: number = SchemaType.Avro): SchemaDefinition => ({
  type,
  data: Buffer.from(JSON.stringify({ type: 'record', name: 'User', namespace: 'example', fields })),
});

const name: Field = { name: 'name', type: 'string' };
const age: Field = { name: 'age', type: 'int' };
const v1 = record([name, age]);

const CHANGES: Record<string, SchemaDefinition> = {
  'add a field with a default': record([name, age, { name: 'email', type: 'string', default: '' }]),
  'add a field without a default': record([name, age, { name: 'email', type: 'string' }]),
  'remove a field': record([name]),
  'promote int to long': record([name, { name: 'age', type: 'long' }]),
  'change string to int': record([{ name: 'name', type: 'int' }, age]),
  'rename a field': record([name, { name: 'years', type: 'int' }]),
};

const Y = true;
const N = false;
// Columns: ALWAYS_COMPATIBLE, ALWAYS_INCOMPATIBLE, BACKWARD, FORWARD, FULL (and the same for the
// _TRANSITIVE forms with a single earlier version).
const EXPECTED: Record<string, [boolean, boolean, boolean, boolean, boolean]> = {
  'add a field with a default': [Y, N, Y, Y, Y],
  'add a field without a default': [Y, N, N, Y, N],
  'remove a field': [Y, N, Y, N, N],
  'promote int to long': [Y, N, Y, N, N],
  'change string to int': [Y, N, N, N, N],
  'rename a field': [Y, N, N, N, N],
};

const STRATEGIES = ['ALWAYS_COMPATIBLE', 'ALWAYS_INCOMPATIBLE', 'BACKWARD', 'FORWARD', 'FULL'] as const;

function accepts(history: SchemaDefinition[], next: SchemaDefinition, s: CompatibilityStrategy): boolean {
  try {
    checkProducerSchema(history, next, s);
    return true;
  } catch (err) {
    expect((err as { serverError: number }).serverError).toBe(18); // ServerError.IncompatibleSchema
    return false;
  }
}

describe('producer schema changes per strategy', () => {
  for (const [change, next] of Object.entries(CHANGES)) {
    STRATEGIES.forEach((strategy, i) => {
      const want = EXPECTED[change][i];
      it(`${strategy}: ${change} → ${want ? 'accepted' : 'refused'}`, () => {
        expect(accepts([v1], next, strategy)).toBe(want);
        if (strategy === 'BACKWARD' || strategy === 'FORWARD' || strategy === 'FULL') {
          expect(accepts([v1], next, `${strategy}_TRANSITIVE`)).toBe(want);
        }
        // The same rules apply to JSON schemas (Avro-style record definitions).
        const asJson = { type: SchemaType.Json, data: next.data };
        expect(accepts([{ type: SchemaType.Json, data: v1.data }], asJson, strategy)).toBe(want);
      });
    });
  }

  it('an identical schema is always accepted, even under ALWAYS_INCOMPATIBLE', () => {
    expect(accepts([v1], v1, 'ALWAYS_INCOMPATIBLE')).toBe(true);
  });

  it('transitive strategies check every version, the others only the latest', () => {
    // v1 {name}, v2 adds age with a default, v3 makes age required.
    const h = [record([name]), record([name, { ...age, default: 0 }])];
    const v3 = record([name, age]);
    expect(accepts(h, v3, 'BACKWARD')).toBe(true);
    expect(accepts(h, v3, 'BACKWARD_TRANSITIVE')).toBe(false);
    // v1 {name, age}, v2 gives age a default, v3 removes it.
    const f = [record([name, age]), record([name, { ...age, default: 0 }])];
    const removed = record([name]);
    expect(accepts(f, removed, 'FORWARD')).toBe(true);
    expect(accepts(f, removed, 'FORWARD_TRANSITIVE')).toBe(false);
    expect(accepts(f, removed, 'FULL')).toBe(true);
    expect(accepts(f, removed, 'FULL_TRANSITIVE')).toBe(false);
  });

  it('removing a field that has a default is FORWARD compatible', () => {
    expect(accepts([record([name, { ...age, default: 1 }])], record([name]), 'FORWARD')).toBe(true);
  });

  it('follows Avro resolution through unions, arrays, maps, enums and nested records', () => {
    const opt = (t: unknown) => ['null', t];
    const base = record([name, { name: 'tags', type: { type: 'array', items: 'int' } }]);
    expect(
      accepts([base], record([name, { name: 'tags', type: { type: 'array', items: 'long' } }]), 'BACKWARD'),
    ).toBe(true);
    expect(
      accepts([base], record([name, { name: 'tags', type: { type: 'array', items: 'string' } }]), 'BACKWARD'),
    ).toBe(false);
    const withOpt = record([{ name: 'name', type: opt('string'), default: null }]);
    expect(accepts([record([name])], withOpt, 'BACKWARD')).toBe(true); // reader union has a string branch
    expect(accepts([record([name])], withOpt, 'FORWARD')).toBe(false); // writer may write null
    const color = (symbols: string[]) =>
      record([{ name: 'c', type: { type: 'enum', name: 'Color', symbols } }]);
    expect(accepts([color(['RED'])], color(['RED', 'BLUE']), 'BACKWARD')).toBe(true);
    expect(accepts([color(['RED', 'BLUE'])], color(['RED']), 'BACKWARD')).toBe(false);
    const m = (v: string) => record([{ name: 'm', type: { type: 'map', values: v } }]);
    expect(accepts([m('float')], m('double'), 'BACKWARD')).toBe(true);
    expect(accepts([m('double')], m('float'), 'BACKWARD')).toBe(false);
  });

  it('non-Avro types: same type compatible, another type refused unless ALWAYS_COMPATIBLE', () => {
    const str = { type: SchemaType.String, data: Buffer.alloc(0) };
    const i32 = { type: SchemaType.Int32, data: Buffer.alloc(0) };
    for (const s of ['BACKWARD', 'FORWARD', 'FULL', 'FULL_TRANSITIVE'] as const) {
      expect(accepts([str], str, s)).toBe(true);
      expect(accepts([str], i32, s)).toBe(false);
      expect(accepts([str], record([name]), s)).toBe(false);
    }
    expect(accepts([str], i32, 'ALWAYS_COMPATIBLE')).toBe(true);
  });

  it('a definition that is not valid Avro is refused', () => {
    expect(accepts([v1], { type: SchemaType.Avro, data: Buffer.from('{"type":"record"}') }, 'FULL')).toBe(
      false,
    );
  });
});

describe('consumer schemas', () => {
  it('a consumer must be able to read the latest schema (BACKWARD) under FULL', () => {
    const withEmail = record([name, age, { name: 'email', type: 'string' }]);
    expect(() => checkConsumerSchema([v1], record([name]), 'FULL')).not.toThrow();
    expect(() => checkConsumerSchema([v1], withEmail, 'FULL')).toThrow(/email/);
    expect(() => checkConsumerSchema([v1], withEmail, 'ALWAYS_COMPATIBLE')).not.toThrow();
  });
});
