// Typed producers and consumers: JSON, Avro, string and bytes values round trip through the
// broker; the schema is registered with the topic; a schema the strategy refuses fails producer
// creation (and GET_OR_CREATE_SCHEMA) with IncompatibleSchema; null values read back as null.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, IncompatibleSchemaError, Schema } from '@magnetar/client';
import { CommandType, ServerError, SchemaType } from '@magnetar/protocol';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { api } from '../admin/http.js';

let broker: TestBroker;
let client: Client;

interface User {
  name: string;
  age: number;
}
const USER = {
  type: 'record',
  name: 'User',
  namespace: 'example',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'age', type: 'int' },
  ],
};
const USER_WITH_EMAIL = { ...USER, fields: [...USER.fields, { name: 'email', type: 'string' }] };
const USER_WITH_NICK = {
  ...USER,
  fields: [...USER.fields, { name: 'nick', type: ['null', 'string'], default: null }],
};

beforeAll(async () => {
  broker = await startTestBroker();
  client = new Client({ serviceUrl: broker.brokerServiceUrl, operationTimeoutSeconds: 10 });
});
afterAll(async () => {
  await client?.close();
  await broker?.destroy();
});

async function roundTrip<T>(topic: string, schema: Schema<T>, values: (T | null)[]): Promise<(T | null)[]> {
  const consumer = await client.subscribe({
    topic,
    subscription: 'typed',
    schema,
    subscriptionInitialPosition: 'Earliest',
  });
  const producer = await client.createProducer({ topic, schema });
  for (const value of values) await producer.send({ value });
  const out: (T | null)[] = [];
  for (let i = 0; i < values.length; i++) {
    const m = await consumer.receive(5_000);
    out.push(m.getValue());
    await consumer.acknowledge(m);
  }
  await producer.close();
  await consumer.close();
  return out;
}

describe('typed clients', () => {
  it('JSON values round trip and the definition is registered as a JSON schema', async () => {
    const values: User[] = [
      { name: 'ada', age: 36 },
      { name: 'bob', age: 7 },
    ];
    expect(await roundTrip('typed-json', Schema.json<User>(USER), values)).toEqual(values);
    const got = await api(broker.webServiceUrl).get('/schemas/public/default/typed-json/schema');
    expect(got.body).toMatchObject({ version: 0, type: 'JSON' });
    expect(JSON.parse((got.body as { data: string }).data)).toEqual(USER);
  });

  it('Avro values round trip as Avro binary', async () => {
    const values: User[] = [{ name: 'cy', age: 1 }];
    expect(await roundTrip('typed-avro', Schema.avro<User>(USER), values)).toEqual(values);
    // The payload is Avro binary: a string length (zig-zag) then the bytes, then the zig-zag int.
    const reader = await client.createReader({
      topic: 'typed-avro',
      startMessageId: (await import('@magnetar/client')).MessageId.earliest(),
    });
    const raw = (await reader.readNext(5_000)).getData();
    await reader.close();
    expect([...raw]).toEqual([4, 0x63, 0x79, 2]);
  });

  it('string values, bytes values and null values', async () => {
    expect(await roundTrip('typed-string', Schema.string(), ['héllo', null, ''])).toEqual([
      'héllo',
      null,
      '',
    ]);
    const bytes = await roundTrip('typed-bytes', Schema.bytes(), [Buffer.from([1, 2, 3])]);
    expect(Buffer.from(bytes[0]!)).toEqual(Buffer.from([1, 2, 3]));
    // Raw bytes register no schema.
    expect((await api(broker.webServiceUrl).get('/schemas/public/default/typed-bytes/schema')).status).toBe(
      404,
    );
  });

  it('an evolution the strategy allows gets a new version; a refused one fails with IncompatibleSchemaError', async () => {
    const topic = 'typed-evolve';
    const p1 = await client.createProducer({ topic, schema: Schema.avro<User>(USER) });
    const p2 = await client.createProducer({
      topic,
      schema: Schema.avro<User & { nick: string | null }>(USER_WITH_NICK),
    });
    await p2.close();
    const err = await client
      .createProducer({ topic, schema: Schema.avro<User & { email: string }>(USER_WITH_EMAIL) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncompatibleSchemaError);
    expect((err as IncompatibleSchemaError).serverError).toBe(ServerError.IncompatibleSchema);
    expect((err as IncompatibleSchemaError).retriable).toBe(false);
    // A different type is refused too; the earlier producer keeps working.
    await expect(client.createProducer({ topic, schema: Schema.string() })).rejects.toBeInstanceOf(
      IncompatibleSchemaError,
    );
    await p1.send({ value: { name: 'still', age: 1 } });
    await p1.close();
    const versions = await api(broker.webServiceUrl).get('/schemas/public/default/typed-evolve/schemas');
    expect((versions.body as { getSchemaResponses: unknown[] }).getSchemaResponses).toHaveLength(2);
    // A consumer whose schema cannot read the latest version is refused as well.
    await expect(
      client.subscribe({ topic, subscription: 's', schema: Schema.avro<unknown>(USER_WITH_EMAIL) }),
    ).rejects.toBeInstanceOf(IncompatibleSchemaError);
  });

  it('GET_OR_CREATE_SCHEMA answers IncompatibleSchema for a refused schema', async () => {
    const raw = await RawClient.connected(broker.port);
    try {
      const ask = (requestId: number, type: number, data: string) => {
        raw.send({
          type: CommandType.GET_OR_CREATE_SCHEMA,
          getOrCreateSchema: {
            request_id: requestId,
            topic: 'persistent://public/default/typed-goc',
            schema: { name: 'x', type, schema_data: Buffer.from(data) },
          },
        });
        return raw.response(requestId);
      };
      const ok = await ask(1, SchemaType.Json, JSON.stringify(USER));
      expect(ok.command.getOrCreateSchemaResponse?.error_code).toBeUndefined();
      const refused = await ask(2, SchemaType.Json, JSON.stringify(USER_WITH_EMAIL));
      expect(refused.command.getOrCreateSchemaResponse?.error_code).toBe(ServerError.IncompatibleSchema);
    } finally {
      raw.socket.destroy();
    }
  });
});
