/**
 * Summaries and response codes for the OpenAPI document (./openapi.ts). The list of routes comes
 * from fastify; this table only words them. A route missing here still appears, with a summary
 * derived from its method and path and the status codes every admin route can answer.
 */

export interface RouteDescription {
  summary: string;
  responses: Record<string, { description: string }>;
}

type Codes = Record<string, string>;

const TOPIC = '/admin/v2/persistent/{tenant}/{namespace}/{topic}';
const SUB = `${TOPIC}/subscription/{subscription}`;

/** "METHOD path" → summary and the codes that differ from the defaults (see `defaultCodes`). */
const TABLE: Record<string, [summary: string, codes?: Codes]> = {
  'GET /metrics': ['Prometheus metrics of the broker, topics and subscriptions (text exposition 0.0.4)'],
  'GET /openapi.json': ['This document'],
  'GET /admin/v2/openapi.json': ['This document'],
  'GET /admin/v2/brokers/health': [
    'Health check: "ok" while the broker serves',
    { '503': 'Broker is not healthy' },
  ],
  'GET /admin/v2/brokers/{cluster}': ['Active brokers of the cluster (host:port of their HTTP listener)'],
  'GET /admin/v2/clusters': ['List clusters'],
  'GET /admin/v2/tenants': ['List tenants'],
  'GET /admin/v2/tenants/{tenant}': ['Get the admin roles and allowed clusters of a tenant'],
  'PUT /admin/v2/tenants/{tenant}': ['Create a tenant', { '409': 'Tenant already exists' }],
  'POST /admin/v2/tenants/{tenant}': ['Update a tenant'],
  'DELETE /admin/v2/tenants/{tenant}': ['Delete a tenant', { '409': 'The tenant still has namespaces' }],
  'GET /admin/v2/namespaces/{tenant}': ['List the namespaces of a tenant'],
  'GET /admin/v2/namespaces/{tenant}/{namespace}': ['Get the policies of a namespace'],
  'PUT /admin/v2/namespaces/{tenant}/{namespace}': [
    'Create a namespace',
    { '409': 'Namespace already exists' },
  ],
  'DELETE /admin/v2/namespaces/{tenant}/{namespace}': [
    'Delete a namespace',
    { '409': 'The namespace still has topics' },
  ],
  'GET /admin/v2/persistent/{tenant}/{namespace}': ['List the persistent topics of a namespace'],
  [`PUT ${TOPIC}`]: ['Create a non-partitioned topic', { '409': 'Topic already exists' }],
  [`DELETE ${TOPIC}`]: ['Delete a topic', { '412': 'Topic has active producers or subscriptions' }],
  [`GET ${TOPIC}/stats`]: ['Topic stats (rates, counters, producers, subscriptions, consumers)'],
  [`GET ${TOPIC}/internalStats`]: ['Internal stats of the topic (ledgers, cursors)'],
  [`PUT ${TOPIC}/unload`]: ['Unload the topic; it is loaded again on next use'],
  [`POST ${TOPIC}/terminate`]: ['Terminate the topic: no more messages may be published'],
  [`GET ${TOPIC}/lastMessageId`]: ['Message id of the last message of the topic'],
  [`GET ${TOPIC}/subscriptions`]: ['List the subscriptions of the topic'],
  [`PUT ${SUB}`]: ['Create a subscription', { '409': 'Subscription already exists' }],
  [`DELETE ${SUB}`]: ['Delete a subscription', { '412': 'Subscription has active consumers' }],
  [`GET ${SUB}/inflight`]: ['Magnetar: messages delivered to consumers and not yet acknowledged'],
  'GET /lookup/v2/topic/{domain}/{tenant}/{namespace}/{topic}': ['Look up the broker serving a topic'],
};

/** The routes the table words, as "METHOD path"; a test checks each one exists. */
export function describedRoutes(): string[] {
  return Object.keys(TABLE);
}

export function describeRoute(method: string, path: string): RouteDescription {
  const entry = TABLE[`${method} ${path}`];
  const codes: Codes = { ...defaultCodes(method, path), ...entry?.[1] };
  const responses: RouteDescription['responses'] = {};
  for (const code of Object.keys(codes).sort()) responses[code] = { description: codes[code]! };
  return { summary: entry?.[0] ?? derivedSummary(method, path), responses };
}

/** What every route can answer: success, refused input, a missing parent, an internal failure. */
function defaultCodes(method: string, path: string): Codes {
  const codes: Codes = method === 'GET' ? { '200': 'OK' } : { '204': 'Done' };
  if (!path.startsWith('/admin/') && !path.startsWith('/lookup/')) return codes;
  if (method !== 'GET') codes['400'] = 'Invalid request body or parameter';
  if (path.includes('{')) codes['404'] = 'Tenant, namespace, topic or subscription does not exist';
  if (path.includes('{topic}')) codes['412'] = 'Topic name is not valid';
  codes['500'] = 'Internal server error';
  return codes;
}

/** `GET …/{topic}/retention` → "Get retention"; `PUT …/{namespace}/{topic}` → "Set topic". */
function derivedSummary(method: string, path: string): string {
  const last =
    path
      .split('/')
      .filter((p) => p !== '')
      .pop() ?? '';
  const what = last.replace(/^\{(.*)\}$/, '$1');
  const verb = { GET: 'Get', PUT: 'Set', POST: 'Update', DELETE: 'Remove' }[method] ?? method;
  return `${verb} ${what}`;
}
