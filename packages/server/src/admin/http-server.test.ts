import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logging.js';
import { startHttpServer, type HttpServer } from './http-server.js';
import type { BrokerMetricsSource, TopicMetrics } from './metrics-source.js';
// The strict text-format parser is shared with the integration tests of /metrics.
import { findSamples as find, parsePrometheus } from '../../../../test/helpers/prometheus.js';

function topic(overrides: Partial<TopicMetrics> = {}): TopicMetrics {
  return {
    name: 'persistent://public/default/orders',
    namespace: 'public/default',
    producers: 2,
    consumers: 3,
    msgInCounter: 1000,
    bytesInCounter: 64_000,
    msgOutCounter: 900,
    bytesOutCounter: 57_600,
    rateIn: 12.5,
    rateOut: 11,
    throughputIn: 800,
    throughputOut: 704,
    storageSize: 70_000,
    backlogSize: 6_400,
    msgBacklog: 100,
    delayedIndexBytes: 2_048,
    subscriptions: [
      {
        name: 'billing "eu"',
        type: 'Shared',
        backlog: 100,
        delayed: 40,
        unacked: 7,
        consumerCount: 3,
        msgOutCounter: 900,
        bytesOutCounter: 57_600,
        msgRateOut: 11,
        throughputOut: 704,
        msgRateRedeliver: 0.5,
        blockedOnUnacked: true,
        oldestUnackedAgeSeconds: 12.5,
        stuckMessages: 4,
        consumers: [],
      },
    ],
    ...overrides,
  };
}

class FakeSource implements BrokerMetricsSource {
  healthy = true;
  topicList: TopicMetrics[] = [
    topic(),
    topic({ name: 'persistent://public/default/other', subscriptions: [] }),
  ];
  latencies: number[] = [0.2, 0.5, 0.7, 3, 2000];
  isHealthy(): boolean {
    return this.healthy;
  }
  topics(): Iterable<TopicMetrics> {
    return this.topicList;
  }
  connections() {
    return { active: 4, createdTotal: 10, closedTotal: 6 };
  }
  storage() {
    const writeLatencyMs = this.latencies;
    this.latencies = [];
    return { writeLatencyMs };
  }
}

let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(source = new FakeSource()): Promise<{ base: string; source: FakeSource }> {
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    logger: createLogger({ level: 'silent' }),
    source,
    clusterName: 'standalone',
    register: (app) => {
      app.put('/admin/v2/echo', async (req) => req.body);
    },
  });
  return { base: `http://127.0.0.1:${server.port}`, source };
}

describe('GET /metrics', () => {
  it('exposes topic and subscription series with Pulsar names and labels', async () => {
    const { base } = await start();
    const res = await fetch(`${base}/metrics/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    const { samples, types } = parsePrometheus(await res.text());
    const t = {
      cluster: 'standalone',
      namespace: 'public/default',
      topic: 'persistent://public/default/orders',
    };
    const expectOne = (name: string, labels: Record<string, string>, value: number) => {
      const found = find(samples, name, labels);
      expect(found, name).toHaveLength(1);
      expect(found[0]!.value, name).toBe(value);
      expect(types.get(name), name).toBe('gauge');
    };
    expectOne('pulsar_topics_count', { cluster: 'standalone', namespace: 'public/default' }, 2);
    expectOne('pulsar_subscriptions_count', t, 1);
    expectOne('pulsar_producers_count', t, 2);
    expectOne('pulsar_consumers_count', t, 3);
    expectOne('pulsar_rate_in', t, 12.5);
    expectOne('pulsar_rate_out', t, 11);
    expectOne('pulsar_throughput_in', t, 800);
    expectOne('pulsar_throughput_out', t, 704);
    expectOne('pulsar_in_messages_total', t, 1000);
    expectOne('pulsar_in_bytes_total', t, 64_000);
    expectOne('pulsar_out_messages_total', t, 900);
    expectOne('pulsar_out_bytes_total', t, 57_600);
    expectOne('pulsar_storage_size', t, 70_000);
    expectOne('pulsar_storage_backlog_size', t, 6_400);
    expectOne('pulsar_msg_backlog', t, 100);
    const s = { ...t, subscription: 'billing "eu"' };
    expectOne('pulsar_subscription_back_log', s, 100);
    expectOne('pulsar_subscription_unacked_messages', s, 7);
    expectOne('pulsar_subscription_consumers_count', s, 3);
    expectOne('pulsar_subscription_msg_rate_out', s, 11);
    expectOne('pulsar_subscription_msg_throughput_out', s, 704);
    expectOne('pulsar_subscription_msg_rate_redeliver', s, 0.5);
    expectOne('pulsar_subscription_blocked_on_unacked_messages', s, 1);
    expectOne('pulsar_subscription_delayed', s, 40);
    expectOne('pulsar_subscription_back_log_no_delayed', s, 60);
    expectOne('magnetar_subscription_oldest_unacked_age_seconds', s, 12.5);
    expectOne('magnetar_subscription_stuck_messages', s, 4);
    expectOne('pulsar_delayed_message_index_size_bytes', t, 2_048);
    expect(find(samples, 'pulsar_subscription_back_log')).toHaveLength(1);
    expectOne('pulsar_active_connections', { cluster: 'standalone' }, 4);
    expectOne('pulsar_connection_created_total_count', { cluster: 'standalone' }, 10);
    expectOne('pulsar_connection_closed_total_count', { cluster: 'standalone' }, 6);
    // Samples 0.2 and 0.5 fall in le_0_5, 0.7 in le_1, 3 in le_5, 2000 in overflow.
    expectOne('pulsar_storage_write_latency_le_0_5', { cluster: 'standalone' }, 2);
    expectOne('pulsar_storage_write_latency_le_1', { cluster: 'standalone' }, 1);
    expectOne('pulsar_storage_write_latency_le_5', { cluster: 'standalone' }, 1);
    expectOne('pulsar_storage_write_latency_le_1000', { cluster: 'standalone' }, 0);
    expectOne('pulsar_storage_write_latency_overflow', { cluster: 'standalone' }, 1);
    expectOne('pulsar_storage_write_latency_count', { cluster: 'standalone' }, 5);
    expect(find(samples, 'process_cpu_user_seconds_total')).toHaveLength(1);
  });

  it('reads the source afresh on every scrape', async () => {
    const { base, source } = await start();
    await fetch(`${base}/metrics`);
    source.topicList = [topic({ subscriptions: [] })];
    const { samples } = parsePrometheus(await (await fetch(`${base}/metrics`)).text());
    expect(find(samples, 'pulsar_subscription_back_log')).toEqual([]);
    expect(find(samples, 'pulsar_msg_backlog')).toHaveLength(1);
    expect(find(samples, 'pulsar_storage_write_latency_count')[0]!.value).toBe(0);
  });
});

describe('admin routes', () => {
  it('answers the health check with 200 "ok" or 503 and a reason', async () => {
    const { base, source } = await start();
    const ok = await fetch(`${base}/admin/v2/brokers/health`);
    expect([ok.status, await ok.text()]).toEqual([200, 'ok']);
    source.healthy = false;
    const bad = await fetch(`${base}/admin/v2/brokers/health`);
    expect(bad.status).toBe(503);
    expect(await bad.json()).toEqual({ reason: expect.any(String) });
  });

  it('lists the cluster and its broker', async () => {
    const { base } = await start();
    expect(await (await fetch(`${base}/admin/v2/clusters`)).json()).toEqual(['standalone']);
    expect(await (await fetch(`${base}/admin/v2/brokers/standalone`)).json()).toEqual([
      `127.0.0.1:${server!.port}`,
    ]);
    const missing = await fetch(`${base}/admin/v2/brokers/elsewhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ reason: 'Cluster elsewhere does not exist' });
  });

  it('answers unknown paths with 404 and a reason', async () => {
    const { base } = await start();
    const res = await fetch(`${base}/admin/v2/nothing/here?x=1`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ reason: 'No route for GET /admin/v2/nothing/here' });
  });

  it('refuses bodies over 1 MiB with 413 and accepts smaller ones, including vendor JSON', async () => {
    const { base } = await start();
    const put = (body: string, type = 'application/json') =>
      fetch(`${base}/admin/v2/echo`, { method: 'PUT', body, headers: { 'content-type': type } });
    const small = await put(
      JSON.stringify({ partitions: 3 }),
      'application/vnd.partitioned-topic-metadata+json',
    );
    expect(await small.json()).toEqual({ partitions: 3 });
    const big = await put(JSON.stringify('x'.repeat(1024 * 1024)));
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ reason: expect.stringMatching(/too large/i) });
  });
});
