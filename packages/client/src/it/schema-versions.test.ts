import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Schema } from '../index.js';
import { startTestBed, uniqueTopic, type TestBed } from './helpers.js';

let bed: TestBed;

beforeAll(async () => {
  bed = await startTestBed();
});

afterAll(async () => {
  await bed?.destroy();
});

const v1 = { type: 'record', name: 'User', fields: [{ name: 'name', type: 'string' }] };
const v2 = {
  type: 'record',
  name: 'User',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'age', type: 'int', default: 7 },
  ],
};

interface User {
  name: string;
  age?: number;
}

const kinds = {
  AVRO: (def: object) => Schema.avro<User>(def),
  JSON: (def: object) => Schema.json<User>(def),
};

describe.each(['AVRO', 'JSON'] as const)('schema_version in messages (%s)', (kind) => {
  it('a v2 consumer reads v1 messages with the new field defaulted', async () => {
    const topic = uniqueTopic(`schema-${kind.toLowerCase()}`);
    const old = await bed.client.createProducer({ topic, schema: kinds[kind](v1) });
    await old.send({ value: { name: 'ada' } });
    await old.close();
    const evolved = await bed.client.createProducer({ topic, schema: kinds[kind](v2) });
    await evolved.send({ value: { name: 'bob', age: 30 } });
    await evolved.close();

    const consumer = await bed.client.subscribe({
      topic,
      subscription: 's',
      subscriptionInitialPosition: 'Earliest',
      schema: kinds[kind](v2),
    });
    const a = await consumer.receive(5000);
    const b = await consumer.receive(5000);
    expect(a.getValue()).toEqual({ name: 'ada', age: 7 });
    expect(b.getValue()).toEqual({ name: 'bob', age: 30 });
    const va = a.getSchemaVersion();
    const vb = b.getSchemaVersion();
    expect(va).toBeInstanceOf(Buffer);
    expect(vb).toBeInstanceOf(Buffer);
    expect(va!.equals(vb!)).toBe(false);
    await consumer.close();
  });
});
