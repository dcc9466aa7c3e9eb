// Policies live in the metadata store: a restart on the same data directory keeps every edit, and
// the first-start defaults (cluster, public, public/default) are not re-applied over them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startTestBroker } from '../helpers/broker.js';
import { api } from './http.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

it('keeps tenants, namespaces and edited policies across a restart', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'magnetar-admin-restart-'));
  dirs.push(dataDir);
  const first = await startTestBroker({}, dataDir);
  let a = api(first.webServiceUrl);
  await a.post('/namespaces/public/default/messageTTL', 42);
  await a.post('/namespaces/public/default/retention', {
    retentionTimeInMinutes: -1,
    retentionSizeInMB: 2048,
  });
  await a.post('/tenants/public', { adminRoles: ['admin'], allowedClusters: ['standalone'] });
  await a.put('/tenants/kept', { allowedClusters: ['standalone'] });
  await a.put('/namespaces/kept/ns', { deduplicationEnabled: true });
  const before = (await a.get('/namespaces/public/default')).body;
  await first.close();

  const second = await startTestBroker({}, dataDir);
  try {
    a = api(second.webServiceUrl);
    expect((await a.get('/namespaces/public/default')).body).toEqual(before);
    expect((await a.get('/namespaces/public/default/messageTTL')).body).toBe(42);
    expect((await a.get('/tenants/public')).body).toEqual({
      adminRoles: ['admin'],
      allowedClusters: ['standalone'],
    });
    expect((await a.get('/tenants')).body).toEqual(['kept', 'public']);
    expect((await a.get('/namespaces/kept/ns')).body).toMatchObject({ deduplicationEnabled: true });
    // The local cluster follows the listeners of this run (ports were chosen afresh).
    expect((await a.get('/clusters/standalone')).body).toEqual({
      serviceUrl: second.webServiceUrl,
      brokerServiceUrl: second.brokerServiceUrl,
    });
    expect((await second.policies.effectivePolicies('public/default/t'))?.messageTtlSeconds).toBe(42);
  } finally {
    await second.close();
  }
});

it('recreates a deleted default namespace on the next start, as Pulsar standalone does', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'magnetar-admin-restart-'));
  dirs.push(dataDir);
  const first = await startTestBroker({}, dataDir);
  expect((await api(first.webServiceUrl).delete('/namespaces/public/default')).status).toBe(204);
  await first.close();
  const second = await startTestBroker({}, dataDir);
  try {
    expect((await api(second.webServiceUrl).get('/namespaces/public')).body).toEqual(['public/default']);
  } finally {
    await second.close();
  }
});
