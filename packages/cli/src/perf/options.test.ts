import { describe, expect, it } from 'vitest';
import { consumerConfig } from './consume-load.js';
import { optionWarnings, parsePerfOptions, PerfOptionError, topicNames } from './options.js';
import { producerConfig } from './publish-load.js';

describe('parsePerfOptions', () => {
  it('fills pulsar-perf-like defaults', () => {
    const o = parsePerfOptions('produce', 'my-topic', {});
    expect(o).toMatchObject({
      mode: 'produce',
      topics: ['my-topic'],
      serviceUrl: 'pulsar://127.0.0.1:6650',
      adminUrl: 'http://127.0.0.1:8080',
      rate: 0,
      durationS: 0,
      numMessages: 0,
      sizeBytes: 1024,
      batching: { enabled: true, maxMessages: 1000, maxBytes: 131072, delayMs: 1 },
      compression: 'None',
      partitions: 0,
      setupConcurrency: 100,
      producersPerTopic: 1,
      consumersPerTopic: 1,
      subscription: 'perf-sub',
      subscriptionType: 'Exclusive',
      subscriptionPosition: 'Latest',
      maxPending: 1000,
      receiverQueueSize: 1000,
      warmupS: 0,
      json: false,
    });
  });

  it('parses every flag', () => {
    const o = parsePerfOptions('e2e', 't', {
      serviceUrl: 'pulsar://h:1',
      adminUrl: 'http://h:2',
      rate: '2500.5',
      duration: '20',
      numMessages: '1000000',
      size: '100',
      batchMaxMessages: '500',
      batchMaxBytes: '65536',
      batchDelayMs: '0.5',
      batching: false,
      compression: 'LZ4',
      topics: '3',
      setupConcurrency: '7',
      partitions: '4',
      producersPerTopic: '2',
      consumersPerTopic: '2',
      subscription: 's',
      subscriptionType: 'key_shared',
      subscriptionPosition: 'earliest',
      maxPending: '5000',
      receiverQueueSize: '2000',
      warmup: '1',
      json: true,
    });
    expect(o).toMatchObject({
      topics: ['t-0', 't-1', 't-2'],
      serviceUrl: 'pulsar://h:1',
      adminUrl: 'http://h:2',
      rate: 2500.5,
      durationS: 20,
      numMessages: 1_000_000,
      sizeBytes: 100,
      batching: { enabled: false, maxMessages: 500, maxBytes: 65536, delayMs: 0.5 },
      compression: 'LZ4',
      partitions: 4,
      setupConcurrency: 7,
      producersPerTopic: 2,
      consumersPerTopic: 2,
      subscription: 's',
      subscriptionType: 'KeyShared',
      subscriptionPosition: 'Earliest',
      maxPending: 5000,
      receiverQueueSize: 2000,
      warmupS: 1,
      json: true,
    });
  });

  it.each([
    [{ rate: '-1' }, /--rate must be a number >= 0/],
    [{ rate: 'fast' }, /--rate/],
    [{ duration: '' }, /--duration/],
    [{ numMessages: '1.5' }, /--num-messages must be an integer/],
    [{ size: '0' }, /--size must be an integer between 1 and/],
    [{ size: String(6 * 1024 * 1024) }, /--size/],
    [{ batchMaxMessages: '0' }, /--batch-max-messages/],
    [{ batchDelayMs: '0' }, /--batch-delay-ms must be a number > 0/],
    [{ compression: 'brotli' }, /--compression must be one of none, lz4, zlib, zstd, snappy/],
    [{ topics: '0' }, /--topics/],
    [{ setupConcurrency: '0' }, /--setup-concurrency must be an integer between 1 and/],
    [{ producersPerTopic: '100000' }, /--producers-per-topic/],
    [{ maxPending: '0' }, /--max-pending/],
    [{ subscriptionType: 'fanout' }, /--subscription-type/],
    [{ subscriptionPosition: 'middle' }, /Latest or Earliest/],
    [{ subscription: '' }, /--subscription must not be empty/],
  ])('refuses %o', (flags, message) => {
    expect(() => parsePerfOptions('e2e', 't', flags)).toThrow(PerfOptionError);
    expect(() => parsePerfOptions('e2e', 't', flags)).toThrow(message);
  });

  it('refuses several consumers on an Exclusive subscription, but not for produce', () => {
    expect(() => parsePerfOptions('consume', 't', { consumersPerTopic: '2' })).toThrow(/Shared, Failover/);
    expect(
      parsePerfOptions('consume', 't', { consumersPerTopic: '2', subscriptionType: 'Shared' }),
    ).toBeTruthy();
    expect(parsePerfOptions('produce', 't', { consumersPerTopic: '2' }).consumersPerTopic).toBe(2);
  });

  it('runs e2e consumers in a worker thread unless --single-thread; produce and consume use one', () => {
    expect(parsePerfOptions('e2e', 't', {}).singleThread).toBe(false);
    expect(parsePerfOptions('e2e', 't', { singleThread: true }).singleThread).toBe(true);
    expect(parsePerfOptions('produce', 't', {}).singleThread).toBe(true);
    expect(parsePerfOptions('consume', 't', {}).singleThread).toBe(true);
  });

  it('offers --single-thread on perf e2e only', async () => {
    const { Command } = await import('commander');
    const { registerPerf } = await import('../commands/perf.js');
    const program = new Command();
    registerPerf(program);
    const perf = program.commands.find((c) => c.name() === 'perf')!;
    const flags = (mode: string) => perf.commands.find((c) => c.name() === mode)!.options.map((o) => o.long);
    expect(flags('e2e')).toContain('--single-thread');
    expect(flags('produce')).not.toContain('--single-thread');
    expect(flags('consume')).not.toContain('--single-thread');
  });

  it('requires a topic', () => {
    expect(() => parsePerfOptions('produce', '', {})).toThrow(/topic/);
  });

  it('names several topics as pulsar-perf does', () => {
    expect(topicNames('a', 1)).toEqual(['a']);
    expect(topicNames('persistent://public/default/a', 2)).toEqual([
      'persistent://public/default/a-0',
      'persistent://public/default/a-1',
    ]);
  });

  it('warns about a run without --duration or --num-messages', () => {
    expect(optionWarnings(parsePerfOptions('produce', 't', {})).join('\n')).toMatch(/runs until Ctrl-C/);
    expect(optionWarnings(parsePerfOptions('produce', 't', { duration: '5' }))).toEqual([]);
    expect(optionWarnings(parsePerfOptions('produce', 't', { numMessages: '5' }))).toEqual([]);
  });
});

describe('client settings of a perf run', () => {
  it('maps batching, window and compression onto the producer', () => {
    const o = parsePerfOptions('produce', 't', {
      maxPending: '5000',
      batchMaxMessages: '10',
      batchMaxBytes: '2048',
      batchDelayMs: '3',
      compression: 'zstd',
    });
    expect(producerConfig(o, 't')).toEqual({
      topic: 't',
      maxPendingMessages: 5000,
      blockIfQueueFull: true,
      batchingEnabled: true,
      batchingMaxMessages: 10,
      batchingMaxAllowedSizeInBytes: 2048,
      batchingMaxPublishDelayMs: 3,
      compressionType: 'ZSTD',
    });
    expect(producerConfig(parsePerfOptions('produce', 't', { batching: false }), 't').batchingEnabled).toBe(
      false,
    );
  });

  it('maps subscription settings onto the consumer', () => {
    const o = parsePerfOptions('consume', 't', {
      subscription: 'x',
      subscriptionType: 'failover',
      subscriptionPosition: 'Earliest',
      receiverQueueSize: '77',
    });
    expect(consumerConfig(o, 't')).toEqual({
      topic: 't',
      subscription: 'x',
      subscriptionType: 'Failover',
      subscriptionInitialPosition: 'Earliest',
      receiverQueueSize: 77,
    });
  });
});
