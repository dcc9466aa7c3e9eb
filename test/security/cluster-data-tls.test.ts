// The standalone's own cluster entry (Pulsar's ClusterData) names its TLS listeners:
// serviceUrlTls and brokerServiceUrlTls while TLS is on, neither once a restart turns it off.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '@magnetar/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { mintCertificates, type MintedCertificates } from '../helpers/certs.js';

const CLUSTER = defaultConfig().clusterName;
const path = `/admin/v2/clusters/${CLUSTER}`;

let root: string;
let certs: MintedCertificates;
const running: TestBroker[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'magnetar-cluster-tls-'));
  certs = await mintCertificates(join(root, 'ca'));
});
afterAll(async () => {
  for (const b of running) await b.close().catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

async function start(dataDir: string, tls: boolean): Promise<TestBroker> {
  const b = await startTestBroker(
    tls ? { tlsCertificateFilePath: certs.server.certFile, tlsKeyFilePath: certs.server.keyFile } : {},
    dataDir,
  );
  running.push(b);
  return b;
}

async function clusterData(b: TestBroker): Promise<Record<string, unknown>> {
  const res = await fetch(`${b.webServiceUrl}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** The same GET over the HTTPS listener, verified with the test CA. */
async function clusterDataOverHttps(b: TestBroker): Promise<Record<string, unknown>> {
  const ca = await readFile(certs.caFile);
  const body = await new Promise<string>((resolve, reject) => {
    const req = httpsRequest(`${b.webServiceUrlTls}${path}`, { ca }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(text) : reject(new Error(`HTTP ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
  return JSON.parse(body) as Record<string, unknown>;
}

describe('GET /admin/v2/clusters/{cluster} of a standalone', () => {
  it('shows serviceUrlTls and brokerServiceUrlTls while TLS is on, and drops them when it is off', async () => {
    const dataDir = join(root, 'data');
    const withTls = await start(dataDir, true);
    expect(withTls.webServiceUrlTls).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(withTls.brokerServiceUrlTls).toMatch(/^pulsar\+ssl:\/\/127\.0\.0\.1:\d+$/);
    const expected = {
      serviceUrl: withTls.webServiceUrl,
      serviceUrlTls: withTls.webServiceUrlTls,
      brokerServiceUrl: withTls.brokerServiceUrl,
      brokerServiceUrlTls: withTls.brokerServiceUrlTls,
    };
    expect(await clusterData(withTls)).toEqual(expected);
    expect(await clusterDataOverHttps(withTls)).toEqual(expected);
    // Fields an operator added to the entry survive restarts.
    const res = await fetch(`${withTls.webServiceUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...expected, peerClusterNames: ['other'] }),
    });
    expect(res.status).toBe(200);
    await withTls.close();

    const plain = await start(dataDir, false);
    expect(plain.webServiceUrlTls).toBe('');
    expect(await clusterData(plain)).toEqual({
      serviceUrl: plain.webServiceUrl,
      brokerServiceUrl: plain.brokerServiceUrl,
      peerClusterNames: ['other'],
    });
    await plain.close();

    // And back on: the TLS URLs return, at the ports bound this time.
    const again = await start(dataDir, true);
    expect(await clusterData(again)).toEqual({
      serviceUrl: again.webServiceUrl,
      serviceUrlTls: again.webServiceUrlTls,
      brokerServiceUrl: again.brokerServiceUrl,
      brokerServiceUrlTls: again.brokerServiceUrlTls,
      peerClusterNames: ['other'],
    });
    await again.close();
  });

  it('has no TLS URLs on a broker that never had TLS', async () => {
    const b = await start(join(root, 'plain-only'), false);
    const data = await clusterData(b);
    expect(data).not.toHaveProperty('serviceUrlTls');
    expect(data).not.toHaveProperty('brokerServiceUrlTls');
    expect(data).toEqual({ serviceUrl: b.webServiceUrl, brokerServiceUrl: b.brokerServiceUrl });
    await b.close();
  });
});
