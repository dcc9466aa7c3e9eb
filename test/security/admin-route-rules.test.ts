// The rule table (admin/auth/route-rules.ts) against the routes the broker really registers: every
// route has a rule and every rule a route, a server with an unruled route refuses to start, and
// each rule refuses clients without credentials (401) and roles without rights (403).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureAuth } from '../../packages/server/src/admin/auth-hook.js';
import { ROUTE_RULES, ruleFor } from '../../packages/server/src/admin/auth/route-rules.js';
import { startHttpServer } from '../../packages/server/src/admin/http-server.js';
import type { BrokerMetricsSource } from '../../packages/server/src/admin/metrics-source.js';
import { disabledAuthServices } from '../../packages/server/src/auth/index.js';
import { createLogger } from '@magnetar/server';
import { SUPERUSER, concreteUrl, startSecureBroker, type SecureBroker } from './admin-helpers.js';

let b: SecureBroker;
/** "METHOD /url/:param" of every route, from the OpenAPI document (built by an onRoute hook). */
let registered: string[];

beforeAll(async () => {
  b = await startSecureBroker();
  const doc = await b.call('GET', '/admin/v2/openapi.json', { as: SUPERUSER });
  const paths = (doc.body as { paths: Record<string, Record<string, unknown>> }).paths;
  registered = Object.entries(paths).flatMap(([path, item]) =>
    Object.keys(item).map((verb) => `${verb.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
  );
});
afterAll(() => b?.destroy());

describe('route rule coverage', () => {
  it('every registered route has a rule', () => {
    expect(registered.length).toBeGreaterThan(100);
    const unruled = registered.filter((r) => {
      const [method, url] = r.split(' ') as [string, string];
      return ruleFor(method, url) === undefined;
    });
    expect(unruled).toEqual([]);
  });

  it('every rule names a registered route (no stale rows)', () => {
    const stale = ROUTE_RULES.filter(
      (r) => !b.broker.http.hasRoute({ method: r.method as 'GET', url: r.url }),
    );
    expect(stale).toEqual([]);
  });

  it('a server whose route has no rule does not start once auth is configured', async () => {
    const start = startHttpServer({
      host: '127.0.0.1',
      port: 0,
      logger: createLogger({ level: 'silent' }),
      source: {} as BrokerMetricsSource,
      clusterName: 'standalone',
      register: (app) => {
        configureAuth(app, { services: disabledAuthServices(), authenticateMetricsEndpoint: false });
        app.get('/admin/v2/forgotten', async () => 'open?');
      },
    });
    await expect(start).rejects.toThrow(/no authorization rule for GET \/admin\/v2\/forgotten/);
  });
});

describe('every rule refuses the uncredentialed and the unentitled', () => {
  it('401 for every route but the public ones when no credentials are sent', async () => {
    for (const row of ROUTE_RULES) {
      const res = await b.call(row.method, concreteUrl(row.url));
      if (row.rule === 'public' || row.rule === 'metrics')
        expect(res.status, `${row.method} ${row.url}`).not.toBe(401);
      else expect(res.status, `${row.method} ${row.url}`).toBe(401);
    }
  });

  it('403 for a role with no grants on every route that needs more than authentication', async () => {
    for (const row of ROUTE_RULES) {
      const res = await b.call(row.method, concreteUrl(row.url), { as: 'nobody' });
      const label = `${row.method} ${row.url} (${row.rule})`;
      if (['public', 'metrics', 'authenticated'].includes(row.rule)) expect(res.status, label).toBe(200);
      else expect(res.status, label).toBe(403);
    }
  });

  it('lets a superuser through every read (what the handler answers then is its own business)', async () => {
    for (const row of ROUTE_RULES.filter((r) => r.method === 'GET')) {
      const res = await b.call('GET', concreteUrl(row.url), { as: SUPERUSER });
      expect([401, 403], `${row.url}: ${JSON.stringify(res.body)}`).not.toContain(res.status);
      expect(res.status, row.url).toBeLessThan(500);
    }
  });
});
