// The schema admin REST API (SchemasResource): upload with the namespace's compatibility check,
// latest / by version / all versions, the compatibility test, deletion and re-registration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { api, reason, type Api } from '../admin/http.js';

let broker: TestBroker;
let a: Api;

const user = (extra: object[] = []) =>
  JSON.stringify({
    type: 'record',
    name: 'User',
    fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }, ...extra],
  });

beforeAll(async () => {
  broker = await startTestBroker();
  a = api(broker.webServiceUrl);
  expect((await a.put('/namespaces/public/schemas')).status).toBe(204);
});
afterAll(() => broker?.destroy());

describe('schema REST', () => {
  const base = '/schemas/public/schemas/users';

  it('uploads, reads and lists versions', async () => {
    expect((await a.get(`${base}/schema`)).status).toBe(404);
    expect(reason(await a.get(`${base}/schema`))).toBe('Schema not found');
    const up = await a.post(`${base}/schema`, { type: 'AVRO', schema: user(), properties: { team: 'x' } });
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ version: 0 });
    // Uploading the same definition again (whitespace aside) answers the same version.
    const again = await a.post(`${base}/schema`, {
      type: 'AVRO',
      schema: JSON.stringify(JSON.parse(user()), null, 2),
    });
    expect(again.body).toEqual({ version: 0 });
    const v1 = await a.post(`${base}/schema`, {
      type: 'AVRO',
      schema: user([{ name: 'email', type: 'string', default: '' }]),
    });
    expect(v1.body).toEqual({ version: 1 });
    const latest = await a.get(`${base}/schema`);
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({ version: 1, type: 'AVRO', properties: {} });
    expect(JSON.parse((latest.body as { data: string }).data).fields).toHaveLength(3);
    expect(typeof (latest.body as { timestamp: number }).timestamp).toBe('number');
    expect((await a.get(`${base}/schema/0`)).body).toMatchObject({ version: 0, properties: { team: 'x' } });
    expect((await a.get(`${base}/schema/7`)).status).toBe(404);
    const all = (await a.get(`${base}/schemas`)).body as { getSchemaResponses: { version: number }[] };
    expect(all.getSchemaResponses.map((s) => s.version)).toEqual([0, 1]);
  });

  it('refuses an incompatible schema with 409 and tests compatibility without registering', async () => {
    const breaking = { type: 'AVRO', schema: user([{ name: 'required', type: 'string' }]) };
    const test = await a.post(`${base}/compatibility`, breaking);
    expect(test.status).toBe(200);
    expect(test.body).toEqual({ compatibility: false, schemaCompatibilityStrategy: 'FULL' });
    const refused = await a.post(`${base}/schema`, breaking);
    expect(refused.status).toBe(409);
    expect(reason(refused)).toMatch(/Incompatible schema/);
    // Under the namespace's own strategy the same change may pass.
    expect((await a.put('/namespaces/public/schemas/schemaCompatibilityStrategy', 'FORWARD')).status).toBe(
      204,
    );
    expect((await a.post(`${base}/compatibility`, breaking)).body).toEqual({
      compatibility: true,
      schemaCompatibilityStrategy: 'FORWARD',
    });
    expect((await a.put('/namespaces/public/schemas/schemaCompatibilityStrategy', 'UNDEFINED')).status).toBe(
      204,
    );
    expect(
      ((await a.get(`${base}/schemas`)).body as { getSchemaResponses: unknown[] }).getSchemaResponses,
    ).toHaveLength(2);
  });

  it('refuses malformed payloads and invalid definitions', async () => {
    expect((await a.post(`${base}/schema`, { type: 'NOPE', schema: '' })).status).toBe(400);
    expect((await a.post(`${base}/schema`, { type: 'AVRO', schema: '{"type":"record"}' })).status).toBe(422);
  });

  it('deletes: the latest is gone, earlier versions no longer constrain the next one', async () => {
    const del = await a.delete(`${base}/schema`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ version: 2 });
    expect((await a.get(`${base}/schema`)).status).toBe(404);
    expect(
      ((await a.get(`${base}/schemas`)).body as { getSchemaResponses: unknown[] }).getSchemaResponses,
    ).toEqual([]);
    // A schema of another type is a fresh start after the deletion.
    const str = await a.post(`${base}/schema`, { type: 'STRING', schema: '' });
    expect(str.body).toEqual({ version: 3 });
    expect((await a.get(`${base}/schema`)).body).toMatchObject({ version: 3, type: 'STRING', data: '' });
    expect((await a.post(`${base}/schema`, { type: 'JSON', schema: user() })).status).toBe(409);
    const forced = await a.delete(`${base}/schema?force=true`);
    expect(forced.status).toBe(200);
    expect((await a.get(`${base}/schema/3`)).status).toBe(404);
  });
});
