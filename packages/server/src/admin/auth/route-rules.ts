/**
 * Who may call each route of the broker's HTTP server: one row per method and URL exactly as
 * fastify registers them (`:param` syntax). auth-hook.ts looks every route up here as it is
 * registered, and a broker with a route missing from this table does not start, so no endpoint is
 * left unchecked. HEAD routes (fastify adds one per GET) take the rule of their GET.
 *
 * The rules are those of Pulsar's admin resources with the default PulsarAuthorizationProvider:
 * the validateSuperUserAccess / validateTenantOperation / validateNamespaceOperation /
 * validateTopicOperation call of each endpoint, and what allowTenantOperation,
 * allowNamespaceOperation and allowTopicOperation require for that operation.
 */
import { POLICY_ENDPOINTS } from '../routes/policy-endpoints.js';
import { NAMESPACE_BASE, TOPIC_BASE } from '../routes/topics-params.js';

export type RouteRule =
  /** No authentication (Pulsar's unauthenticated web resources). */
  | 'public'
  /** /metrics: public unless authenticateMetricsEndpoint, then any authenticated role. */
  | 'metrics'
  /** Any authenticated role. */
  | 'authenticated'
  /** A superUserRoles role. */
  | 'superuser'
  /** A superuser or an admin role of the path's :tenant (Pulsar's validateTenantAdminAccess). */
  | 'tenant-admin'
  /** canUseNamespace on :tenant/:namespace (NamespaceOperation.GET_TOPICS). */
  | 'namespace-use'
  /** canLookup on the path's topic (TopicOperation LOOKUP, GET_STATS, GET_METADATA). */
  | 'topic-lookup'
  /** canProduce on the path's topic (TopicOperation.PRODUCE). */
  | 'topic-produce'
  /**
   * canConsume on the path's topic, with its :subscription when it has one (TopicOperation
   * CONSUME, SUBSCRIBE, UNSUBSCRIBE, SKIP, EXPIRE_MESSAGES, PEEK_MESSAGES, RESET_CURSOR,
   * GET_SUBSCRIPTIONS).
   */
  | 'topic-consume';

export interface RouteRuleRow {
  method: string;
  url: string;
  rule: RouteRule;
}

const NS = '/admin/v2/namespaces/:tenant/:namespace';
const SUB = `${TOPIC_BASE}/subscription/:subscription`;
const SCHEMA = '/admin/v2/schemas/:tenant/:namespace/:topic';
const DOMAINS = ['persistent', 'non-persistent'] as const;

/** The topic-level policies of routes/topic-policies.ts; backlogQuotaMap is read-only. */
const TOPIC_POLICIES = [
  'messageTTL',
  'retention',
  'backlogQuota',
  'maxProducers',
  'maxConsumers',
  'maxConsumersPerSubscription',
  'publishRate',
  'dispatchRate',
  'deduplicationEnabled',
];

function rows(rule: RouteRule, methods: string[], ...urls: string[]): RouteRuleRow[] {
  return urls.flatMap((url) => methods.map((method) => ({ method, url, rule })));
}

/** The methods each namespace policy endpoint registers (routes/namespace-policies.ts). */
function namespacePolicyRows(): RouteRuleRow[] {
  return POLICY_ENDPOINTS.flatMap((e) => {
    const methods = [
      ...(e.read ? ['GET'] : []),
      ...(e.write ? [e.write.method] : []),
      ...(e.remove ? ['DELETE'] : []),
    ];
    // NamespacesBase checks every policy read and write with validateNamespacePolicyOperation.
    return rows('tenant-admin', methods, `${NS}/${e.path}`);
  });
}

function builtInRows(): RouteRuleRow[] {
  return [
    ...rows('metrics', ['GET'], '/metrics'),
    // Everything under /admin requires authentication in Pulsar (WebService.addRestResources with
    // requiresAuthentication); the API description holds no data, so any role may read it.
    ...rows('authenticated', ['GET'], '/admin/v2/openapi.json', '/openapi.json'),
    // ClustersBase.getClusters checks nothing beyond authentication.
    ...rows('authenticated', ['GET'], '/admin/v2/clusters'),
    // BrokersBase.healthCheck and getActiveBrokers: validateBothSuperuserAndBrokerOperation.
    ...rows('superuser', ['GET'], '/admin/v2/brokers/health', '/admin/v2/brokers/:cluster'),
    // Magnetar: the workers of a multi-core standalone, as getActiveBrokers is for a cluster.
    ...rows('superuser', ['GET'], '/admin/v2/magnetar/workers'),
  ];
}

function tenantAndNamespaceRows(): RouteRuleRow[] {
  return [
    ...rows('superuser', ['GET', 'PUT', 'POST', 'DELETE'], '/admin/v2/clusters/:cluster'),
    // TenantsBase: listing, creating and deleting tenants belong to superusers; a tenant's admins
    // may read and update it (TenantOperation.GET_TENANT, UPDATE_TENANT).
    ...rows('superuser', ['GET'], '/admin/v2/tenants'),
    ...rows('superuser', ['PUT', 'DELETE'], '/admin/v2/tenants/:tenant'),
    ...rows('tenant-admin', ['GET', 'POST'], '/admin/v2/tenants/:tenant'),
    ...rows('tenant-admin', ['GET'], '/admin/v2/namespaces/:tenant'),
    ...rows('tenant-admin', ['GET', 'PUT', 'DELETE'], NS),
    ...rows('tenant-admin', ['GET'], `${NS}/bundles`),
    ...rows('tenant-admin', ['GET', 'POST'], `${NS}/replication`),
    ...rows('namespace-use', ['GET'], `${NS}/topics`),
    ...namespacePolicyRows(),
    // Permissions (routes/permissions.ts): NamespaceOperation GET_PERMISSION, GRANT_PERMISSION,
    // REVOKE_PERMISSION and the subscription auth mode policy, all tenant-admin only.
    ...rows('tenant-admin', ['GET'], `${NS}/permissions`, `${NS}/permissions/subscription`),
    ...rows('tenant-admin', ['POST', 'DELETE'], `${NS}/permissions/:role`),
    ...rows('tenant-admin', ['POST'], `${NS}/permissions/subscription/:subscription`),
    ...rows('tenant-admin', ['DELETE'], `${NS}/permissions/:subscription/:role`),
    ...rows('tenant-admin', ['GET', 'POST'], `${NS}/subscriptionAuthMode`),
  ];
}

function topicRows(): RouteRuleRow[] {
  return [
    ...rows('namespace-use', ['GET'], NAMESPACE_BASE),
    // NamespaceOperation CREATE_TOPIC / DELETE_TOPIC; TopicOperation UNLOAD, TERMINATE, COMPACT.
    ...rows('tenant-admin', ['PUT', 'DELETE'], TOPIC_BASE),
    ...rows('tenant-admin', ['PUT'], `${TOPIC_BASE}/unload`),
    ...rows('tenant-admin', ['POST'], `${TOPIC_BASE}/terminate`),
    ...rows('tenant-admin', ['PUT', 'GET'], `${TOPIC_BASE}/compaction`),
    ...rows('topic-lookup', ['GET'], `${TOPIC_BASE}/stats`, `${TOPIC_BASE}/partitioned-stats`),
    ...rows('topic-lookup', ['GET'], `${TOPIC_BASE}/internalStats`),
    // internalGetLastMessageId checks PEEK_MESSAGES, and getSubscriptions GET_SUBSCRIPTIONS: both
    // need the consume permission, not just lookup.
    ...rows('topic-consume', ['GET'], `${TOPIC_BASE}/lastMessageId`, `${TOPIC_BASE}/subscriptions`),
    ...rows('topic-consume', ['POST'], `${TOPIC_BASE}/all_subscription/expireMessages/:seconds`),
    ...rows('topic-consume', ['PUT', 'DELETE'], SUB),
    ...rows('topic-consume', ['GET'], `${SUB}/position/:position`),
    ...rows('topic-consume', ['POST'], `${SUB}/resetcursor`, `${SUB}/resetcursor/:timestamp`),
    ...rows('topic-consume', ['POST'], `${SUB}/skip/:count`, `${SUB}/skip_all`),
    ...rows('topic-consume', ['POST'], `${SUB}/expireMessages/:seconds`),
    // Magnetar's in-flight listing shows what a subscription delivered: consume on it.
    ...rows('topic-consume', ['GET'], `${SUB}/inflight`, `${SUB}/inflight/key-shared`),
    // Topic policies: allowTopicPolicyOperation is validateTenantAdminAccess.
    ...TOPIC_POLICIES.flatMap((p) => rows('tenant-admin', ['GET', 'POST', 'DELETE'], `${TOPIC_BASE}/${p}`)),
    ...rows('tenant-admin', ['GET'], `${TOPIC_BASE}/backlogQuotaMap`),
    ...DOMAINS.flatMap((domain) => {
      const base = `/admin/v2/${domain}/:tenant/:namespace`;
      return [
        ...rows('tenant-admin', ['PUT', 'POST', 'DELETE'], `${base}/:topic/partitions`),
        ...rows('topic-lookup', ['GET'], `${base}/:topic/partitions`),
        ...rows('namespace-use', ['GET'], `${base}/partitioned`),
        // Topic permissions: validateAdminAccessForTenant.
        ...rows('tenant-admin', ['GET'], `${base}/:topic/permissions`),
        ...rows('tenant-admin', ['POST', 'DELETE'], `${base}/:topic/permissions/:role`),
      ];
    }),
  ];
}

function lookupAndSchemaRows(): RouteRuleRow[] {
  return [
    ...rows('topic-lookup', ['GET'], '/lookup/v2/topic/:domain/:tenant/:namespace/:topic'),
    // SchemasResource: reads and the compatibility test need lookup, an upload needs produce
    // (TopicOperation.PRODUCE); deleting a schema is for tenant admins.
    ...rows('topic-lookup', ['GET'], `${SCHEMA}/schema`, `${SCHEMA}/schema/:version`, `${SCHEMA}/schemas`),
    ...rows('topic-lookup', ['POST'], `${SCHEMA}/compatibility`),
    ...rows('topic-produce', ['POST'], `${SCHEMA}/schema`),
    ...rows('tenant-admin', ['DELETE'], `${SCHEMA}/schema`),
  ];
}

/** Every rule, in the order of the route files. */
export const ROUTE_RULES: readonly RouteRuleRow[] = [
  ...builtInRows(),
  ...tenantAndNamespaceRows(),
  ...topicRows(),
  ...lookupAndSchemaRows(),
];

const byRoute = new Map<string, RouteRule>();
for (const row of ROUTE_RULES) {
  const key = `${row.method} ${row.url}`;
  if (byRoute.has(key)) throw new Error(`two authorization rules for ${key}`);
  byRoute.set(key, row.rule);
}

/** The rule of a route, or undefined when the table has none. HEAD follows GET. */
export function ruleFor(method: string, url: string): RouteRule | undefined {
  const m = method.toUpperCase();
  return byRoute.get(`${m === 'HEAD' ? 'GET' : m} ${url}`);
}
