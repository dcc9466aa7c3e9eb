// The Grafana dashboard in dashboards/ must only query series the broker really exports: every
// metric name in its expressions appears in a live /metrics scrape of a broker with traffic.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SubType } from '@magnetar/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { parsePrometheus } from '../helpers/prometheus.js';
import { RawClient } from '../helpers/raw-client.js';
import { flow, nextMessage, rawProducer, rawSubscribe, send } from './topics-helpers.js';

const DASHBOARD = fileURLToPath(new URL('../../dashboards/magnetar-overview.json', import.meta.url));

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.destroy();
});

function metricNames(dashboard: { panels: { targets: { expr: string }[] }[] }): string[] {
  const names = new Set<string>();
  for (const p of dashboard.panels) {
    for (const t of p.targets)
      for (const m of t.expr.matchAll(/\b((?:pulsar|magnetar)_[a-z0-9_]+)/g)) names.add(m[1]);
  }
  return [...names].sort();
}

describe('Grafana dashboard', () => {
  it('queries only metric names that a live broker exports', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      panels: { targets: { expr: string }[] }[];
    };
    const wanted = metricNames(dashboard);
    expect(wanted.length).toBeGreaterThan(10);
    const topic = 'persistent://public/default/dashboard-traffic';
    const p = await rawProducer(broker.port, topic);
    const c = await RawClient.connected(broker.port);
    await rawSubscribe(c, topic, 'dash', 1, SubType.Shared);
    await send(p, 'one');
    flow(c, 1, 10);
    await nextMessage(c, 1);
    const text = await (await fetch(`${broker.webServiceUrl}/metrics`)).text();
    const exported = new Set(parsePrometheus(text).samples.map((s) => s.name));
    expect(wanted.filter((n) => !exported.has(n))).toEqual([]);
    p.close();
    c.close();
  });
});
