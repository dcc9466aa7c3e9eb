// Admin REST v2 for clusters and tenants over real HTTP against an in-process standalone broker.
// Status codes and reasons are Pulsar's (ClustersBase, TenantsBase).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { api, reason, type Api } from './http.js';

let broker: TestBroker;
let a: Api;

beforeAll(async () => {
  broker = await startTestBroker();
  a = api(broker.webServiceUrl);
});
afterAll(() => broker?.destroy());

describe('clusters', () => {
  it('lists and describes the local cluster created on first start', async () => {
    expect(await a.get('/clusters')).toMatchObject({ status: 200, body: ['standalone'] });
    const got = await a.get('/clusters/standalone');
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      serviceUrl: broker.webServiceUrl,
      brokerServiceUrl: broker.brokerServiceUrl,
    });
  });

  it('creates (200), refuses duplicates (409) and bad names (412), updates (200) and deletes (204)', async () => {
    const data = { serviceUrl: 'http://east.example:8080', brokerServiceUrl: 'pulsar://east.example:6650' };
    expect((await a.put('/clusters/east', data)).status).toBe(200);
    const again = await a.put('/clusters/east', data);
    expect([again.status, reason(again)]).toEqual([409, 'Cluster already exists']);
    const bad = await a.put('/clusters/bad%20name', data);
    expect([bad.status, reason(bad)]).toEqual([412, 'Cluster name is not valid']);
    const noBody = await a.put('/clusters/west');
    expect([noBody.status, reason(noBody)]).toEqual([400, 'cluster data is required']);
    const badUrl = await a.put('/clusters/west', { serviceUrl: 'ftp://x' });
    expect([badUrl.status, reason(badUrl)]).toEqual([
      400,
      'Illegal service url, example: http://pulsar.example.com:8080',
    ]);

    const moved = { ...data, serviceUrl: 'http://east2.example:8080' };
    expect((await a.post('/clusters/east', moved)).status).toBe(200);
    expect((await a.get('/clusters/east')).body).toEqual(moved);
    const missing = await a.post('/clusters/nowhere', data);
    expect([missing.status, reason(missing)]).toEqual([404, 'Cluster does not exist']);

    expect((await a.get('/clusters')).body).toEqual(['east', 'standalone']);
    expect((await a.delete('/clusters/east')).status).toBe(204);
    const gone = await a.get('/clusters/east');
    expect([gone.status, reason(gone)]).toEqual([404, 'Cluster does not exist']);
    expect((await a.delete('/clusters/east')).status).toBe(404);
  });

  it('refuses to delete a cluster a tenant may use (412 "Cluster not empty")', async () => {
    const res = await a.delete('/clusters/standalone');
    expect([res.status, reason(res)]).toEqual([412, 'Cluster not empty']);
    expect((await a.get('/clusters/standalone')).status).toBe(200);
  });
});

describe('tenants', () => {
  it('lists and describes tenant public, allowed on the local cluster', async () => {
    expect((await a.get('/tenants')).body).toContain('public');
    expect(await a.get('/tenants/public')).toMatchObject({
      status: 200,
      body: { adminRoles: [], allowedClusters: ['standalone'] },
    });
    const missing = await a.get('/tenants/nobody');
    expect([missing.status, reason(missing)]).toEqual([404, 'Tenant does not exist']);
  });

  it('creates with Pulsar field names, refuses duplicates, bad names and unknown clusters', async () => {
    const info = { adminRoles: ['ops'], allowedClusters: ['standalone'] };
    expect((await a.put('/tenants/acme', info)).status).toBe(204);
    expect((await a.get('/tenants/acme')).body).toEqual(info);
    const dup = await a.put('/tenants/acme', info);
    expect([dup.status, reason(dup)]).toEqual([409, 'Tenant already exist']);
    const badName = await a.put('/tenants/a%2Fb', info);
    expect([badName.status, reason(badName)]).toEqual([412, 'Tenant name is not valid']);
    const noClusters = await a.put('/tenants/t1', { adminRoles: [] });
    expect([noClusters.status, reason(noClusters)]).toEqual([412, 'Clusters can not be empty']);
    const unknown = await a.put('/tenants/t1', { allowedClusters: ['mars'] });
    expect([unknown.status, reason(unknown)]).toEqual([412, 'Clusters do not exist']);
    const wrongType = await a.put('/tenants/t1', { allowedClusters: 'standalone' });
    expect([wrongType.status, reason(wrongType)]).toEqual([400, 'allowedClusters must be a JSON array']);
    expect((await a.get('/tenants/t1')).status).toBe(404);
  });

  it('updates (204), 404 for a missing tenant, 412 when a used cluster would be removed', async () => {
    await a.put('/clusters/spare', { serviceUrl: 'http://spare:8080' });
    await a.put('/tenants/upd', { allowedClusters: ['standalone'] });
    expect(
      (await a.post('/tenants/upd', { adminRoles: ['x'], allowedClusters: ['standalone', 'spare'] })).status,
    ).toBe(204);
    expect((await a.get('/tenants/upd')).body).toEqual({
      adminRoles: ['x'],
      allowedClusters: ['standalone', 'spare'],
    });
    const missing = await a.post('/tenants/ghost', { allowedClusters: ['standalone'] });
    expect([missing.status, reason(missing)]).toEqual([404, 'Tenant ghost not found']);

    await a.put('/namespaces/upd/ns');
    const inUse = await a.post('/tenants/upd', { allowedClusters: ['spare'] });
    expect([inUse.status, reason(inUse)]).toEqual([412, 'Active namespaces']);
    expect((await a.get('/tenants/upd')).body).toEqual({
      adminRoles: ['x'],
      allowedClusters: ['standalone', 'spare'],
    });
  });

  it('deletes: 404 when missing, 409 with namespaces, force deletes them first', async () => {
    const missing = await a.delete('/tenants/ghost');
    expect([missing.status, reason(missing)]).toEqual([404, "Tenant doesn't exist"]);
    await a.put('/tenants/gone', { allowedClusters: ['standalone'] });
    await a.put('/namespaces/gone/a');
    await a.put('/namespaces/gone/b');
    const busy = await a.delete('/tenants/gone');
    expect([busy.status, reason(busy)]).toEqual([409, 'The tenant still has active namespaces']);
    expect((await a.delete('/tenants/gone?force=true')).status).toBe(204);
    expect((await a.get('/tenants/gone')).status).toBe(404);
    expect((await a.get('/tenants')).body).not.toContain('gone');
    // A tenant created again under the same name starts empty.
    await a.put('/tenants/gone', { allowedClusters: ['standalone'] });
    expect((await a.get('/namespaces/gone')).body).toEqual([]);
  });
});
