import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthenticationBasic,
  AuthenticationError,
  AuthenticationTls,
  AuthenticationToken,
  AuthorizationError,
  Client,
  type ClientConfig,
} from '@magnetar/client';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { mintCertificates, type MintedCertificates } from '../helpers/certs.js';
import { TokenKey, namespaceReady, startTokenBroker } from './protocol-helpers.js';

// Our client's authentication options against a real broker: each method round-trips, and a
// refusal surfaces at once as a typed, non-retriable error (no retry loop until the timeout).

const aprMd5 = createRequire(import.meta.url)('apache-md5') as (password: string) => string;

/** Well below the operation timeout the clients are given: a refusal must not be retried. */
const PROMPT_MS = 3000;

async function roundTrip(config: ClientConfig, topic: string): Promise<string> {
  const client = new Client({ operationTimeoutSeconds: 20, ...config });
  try {
    const consumer = await client.subscribe({ topic, subscription: 's' });
    const producer = await client.createProducer({ topic });
    await producer.send({ data: Buffer.from('authenticated') });
    return (await consumer.receive(5000)).getData().toString();
  } finally {
    await client.close();
  }
}

async function refusal(config: ClientConfig, topic: string): Promise<unknown> {
  const client = new Client({ operationTimeoutSeconds: 20, ...config });
  const started = Date.now();
  try {
    const err = await client.createProducer({ topic }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(PROMPT_MS);
    return err;
  } finally {
    await client.close();
  }
}

describe('AuthenticationToken', () => {
  const key = new TokenKey();
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTokenBroker(key, {
      authorizationEnabled: true,
      superUserRoles: 'admin',
    });
    await namespaceReady(broker);
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('produces and consumes with a token', async () => {
    const token = await key.sign('admin');
    const data = await roundTrip(
      { serviceUrl: broker.brokerServiceUrl, authentication: new AuthenticationToken({ token }) },
      'persistent://public/default/client-token',
    );
    expect(data).toBe('authenticated');
  });

  it('surfaces a refused token as AuthenticationError, promptly', async () => {
    const token = await new TokenKey().sign('admin');
    const err = await refusal(
      { serviceUrl: broker.brokerServiceUrl, authentication: new AuthenticationToken({ token }) },
      'persistent://public/default/client-token-refused',
    );
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).retriable).toBe(false);
  });

  it('surfaces a missing permission as AuthorizationError, promptly', async () => {
    const token = await key.sign('nobody');
    const err = await refusal(
      { serviceUrl: broker.brokerServiceUrl, authentication: new AuthenticationToken({ token }) },
      'persistent://public/default/client-token-forbidden',
    );
    expect(err).toBeInstanceOf(AuthorizationError);
    expect((err as AuthorizationError).code).toBe('AUTHORIZATION_ERROR');
  });
});

describe('AuthenticationBasic', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    const htpasswd = `bob:${aprMd5('s3cret')}\n`;
    broker = await startTestBroker({
      authenticationEnabled: true,
      authenticationProviders: 'basic',
      basicAuthConf: `data:;base64,${Buffer.from(htpasswd).toString('base64')}`,
    });
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('produces and consumes with username and password', async () => {
    const data = await roundTrip(
      {
        serviceUrl: broker.brokerServiceUrl,
        authentication: new AuthenticationBasic({ username: 'bob', password: 's3cret' }),
      },
      'persistent://public/default/client-basic',
    );
    expect(data).toBe('authenticated');
  });

  it('surfaces a wrong password as AuthenticationError', async () => {
    const err = await refusal(
      {
        serviceUrl: broker.brokerServiceUrl,
        authentication: new AuthenticationBasic({ username: 'bob', password: 'guess' }),
      },
      'persistent://public/default/client-basic-refused',
    );
    expect(err).toBeInstanceOf(AuthenticationError);
  });
});

describe('AuthenticationTls', () => {
  let dir: string;
  let certs: MintedCertificates;
  let broker: TestBroker;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'magnetar-client-tls-auth-'));
    certs = await mintCertificates(dir, { clients: ['carol'] });
    broker = await startTestBroker({
      authenticationEnabled: true,
      authenticationProviders: 'tls',
      tlsCertificateFilePath: certs.server.certFile,
      tlsKeyFilePath: certs.server.keyFile,
      tlsTrustCertsFilePath: certs.caFile,
    });
  });
  afterAll(async () => {
    await broker.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('authenticates with the certificate presented in the TLS handshake', async () => {
    const carol = certs.clients.carol;
    const data = await roundTrip(
      {
        serviceUrl: broker.brokerServiceUrlTls,
        tlsTrustCertsFilePath: certs.caFile,
        authentication: new AuthenticationTls({
          certificatePath: carol.certFile,
          privateKeyPath: carol.keyFile,
        }),
      },
      'persistent://public/default/client-tls-auth',
    );
    expect(data).toBe('authenticated');
    // (The role itself, "carol", is checked by protocol-tls-role.test.ts.)
  });

  it('needs a pulsar+ssl:// service URL', () => {
    const carol = certs.clients.carol;
    expect(
      () =>
        new Client({
          serviceUrl: broker.brokerServiceUrl,
          authentication: new AuthenticationTls({
            certificatePath: carol.certFile,
            privateKeyPath: carol.keyFile,
          }),
        }),
    ).toThrow(/pulsar\+ssl/);
  });

  it('names a certificate file that cannot be read', () => {
    expect(
      () =>
        new Client({
          serviceUrl: broker.brokerServiceUrlTls,
          authentication: new AuthenticationTls({
            certificatePath: join(dir, 'missing.pem'),
            privateKeyPath: 'k',
          }),
        }),
    ).toThrow(/missing\.pem/);
  });
});
