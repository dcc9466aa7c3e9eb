// GET /admin/v2/openapi.json and /openapi.json: the document lists exactly the routes fastify has,
// compared against fastify's own route table (printRoutes), not against the hook that builds it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describedRoutes } from '../../packages/server/src/admin/openapi-summaries.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

interface Doc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<
    string,
    Record<string, { summary: string; responses: Record<string, unknown>; parameters: { name: string }[] }>
  >;
}

let broker: TestBroker;
let doc: Doc;

beforeAll(async () => {
  broker = await startTestBroker();
  const res = await fetch(`${broker.webServiceUrl}/admin/v2/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = JSON.parse(await res.text()) as Doc;
});
afterAll(async () => {
  await broker?.destroy();
});

/**
 * "METHOD /path/{param}" for every route in fastify's route tree. With `commonPrefix: false` a
 * line holds a whole path, except where one path extends another (`/backlogQuota` then `Map`):
 * such a line is indented under it and continues its path.
 */
function fastifyRoutes(): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of broker.http.printRoutes({ commonPrefix: false }).split('\n')) {
    if (line.trim() === '') continue;
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) throw new Error(`unexpected printRoutes line: ${line}`);
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack.push(path);
    for (const method of m[3]?.split(', ') ?? []) out.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
  }
  return out;
}

function documented(): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map((verb) => `${verb.toUpperCase()} ${path}`),
  );
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.0 JSON, served at both addresses', async () => {
    expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
    expect(doc.info.title).toEqual(expect.any(String));
    const root = await fetch(`${broker.webServiceUrl}/openapi.json`);
    expect(await root.json()).toEqual(doc);
  });

  it('lists every route fastify has under /admin/v2, /lookup and /metrics, and nothing else', () => {
    const routes = fastifyRoutes().filter((r) => /^\w+ \/(admin\/v2\/|lookup\/|metrics)/.test(r));
    // Sanity: the listing really covers the admin API, not a handful of routes.
    expect(routes.length).toBeGreaterThan(80);
    const withoutHead = routes.filter((r) => !r.startsWith('HEAD '));
    const docs = documented();
    // printRoutes shows parameters that share a node under two names as `{a}|{b}`: either will do.
    const documentedAs = (r: string) => {
      const m = /\{(\w+)\}\|\{(\w+)\}/.exec(r);
      const variants = m ? [r.replace(m[0], `{${m[1]}}`), r.replace(m[0], `{${m[2]}}`)] : [r];
      return variants.some((v) => docs.includes(v));
    };
    for (const r of withoutHead) expect(documentedAs(r), r).toBe(true);
    // HEAD routes are fastify's automatic twins of GET routes, documented by the GET.
    for (const r of routes.filter((x) => x.startsWith('HEAD '))) {
      expect(documentedAs(r.replace(/^HEAD /, 'GET ')), r).toBe(true);
    }
    // And every documented route is one fastify routes (printRoutes leaves some shared-node routes out).
    for (const d of docs) {
      const [method, path] = d.split(' ') as [string, string];
      const url = path.replace(/\{(\w+)\}/g, ':$1');
      expect(broker.http.hasRoute({ method: method as 'GET', url }), d).toBe(true);
    }
  });

  it('has known paths with the right methods, parameters and response codes', () => {
    const tenant = doc.paths['/admin/v2/tenants/{tenant}']!;
    expect(Object.keys(tenant).sort()).toEqual(['delete', 'get', 'post', 'put']);
    expect(tenant.put!.responses).toHaveProperty('409');
    expect(tenant.get!.parameters.map((p) => p.name)).toEqual(['tenant']);
    const stats = doc.paths['/admin/v2/persistent/{tenant}/{namespace}/{topic}/stats']!;
    expect(Object.keys(stats)).toEqual(['get']);
    expect(stats.get!.summary).toMatch(/stats/i);
    expect(stats.get!.parameters.map((p) => p.name)).toEqual(['tenant', 'namespace', 'topic']);
    expect(Object.keys(stats.get!.responses)).toEqual(expect.arrayContaining(['200', '404', '500']));
    expect(Object.keys(doc.paths['/metrics']!)).toEqual(['get']);
    expect(doc.paths['/lookup/v2/topic/{domain}/{tenant}/{namespace}/{topic}']).toHaveProperty('get');
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) expect(op.summary.length).toBeGreaterThan(0);
    }
  });

  it('words only routes that exist', () => {
    const docs = documented();
    for (const r of describedRoutes()) expect(docs, r).toContain(r);
  });
});
