import { describe, expect, it } from 'vitest';
import { useStandalone } from '../testing.js';
import { FLEX_NOT_INSTALLED, loadFlex } from './flex-driver.js';
import {
  flexDiscoveryServer,
  parsePerfOptions,
  PerfOptionError,
  type PerfFlags,
  type PerfMode,
} from './options.js';
import { runPerf } from './run.js';

describe('--client', () => {
  it('defaults to magnetar and accepts pulsar-flex, which turns batching off', () => {
    expect(parsePerfOptions('produce', 't', {}).client).toBe('magnetar');
    expect(parsePerfOptions('e2e', 't', { client: 'magnetar' }).batching.enabled).toBe(true);
    const o = parsePerfOptions('e2e', 't', { client: 'pulsar-flex', token: 'abc' });
    expect(o).toMatchObject({ client: 'pulsar-flex', batching: { enabled: false }, singleThread: false });
    expect(flexDiscoveryServer('pulsar://127.0.0.1:6650')).toBe('127.0.0.1:6650');
  });

  it('refuses an unknown client', () => {
    expect(() => parsePerfOptions('produce', 't', { client: 'kafkajs' })).toThrow(
      /--client must be one of magnetar, pulsar-flex; got "kafkajs"/,
    );
  });

  it('refuses, in one error naming them all, the options pulsar-flex cannot honour', () => {
    const flags: PerfFlags = {
      client: 'pulsar-flex',
      compression: 'lz4',
      batchMaxMessages: '10',
      partitions: '3',
      subscriptionType: 'Key_Shared',
      consumersPerTopic: '2',
      subscriptionPosition: 'Earliest',
      authPlugin: 'org.apache.pulsar.client.impl.auth.AuthenticationBasic',
      authParams: '{"userId":"u","password":"p"}',
    };
    let err: unknown;
    try {
      parsePerfOptions('e2e', 't', flags);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PerfOptionError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^--client pulsar-flex cannot honour: /);
    for (const name of [
      '--compression',
      '--batch-max-messages',
      '--partitions',
      '--subscription-type KeyShared',
      '--subscription-position Earliest',
      '--auth-plugin basic',
    ]) {
      expect(msg).toContain(name);
    }
    // The same options are fine for our client.
    expect(parsePerfOptions('e2e', 't', { ...flags, client: 'magnetar' }).partitions).toBe(3);
  });

  it('refuses TLS for pulsar-flex', () => {
    expect(() =>
      parsePerfOptions('produce', 't', { client: 'pulsar-flex', serviceUrl: 'pulsar+ssl://h:6651' }),
    ).toThrow(/cannot honour: --service-url pulsar\+ssl:\/\/h:6651/);
    expect(() =>
      parsePerfOptions('consume', 't', { client: 'pulsar-flex', tlsAllowInsecureConnection: true }),
    ).toThrow(/--tls-allow-insecure-connection/);
  });

  it('says how to install pulsar-flex when it is missing', async () => {
    await expect(loadFlex('pulsar-flex-not-installed')).rejects.toThrow(FLEX_NOT_INSTALLED);
  });
});

describe('perf --client pulsar-flex against a broker', () => {
  const broker = useStandalone('perf-flex');

  function run(mode: PerfMode, topic: string, flags: PerfFlags, progress: (l: string) => void = () => {}) {
    const opts = parsePerfOptions(mode, topic, {
      serviceUrl: broker().brokerServiceUrl,
      client: 'pulsar-flex',
      ...flags,
    });
    return runPerf(opts, { signal: new AbortController().signal, progress });
  }

  it('perf consume gets all 200 messages perf produce sent on the topic', async () => {
    // pulsar-flex subscribes at Latest only: the consumer's subscription must exist first.
    let subscribed!: () => void;
    const ready = new Promise<void>((resolve) => (subscribed = resolve));
    const consuming = run('consume', 'perf-flex-pc', { numMessages: '200' }, (l) => {
      if (l.startsWith('set-up:')) subscribed();
    });
    await ready;
    const produced = await run('produce', 'perf-flex-pc', { numMessages: '200', size: '100' });
    expect(produced.options.client).toBe('pulsar-flex');
    expect(produced.publish).toMatchObject({ messages: 200, bytes: 20_000, errors: 0, drained: true });
    expect(produced.publish!.latencyMs.count).toBe(200);
    const consumed = await consuming;
    expect(consumed.consume).toMatchObject({ messages: 200, bytes: 20_000, errors: 0 });
    // publish_time comes from the message metadata pulsar-flex hands over.
    expect(consumed.consume!.e2eLatencyMs.count).toBe(200);
  });

  it('perf e2e receives all 300 in the consumer thread, with a latency for each', async () => {
    const result = await run('e2e', 'perf-flex-e2e', { numMessages: '300', size: '64' });
    expect(result.options.singleThread).toBe(false);
    expect(result.publish).toMatchObject({ messages: 300, errors: 0, drained: true });
    expect(result.consume).toMatchObject({ errors: 0, drained: true });
    expect(result.consume!.e2eLatencyMs.count).toBe(300);
  });

  it('a default run leaves the client out of its result', async () => {
    const result = await run('produce', 'perf-flex-default', { client: 'magnetar', numMessages: '10' });
    expect(result.publish).toMatchObject({ messages: 10, errors: 0 });
    expect('client' in result.options).toBe(false);
  });
});
