import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { AuthenticationError, Client, TlsError, type ClientConfig } from '@magnetar/client';
import { ConfigError } from '@magnetar/server';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { mintCertificates, type MintedCertificates } from '../helpers/certs.js';

// TLS listeners: pulsar+ssl:// and https:// with the same certificate, mTLS, hot reload, and the
// start-up checks of the certificate files.

let root: string;
let certs: MintedCertificates;
/** Certificates from a CA the brokers do not trust. */
let strangers: MintedCertificates;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'magnetar-tls-'));
  certs = await mintCertificates(join(root, 'ca'), { clients: ['alice'] });
  strangers = await mintCertificates(join(root, 'other-ca'), { clients: ['alice'], caName: 'Stranger CA' });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function tlsSettings(extra: Record<string, unknown> = {}) {
  return {
    tlsCertificateFilePath: certs.server.certFile,
    tlsKeyFilePath: certs.server.keyFile,
    tlsTrustCertsFilePath: certs.caFile,
    ...extra,
  };
}

async function roundTrip(config: ClientConfig, topic: string): Promise<string> {
  const client = new Client({ operationTimeoutSeconds: 10, ...config });
  try {
    const consumer = await client.subscribe({ topic, subscription: 's', subscriptionType: 'Exclusive' });
    const producer = await client.createProducer({ topic });
    await producer.send({ data: Buffer.from(`hello ${topic}`) });
    const msg = await consumer.receive(5000);
    await consumer.acknowledge(msg);
    return msg.getData().toString();
  } finally {
    await client.close();
  }
}

interface HttpsAnswer {
  status: number;
  body: string;
}

function httpsGet(
  url: string,
  options: { ca?: Buffer; cert?: Buffer; key?: Buffer; headers?: Record<string, string> },
) {
  return new Promise<HttpsAnswer>((resolve, reject) => {
    const req = httpsRequest(url, { ...options, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a TLS connection to `port` and returns it with the serial of the certificate it was shown. */
async function openTls(port: number, ca: Buffer): Promise<{ socket: TLSSocket; serial: string }> {
  const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  return { socket, serial: socket.getPeerCertificate().serialNumber.toLowerCase() };
}

async function until(pred: () => Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('TLS listeners without client certificates required', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker(tlsSettings());
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('advertises pulsar+ssl:// and https:// URLs next to the plain ones', () => {
    expect(broker.brokerServiceUrlTls).toBe(`pulsar+ssl://127.0.0.1:${broker.portTls}`);
    expect(broker.webServiceUrlTls).toBe(`https://127.0.0.1:${broker.httpPortTls}`);
    expect(broker.brokerServiceUrl).toMatch(/^pulsar:\/\/127\.0\.0\.1:\d+$/);
  });

  it('produces and consumes over pulsar+ssl://', async () => {
    const data = await roundTrip(
      {
        serviceUrl: broker.brokerServiceUrlTls,
        tlsTrustCertsFilePath: certs.caFile,
        tlsValidateHostname: true,
      },
      'persistent://public/default/tls-roundtrip',
    );
    expect(data).toBe('hello persistent://public/default/tls-roundtrip');
  });

  it('still serves plain pulsar:// on its own port', async () => {
    const data = await roundTrip(
      { serviceUrl: broker.brokerServiceUrl },
      'persistent://public/default/tls-plain',
    );
    expect(data).toBe('hello persistent://public/default/tls-plain');
  });

  it('fails at once with a TlsError when the client does not trust the certificate', async () => {
    const client = new Client({
      serviceUrl: broker.brokerServiceUrlTls,
      tlsTrustCertsFilePath: strangers.caFile,
      operationTimeoutSeconds: 20,
    });
    const started = Date.now();
    try {
      const err = await client
        .createProducer({ topic: 'persistent://public/default/untrusted' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TlsError);
      expect((err as TlsError).retriable).toBe(false);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await client.close();
    }
  });

  it('accepts an untrusted certificate with tlsAllowInsecureConnection', async () => {
    const data = await roundTrip(
      {
        serviceUrl: broker.brokerServiceUrlTls,
        tlsTrustCertsFilePath: strangers.caFile,
        tlsAllowInsecureConnection: true,
      },
      'persistent://public/default/tls-insecure',
    );
    expect(data).toContain('tls-insecure');
  });

  it('serves the admin API over HTTPS', async () => {
    const ca = await readFile(certs.caFile);
    const res = await httpsGet(`${broker.webServiceUrlTls}/admin/v2/clusters`, { ca });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual(['standalone']);
  });

  it('answers HTTP lookups with the TLS URLs too', async () => {
    const ca = await readFile(certs.caFile);
    const res = await httpsGet(`${broker.webServiceUrlTls}/lookup/v2/topic/persistent/public/default/t`, {
      ca,
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({
      brokerUrl: broker.brokerServiceUrl,
      brokerUrlTls: broker.brokerServiceUrlTls,
      httpUrl: broker.webServiceUrl,
      httpUrlTls: broker.webServiceUrlTls,
      nativeUrl: broker.brokerServiceUrl,
      brokerUrlSsl: '',
    });
  });
});

describe('tlsValidateHostname', () => {
  let named: MintedCertificates;
  let broker: TestBroker;
  beforeAll(async () => {
    // A certificate for "localhost" only: connecting to 127.0.0.1 does not match its name.
    named = await mintCertificates(join(root, 'named'), { serverIps: [] });
    broker = await startTestBroker({
      tlsCertificateFilePath: named.server.certFile,
      tlsKeyFilePath: named.server.keyFile,
    });
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('is off by default: the chain is verified, the name is not', async () => {
    const data = await roundTrip(
      { serviceUrl: broker.brokerServiceUrlTls, tlsTrustCertsFilePath: named.caFile },
      'persistent://public/default/tls-no-hostname-check',
    );
    expect(data).toContain('tls-no-hostname-check');
  });

  it('refuses a certificate for another name when on', async () => {
    const client = new Client({
      serviceUrl: broker.brokerServiceUrlTls,
      tlsTrustCertsFilePath: named.caFile,
      tlsValidateHostname: true,
    });
    try {
      const err = await client
        .createProducer({ topic: 'persistent://public/default/tls-hostname' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TlsError);
      expect(((err as TlsError).cause as { code?: string }).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      await client.close();
    }
  });
});

describe('mTLS: tlsRequireTrustedClientCertOnConnect', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker(tlsSettings({ tlsRequireTrustedClientCertOnConnect: true }));
  });
  afterAll(async () => {
    await broker.destroy();
  });

  const refused = async (extra: Partial<ClientConfig>) => {
    const client = new Client({
      serviceUrl: broker.brokerServiceUrlTls,
      tlsTrustCertsFilePath: certs.caFile,
      operationTimeoutSeconds: 20,
      ...extra,
    });
    const started = Date.now();
    try {
      const err = await client
        .createProducer({ topic: 'persistent://public/default/mtls' })
        .catch((e: unknown) => e);
      // The broker completes the handshake, then says why in CommandError and closes.
      expect(err).toBeInstanceOf(AuthenticationError);
      expect((err as AuthenticationError).retriable).toBe(false);
      expect(Date.now() - started).toBeLessThan(5000);
      return (err as Error).message;
    } finally {
      await client.close();
    }
  };

  it('refuses a client without a certificate', async () => {
    expect(await refused({})).toContain('client certificate is required');
  });

  it('refuses a certificate from another CA', async () => {
    expect(await refused(strangers.clientOptions('alice'))).toContain('not trusted');
  });

  it('accepts a certificate from the trusted CA', async () => {
    const data = await roundTrip(
      {
        serviceUrl: broker.brokerServiceUrlTls,
        tlsTrustCertsFilePath: certs.caFile,
        ...certs.clientOptions('alice'),
      },
      'persistent://public/default/mtls-ok',
    );
    expect(data).toContain('mtls-ok');
  });

  it('requires the certificate on HTTPS as well', async () => {
    const ca = await readFile(certs.caFile);
    const url = `${broker.webServiceUrlTls}/admin/v2/clusters`;
    await expect(httpsGet(url, { ca })).rejects.toThrow();
    const alice = certs.clients.alice;
    const ok = await httpsGet(url, {
      ca,
      cert: await readFile(alice.certFile),
      key: await readFile(alice.keyFile),
    });
    expect(ok.status).toBe(200);
  });
});

describe('certificate hot reload', () => {
  let dir: string;
  let files: { certFile: string; keyFile: string };
  let broker: TestBroker;
  beforeAll(async () => {
    // A copy of the server files, so that rotating them leaves the shared ones alone.
    dir = await mkdtemp(join(tmpdir(), 'magnetar-tls-reload-'));
    files = { certFile: join(dir, 'server.cert.pem'), keyFile: join(dir, 'server.key.pem') };
    await writeFile(files.certFile, await readFile(certs.server.certFile));
    await writeFile(files.keyFile, await readFile(certs.server.keyFile));
    broker = await startTestBroker(
      tlsSettings({
        tlsCertificateFilePath: files.certFile,
        tlsKeyFilePath: files.keyFile,
        tlsCertRefreshCheckDurationSec: 1,
      }),
    );
  });
  afterAll(async () => {
    await broker.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves a replaced certificate to new connections while old ones keep working', async () => {
    const ca = await readFile(certs.caFile);
    const topic = 'persistent://public/default/tls-reload';
    const client = new Client({
      serviceUrl: broker.brokerServiceUrlTls,
      tlsTrustCertsFilePath: certs.caFile,
    });
    try {
      const producer = await client.createProducer({ topic });
      const consumer = await client.subscribe({ topic, subscription: 's' });
      const before = await openTls(broker.portTls!, ca);
      expect(before.serial).toBe(certs.server.serial.toLowerCase());
      before.socket.destroy();

      const rotated = await certs.reissueServer(files);
      expect(rotated.serial).not.toBe(certs.server.serial);
      await until(async () => {
        const probe = await openTls(broker.portTls!, ca);
        probe.socket.destroy();
        return probe.serial === rotated.serial.toLowerCase();
      });
      const https = await openTls(broker.httpPortTls!, ca);
      https.socket.destroy();
      expect(https.serial).toBe(rotated.serial.toLowerCase());

      // The producer's and consumer's connection was made before the rotation and is still in use.
      await producer.send({ data: Buffer.from('after rotation') });
      const msg = await consumer.receive(5000);
      expect(msg.getData().toString()).toBe('after rotation');
    } finally {
      await client.close();
    }
  });

  it('keeps the current certificate when the new files do not check out', async () => {
    const tls = broker.tls!;
    const serial = tls.certificate.serialNumber;
    const key = await readFile(files.keyFile);
    await writeFile(files.keyFile, (await readFile(strangers.server.keyFile)).toString());
    try {
      expect(await tls.checkForChanges()).toBe('invalid');
      expect(tls.certificate.serialNumber).toBe(serial);
    } finally {
      await writeFile(files.keyFile, key);
    }
    expect(await tls.checkForChanges()).toBe('unchanged');
  });
});

describe('shutdown', () => {
  it('does not wait for a peer stuck in its TLS handshake', async () => {
    const broker = await startTestBroker(tlsSettings());
    const silent = netConnect({ host: '127.0.0.1', port: broker.portTls! });
    silent.on('error', () => {});
    await new Promise<void>((resolve) => silent.once('connect', () => resolve()));
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await broker.destroy();
    // The handshake timeout is 10 s; closing must not sit it out.
    expect(Date.now() - started).toBeLessThan(3000);
    silent.destroy();
  });
});

describe('certificate files checked at start-up', () => {
  const startFails = async (overrides: Record<string, unknown>) => {
    const err = await startTestBroker(tlsSettings(overrides)).then(
      async (b) => {
        await b.destroy();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  };

  it('names a certificate file that is not a certificate', async () => {
    const bad = join(root, 'garbage.cert.pem');
    await writeFile(
      bad,
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
    );
    const message = await startFails({ tlsCertificateFilePath: bad });
    expect(message).toContain(bad);
    expect(message).toContain('tlsCertificateFilePath');
  });

  it('names a key file that holds no key', async () => {
    const bad = join(root, 'garbage.key.pem');
    await writeFile(bad, 'not a key\n');
    const message = await startFails({ tlsKeyFilePath: bad });
    expect(message).toContain(bad);
    expect(message).toContain('tlsKeyFilePath');
  });

  it('names a key that belongs to another certificate', async () => {
    const message = await startFails({ tlsKeyFilePath: strangers.server.keyFile });
    expect(message).toContain(strangers.server.keyFile);
  });

  it('names a missing file', async () => {
    const missing = join(root, 'nowhere', 'ca.pem');
    const message = await startFails({ tlsTrustCertsFilePath: missing });
    expect(message).toContain(missing);
    expect(message).toContain('tlsTrustCertsFilePath');
  });
});
