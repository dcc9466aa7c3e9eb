/**
 * The OpenAPI 3.0 document of the broker's HTTP API, served at `GET /admin/v2/openapi.json` and
 * `GET /openapi.json`. It is built from the routes fastify actually registers (an `onRoute` hook
 * installed before any route), so it cannot drift from the API; only the one-line summaries and
 * the non-default response codes come from a table (./openapi-summaries.ts).
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { describeRoute } from './openapi-summaries.js';

/** One method of one path, as fastify registered it (`:param` syntax). */
export interface CollectedRoute {
  method: string;
  url: string;
}

interface Operation {
  summary: string;
  operationId: string;
  tags: string[];
  parameters: { name: string; in: 'path'; required: true; schema: { type: 'string' } }[];
  responses: Record<string, { description: string }>;
}

export interface OpenApiDocument {
  openapi: '3.0.3';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Operation>>;
}

/** OpenAPI 3.0 path item keys; fastify's others (e.g. SEARCH, PROPFIND) have no place there. */
const OPENAPI_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'patch', 'trace']);

/**
 * Records every route added to `app` or its child scopes from now on. Call it before registering
 * routes; read the list once the server is ready.
 */
export function collectRoutes(app: FastifyInstance): CollectedRoute[] {
  const routes: CollectedRoute[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method: method.toUpperCase(), url: route.url });
  });
  return routes;
}

/** `/a/:b/c` → `/a/{b}/c`; a trailing slash is dropped, since the server ignores it. */
export function openApiPath(url: string): string {
  const path = url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
  return path.length > 1 ? path.replace(/\/$/, '') : path;
}

export function buildOpenApiDocument(routes: readonly CollectedRoute[]): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const sorted = [...routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
  for (const { method, url } of sorted) {
    const verb = method.toLowerCase();
    // HEAD routes are the ones fastify adds for every GET (exposeHeadRoutes); GET documents them.
    if (!OPENAPI_METHODS.has(verb)) continue;
    const path = openApiPath(url);
    const described = describeRoute(method, path);
    const item = (paths[path] ??= {});
    item[verb] = {
      summary: described.summary,
      operationId: `${verb}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c?: string) => (c ?? '').toUpperCase())}`,
      tags: [tagOf(path)],
      parameters: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
        name: m[1]!,
        in: 'path' as const,
        required: true as const,
        schema: { type: 'string' as const },
      })),
      responses: described.responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Magnetar broker HTTP API',
      // The version of the API described (Pulsar's admin REST v2), not of the broker.
      version: 'v2',
      description:
        "Pulsar's admin REST API v2, topic lookup and Prometheus metrics, as this broker serves them.",
    },
    paths,
  };
}

/** Groups operations as pulsar-admin does: tenants, namespaces, persistent topics, lookup, ... */
function tagOf(path: string): string {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] === 'admin' && parts[1] === 'v2' && parts[2] !== undefined) return parts[2];
  return parts[0] ?? 'root';
}

/**
 * Serves the document of every route of `app`. Must be called before other routes are
 * registered (the hook sees only routes added after it); the document is built on first request,
 * when every route is in place.
 */
export function registerOpenApiRoutes(app: FastifyInstance): void {
  const routes = collectRoutes(app);
  let doc: OpenApiDocument | undefined;
  const serve = async () => (doc ??= buildOpenApiDocument(routes));
  app.get('/admin/v2/openapi.json', serve);
  app.get('/openapi.json', serve);
}
