import { describe, expect, it } from 'vitest';
import { useStandalone } from '../testing.js';
import { parsePerfOptions, type PerfFlags, type PerfMode } from './options.js';
import { runPerf } from './run.js';

describe('runPerf against a broker', () => {
  const broker = useStandalone('perf');

  function run(mode: PerfMode, topic: string, flags: PerfFlags, signal = new AbortController().signal) {
    const lines: string[] = [];
    const opts = parsePerfOptions(mode, topic, { serviceUrl: broker().brokerServiceUrl, ...flags });
    return runPerf(opts, { signal, progress: (l) => lines.push(l) }).then((result) => ({ result, lines }));
  }

  it('produce -m publishes exactly that many messages and reports their latency', async () => {
    const { result } = await run('produce', 'perf-produce', {
      numMessages: '2500',
      size: '100',
      maxPending: '300',
    });
    expect(result.mode).toBe('produce');
    expect(result.publish).toMatchObject({ messages: 2500, bytes: 250_000, errors: 0, drained: true });
    expect(result.publish!.latencyMs.count).toBe(2500);
    expect(result.publish!.latencyMs.max).toBeGreaterThanOrEqual(result.publish!.latencyMs.p50);
    expect(result.consume).toBeUndefined();
  });

  it.each([
    ['in a consumer thread', false],
    ['with --single-thread', true],
  ])(
    'e2e over two topics with Shared consumers %s receives everything produced, without batching too',
    async (_, singleThread) => {
      for (const batching of [true, false]) {
        const base = `perf-e2e-${singleThread ? 'one' : 'two'}-${batching}`;
        const { result } = await run('e2e', base, {
          numMessages: '3000',
          size: '64',
          topics: '2',
          producersPerTopic: '2',
          consumersPerTopic: '2',
          subscriptionType: 'Shared',
          batching,
          singleThread,
        });
        expect(result.options.topics).toEqual([`${base}-0`, `${base}-1`]);
        expect(result.setup.consumers).toMatchObject({ count: 4 });
        expect(result.setup.producers).toMatchObject({ count: 4 });
        expect(result.setup.consumers!.seconds).toBeGreaterThan(0);
        expect(result.publish).toMatchObject({ messages: 3000, errors: 0, drained: true });
        expect(result.consume).toMatchObject({ errors: 0, drained: true });
        expect(result.consume!.e2eLatencyMs.count).toBe(3000);
        // -m stops at the last send, before any receipt: everything arrives in the catch-up.
        expect(result.consume!.drained).toBe(true);
      }
    },
  );

  it('consume reads what is there from Earliest and stops at -m', async () => {
    await run('produce', 'perf-backlog', { numMessages: '1200', size: '10', compression: 'lz4' });
    const { result } = await run('consume', 'perf-backlog', {
      numMessages: '1200',
      subscriptionPosition: 'Earliest',
      subscription: 'reader',
    });
    expect(result.consume).toMatchObject({ messages: 1200, bytes: 12_000, errors: 0 });
    expect(result.publish).toBeUndefined();
    expect(result.setup.producers).toBeUndefined();
    expect(result.setup.consumers).toMatchObject({ count: 1 });
  });

  it('--partitions creates a partitioned topic over the admin API and runs across its partitions', async () => {
    const { result, lines } = await run('e2e', 'perf-partitioned', {
      adminUrl: broker().webServiceUrl,
      partitions: '3',
      numMessages: '3000',
      size: '20',
    });
    expect(lines[0]).toMatch(/perf-partitioned: created with 3 partitions/);
    expect(result.publish).toMatchObject({ messages: 3000, errors: 0 });
    expect(result.consume).toMatchObject({ errors: 0, drained: true });
    const res = await fetch(
      `${broker().webServiceUrl}/admin/v2/persistent/public/default/perf-partitioned/partitions`,
    );
    expect(await res.json()).toEqual({ partitions: 3 });
    // A second run finds the topic as it wants it.
    const again = await run('produce', 'perf-partitioned', {
      adminUrl: broker().webServiceUrl,
      partitions: '3',
      numMessages: '10',
    });
    expect(again.lines[0]).toMatch(/already has 3 partitions/);
  });

  it('a rate-limited run stops on abort and reports what it did', async () => {
    const abort = new AbortController();
    const running = run('produce', 'perf-abort', { rate: '200', size: '10' }, abort.signal);
    setTimeout(() => abort.abort(), 300);
    const { result } = await running;
    expect(result.publish!.errors).toBe(0);
    expect(result.publish!.drained).toBe(true);
    // Roughly 60 messages; bounded above by the bucket (first token + 200/s), never by a timing guess below.
    expect(result.publish!.messages).toBeLessThanOrEqual(1 + 200 * 5);
  });
});
