/** avsc is loaded by the first Avro schema parsed, not by importing the broker (start-up and idle RSS). */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseAvroSchema, readIncompatibility } from './avro-resolution.js';

const avscLoaded = () =>
  Object.keys(createRequire(import.meta.url).cache).some((f) => /[\\/]avsc[\\/]/.test(f));

describe('avro-resolution', () => {
  it('loads avsc only when a schema is parsed', () => {
    expect(avscLoaded()).toBe(false);
    const reader = parseAvroSchema(
      JSON.stringify({ type: 'record', name: 'U', fields: [{ name: 'age', type: 'long' }] }),
    );
    expect(avscLoaded()).toBe(true);
    const writer = parseAvroSchema(
      JSON.stringify({ type: 'record', name: 'U', fields: [{ name: 'age', type: 'int' }] }),
    );
    expect(readIncompatibility(reader, writer)).toBeUndefined();
    expect(readIncompatibility(writer, reader)).toMatch(/reader type int cannot read writer type long/);
  });

  it("reports an invalid definition with avsc's reason", () => {
    expect(() => parseAvroSchema(JSON.stringify({ type: 'record', name: 'X' }))).toThrow();
  });
});
