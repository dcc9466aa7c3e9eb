/**
 * Summaries and response codes for the OpenAPI document (./openapi.ts). The list of routes comes
 * from fastify; this table only words them. A route missing here still appears, with a summary
 * derived from its method and path and the status codes every admin route can answer. The 401
 * and 403 answers of each route follow its authorization rule (./auth/route-rules.ts).
 */
import { ruleFor, type RouteRule } from './auth/route-rules.js';

export interface RouteDescription {
  summary: string;
  responses: Record<string, { description: string }>;
}

type Codes = Record<string, string>;

const TOPIC = '/admin/v2/persistent/{tenant}/{namespace}/{topic}';
const SUB = `${TOPIC}/subscription/{subscription}`;
const NS = '/admin/v2/namespaces/{tenant}/{namespace}';

/** Permissions on a topic (routes/permissions.ts), the same for both domains. */
function topicPermissionRows(domain: 'persistent' | 'non-persistent'): Record<string, [string, Codes?]> {
  const base = `/admin/v2/${domain}/{tenant}/{namespace}/{topic}/permissions`;
  const missing = { '404': 'Namespace or topic does not exist' };
  return {
    [`GET ${base}`]: [
      "Permissions on the topic: the namespace's grants and the topic's, merged per role",
      missing,
    ],
    [`POST ${base}/{role}`]: [
      'Grant a role actions on the topic (body: ["produce", "consume", ...]); replaces its previous grant',
      { ...missing, '400': 'Body is not an array of known actions, or the role is empty' },
    ],
    [`DELETE ${base}/{role}`]: [
      "Revoke a role's grant on the topic (and on its partitions)",
      { ...missing, '412': 'Topic name is not valid, or the role has no grant on the topic itself' },
    ],
  };
}

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
  'GET /admin/v2/magnetar/workers': [
    'Magnetar: the broker processes of this standalone (--workers), with the one that answered',
  ],
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
  // Permissions (routes/permissions.ts).
  [`GET ${NS}/permissions`]: ['Permissions granted on the namespace: {role: [actions]}'],
  [`POST ${NS}/permissions/{role}`]: [
    'Grant a role actions on every topic of the namespace (body: ["produce", "consume", ...]); replaces its previous grant',
    { '400': 'Body is not an array of known actions, or the role is empty' },
  ],
  [`DELETE ${NS}/permissions/{role}`]: ["Revoke a role's grant on the namespace (done also if it had none)"],
  [`GET ${NS}/permissions/subscription`]: [
    'Roles allowed on each subscription of the namespace: {subscription: [roles]}',
  ],
  [`POST ${NS}/permissions/subscription/{subscription}`]: [
    'Allow only these roles on a subscription (body: ["role", ...]); replaces the previous set',
    { '400': 'Body is not an array of roles' },
  ],
  [`DELETE ${NS}/permissions/{subscription}/{role}`]: [
    'Remove a role from the roles allowed on a subscription',
    { '404': 'Namespace does not exist, or the subscription has no roles' },
  ],
  [`GET ${NS}/subscriptionAuthMode`]: ['Subscription auth mode of the namespace: "None" or "Prefix"'],
  [`POST ${NS}/subscriptionAuthMode`]: [
    'Set the subscription auth mode (body: "None" or "Prefix"; no body: None)',
    { '400': 'Not a subscription auth mode' },
  ],
  ...topicPermissionRows('persistent'),
  ...topicPermissionRows('non-persistent'),
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

/**
 * What every route can answer: success, missing or refused credentials and roles without the
 * right (by its authorization rule), refused input, a missing parent, an internal failure.
 */
function defaultCodes(method: string, path: string): Codes {
  const codes: Codes = method === 'GET' ? { '200': 'OK' } : { '204': 'Done' };
  Object.assign(codes, authCodes(ruleFor(method, path.replace(/\{(\w+)\}/g, ':$1'))));
  if (!path.startsWith('/admin/') && !path.startsWith('/lookup/')) return codes;
  if (method !== 'GET') codes['400'] = 'Invalid request body or parameter';
  if (path.includes('{')) codes['404'] = 'Tenant, namespace, topic or subscription does not exist';
  if (path.includes('{topic}')) codes['412'] = 'Topic name is not valid';
  codes['500'] = 'Internal server error';
  return codes;
}

const UNAUTHENTICATED = 'No credentials, or credentials the broker refuses (authenticationEnabled)';

/** Who gets 403 under each rule (authorizationEnabled); rules that let every role in have none. */
const FORBIDDEN: Partial<Record<RouteRule, string>> = {
  superuser: 'The role is not a superuser',
  'tenant-admin': 'The role is not an admin of the tenant',
  'namespace-use': 'The role has no permission on the namespace',
  'topic-lookup': 'The role may neither produce nor consume on the topic',
  'topic-produce': 'The role may not produce on the topic',
  'topic-consume': 'The role may not consume on the topic, or not use this subscription',
};

function authCodes(rule: RouteRule | undefined): Codes {
  if (rule === undefined || rule === 'public') return {};
  if (rule === 'metrics') return { '401': `${UNAUTHENTICATED}, with authenticateMetricsEndpoint` };
  const forbidden = FORBIDDEN[rule];
  return forbidden === undefined
    ? { '401': UNAUTHENTICATED }
    : { '401': UNAUTHENTICATED, '403': `${forbidden} (authorizationEnabled)` };
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
