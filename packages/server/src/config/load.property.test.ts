// Property test: any value the schema accepts survives a trip through every kind of source.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './load.js';
import { envNameFor } from './names.js';
import { configSchema, type Field } from './schema.js';

const dir = mkdtempSync(join(tmpdir(), 'magnetar-config-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Valid values for a field. Text sources trim values and read an empty one as "unset", so strings
 * are generated without surrounding whitespace or line breaks and never empty.
 */
function validValue(field: Field): fc.Arbitrary<unknown> {
  switch (field.kind) {
    case 'int':
      return fc.integer({ min: field.min, max: field.max });
    case 'bool':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...field.values);
    case 'string':
      return fc
        .string({ minLength: 1, maxLength: 30, unit: 'grapheme' })
        .map((s) => s.replace(/[\r\n]/g, '').trim())
        .filter((s) => s !== '');
  }
}

const entries = Object.entries(configSchema) as [string, Field][];
const settings = fc.record(Object.fromEntries(entries.map(([k, f]) => [k, validValue(f)])), {
  requiredKeys: [],
});

let n = 0;
function write(ext: string, text: string): string {
  const path = join(dir, `${n++}.${ext}`);
  writeFileSync(path, text);
  return path;
}

describe('config round trip', () => {
  it('through a properties file', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const text = Object.entries(s)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join('\n');
        expect(loadConfig({ file: write('conf', text) })).toMatchObject(s);
      }),
      { numRuns: 60 },
    );
  });

  it('through a JSON file', () => {
    fc.assert(
      fc.property(settings, (s) => {
        expect(loadConfig({ file: write('json', JSON.stringify(s)) })).toMatchObject(s);
      }),
      { numRuns: 60 },
    );
  });

  it('through the environment', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const env = Object.fromEntries(Object.entries(s).map(([k, v]) => [envNameFor(k), String(v)]));
        expect(loadConfig({ env })).toMatchObject(s);
      }),
      { numRuns: 100 },
    );
  });

  it('through overrides, typed and as strings', () => {
    fc.assert(
      fc.property(settings, (s) => {
        expect(loadConfig({ overrides: s })).toMatchObject(s);
        const asText = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, String(v)]));
        expect(loadConfig({ overrides: asText })).toMatchObject(s);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects any integer outside a field range', () => {
    const ints = entries.filter((e): e is [string, Field & { kind: 'int' }] => e[1].kind === 'int');
    fc.assert(
      fc.property(
        fc.constantFrom(...ints),
        fc.boolean(),
        fc.integer({ min: 1, max: 1e9 }),
        ([key, field], above, delta) => {
          const value = above ? field.max + delta : field.min - delta;
          expect(() => loadConfig({ env: { [envNameFor(key)]: String(value) } })).toThrow(
            /expected an integer/,
          );
        },
      ),
    );
  });
});
