import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, PulsarClientError, ServerErrorException, type ClientConfig } from '@magnetar/client';
import { CommandType, LookupType, ServerError } from '@magnetar/protocol';
import { ConfigError } from '@magnetar/server';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { mintCertificates, type MintedCertificates } from '../helpers/certs.js';
import { RawClient } from '../helpers/raw-client.js';

// Advertised listeners: LOOKUP and the HTTP lookup answer the URLs of the listener the client
// names. 203.0.113.10 (TEST-NET-3) only ever appears in answers; nothing connects to it.

const EXTERNAL = 'external:pulsar://203.0.113.10:16650,external:pulsar+ssl://203.0.113.10:16651';
// "mixed" has a plain URL nothing listens on (port 1) and the real TLS one: a TLS client must pick the latter.
const MIXED = 'mixed:pulsar://127.0.0.1:1,mixed:pulsar+ssl://127.0.0.1';
const TLS_ONLY = 'tlsonly:pulsar+ssl://127.0.0.1:0';

let dir: string;
let certs: MintedCertificates;
let broker: TestBroker;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'magnetar-listeners-'));
  certs = await mintCertificates(dir);
  broker = await startTestBroker({
    tlsCertificateFilePath: certs.server.certFile,
    tlsKeyFilePath: certs.server.keyFile,
    advertisedListeners: `internal:pulsar://127.0.0.1:0,internal:pulsar+ssl://127.0.0.1:0,${EXTERNAL},${MIXED},${TLS_ONLY}`,
  });
});
afterAll(async () => {
  await broker.destroy();
  await rm(dir, { recursive: true, force: true });
});

async function lookup(listener?: string) {
  const c = await RawClient.connected(broker.port);
  try {
    c.send({
      type: CommandType.LOOKUP,
      lookupTopic: {
        topic: 'persistent://public/default/listeners',
        request_id: 1,
        ...(listener === undefined ? {} : { advertised_listener_name: listener }),
      },
    });
    const f = await c.response(1);
    return f.command.lookupTopicResponse!;
  } finally {
    c.close();
  }
}

describe('LOOKUP with advertised_listener_name', () => {
  it('answers the internal listener when the client names none, with the ports bound', async () => {
    const r = await lookup();
    expect(r.response).toBe(LookupType.Connect);
    expect(r.brokerServiceUrl).toBe(`pulsar://127.0.0.1:${broker.port}`);
    expect(r.brokerServiceUrlTls).toBe(`pulsar+ssl://127.0.0.1:${broker.portTls}`);
  });

  it('answers the URLs of the named listener', async () => {
    const r = await lookup('external');
    expect(r.response).toBe(LookupType.Connect);
    expect(r.brokerServiceUrl).toBe('pulsar://203.0.113.10:16650');
    expect(r.brokerServiceUrlTls).toBe('pulsar+ssl://203.0.113.10:16651');
    const tlsOnly = await lookup('tlsonly');
    expect(tlsOnly.brokerServiceUrl ?? '').toBe('');
    expect(tlsOnly.brokerServiceUrlTls).toBe(`pulsar+ssl://127.0.0.1:${broker.portTls}`);
  });

  it('fails a lookup for a listener the broker does not have with ServiceNotReady', async () => {
    const r = await lookup('nope');
    expect(r.response).toBe(LookupType.Failed);
    expect(r.error).toBe(ServerError.ServiceNotReady);
    expect(r.message).toContain('nope');
  });
});

describe('HTTP lookup with a listener name', () => {
  const url = () => `${broker.webServiceUrl}/lookup/v2/topic/persistent/public/default/listeners`;

  it('reads the listenerName query parameter', async () => {
    const res = await fetch(`${url()}?listenerName=external`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      brokerUrl: 'pulsar://203.0.113.10:16650',
      brokerUrlTls: 'pulsar+ssl://203.0.113.10:16651',
      httpUrl: broker.webServiceUrl,
      httpUrlTls: broker.webServiceUrlTls,
      nativeUrl: 'pulsar://203.0.113.10:16650',
      brokerUrlSsl: '',
    });
  });

  it('reads the X-Pulsar-ListenerName header when the query has none', async () => {
    const res = await fetch(url(), { headers: { 'X-Pulsar-ListenerName': 'tlsonly' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(body.brokerUrl).toBeUndefined();
    expect(body.brokerUrlTls).toBe(broker.brokerServiceUrlTls);
  });

  it('answers the internal listener, brokerUrl and brokerUrlTls, without a name', async () => {
    const body = (await (await fetch(url())).json()) as Record<string, string>;
    expect(body.brokerUrl).toBe(broker.brokerServiceUrl);
    expect(body.brokerUrlTls).toBe(broker.brokerServiceUrlTls);
  });

  it('answers 500 with the reason for an unknown listener, as Pulsar', async () => {
    const res = await fetch(`${url()}?listenerName=nope`);
    expect(res.status).toBe(500);
    expect(((await res.json()) as { reason: string }).reason).toContain('nope');
  });
});

describe('client listenerName', () => {
  const roundTrip = async (config: Partial<ClientConfig>, topic: string) => {
    const client = new Client({ serviceUrl: broker.brokerServiceUrl, operationTimeoutSeconds: 5, ...config });
    try {
      const producer = await client.createProducer({ topic });
      const consumer = await client.subscribe({
        topic,
        subscription: 's',
        subscriptionInitialPosition: 'Earliest',
      });
      await producer.send({ data: Buffer.from('via listener') });
      return (await consumer.receive(5000)).getData().toString();
    } finally {
      await client.close();
    }
  };

  it('connects through the named listener', async () => {
    expect(
      await roundTrip({ listenerName: 'internal' }, 'persistent://public/default/listener-internal'),
    ).toBe('via listener');
  });

  it('follows the pulsar+ssl:// URL of a lookup over TLS', async () => {
    const data = await roundTrip(
      { serviceUrl: broker.brokerServiceUrlTls, tlsTrustCertsFilePath: certs.caFile, listenerName: 'mixed' },
      'persistent://public/default/listener-mixed',
    );
    expect(data).toBe('via listener');
  });

  it('fails when the listener has no URL for the transport in use', async () => {
    const client = new Client({ serviceUrl: broker.brokerServiceUrl, listenerName: 'tlsonly' });
    try {
      const err = await client
        .createProducer({ topic: 'persistent://public/default/listener-tlsonly' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PulsarClientError);
      expect((err as PulsarClientError).code).toBe('LOOKUP_ERROR');
      expect((err as Error).message).toContain('tlsonly');
    } finally {
      await client.close();
    }
  });

  it('reports an unknown listener as the broker answers it', async () => {
    const client = new Client({
      serviceUrl: broker.brokerServiceUrl,
      listenerName: 'nope',
      operationTimeoutSeconds: 1,
    });
    try {
      const err = await client
        .createProducer({ topic: 'persistent://public/default/listener-nope' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServerErrorException);
      expect((err as ServerErrorException).serverError).toBe(ServerError.ServiceNotReady);
    } finally {
      await client.close();
    }
  });
});

describe('advertisedListeners checked at start-up', () => {
  const startFails = async (overrides: Record<string, unknown>) => {
    const err = await startTestBroker(overrides).then(
      async (b) => {
        await b.destroy();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  };

  it('refuses a malformed value', async () => {
    const message = await startFails({ advertisedListeners: 'internal:pulsar://127.0.0.1:0,pulsar://h:1' });
    expect(message).toContain('advertisedListeners');
    expect(message).toContain('listener name is missing');
  });

  it('refuses a pulsar+ssl:// listener left to the bound port while TLS is off', async () => {
    const message = await startFails({
      advertisedListeners: 'internal:pulsar://127.0.0.1,internal:pulsar+ssl://127.0.0.1',
    });
    expect(message).toContain('pulsar+ssl://127.0.0.1');
  });
});
