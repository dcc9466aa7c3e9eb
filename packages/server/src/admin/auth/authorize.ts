/**
 * Applies one route rule (route-rules.ts) to an authenticated principal: which tenant, namespace,
 * topic and subscription the path names, and which AuthorizationService check decides. Names are
 * read with the same helpers as the route handlers, so a malformed name gets the handler's answer
 * (412 "Topic name is not valid", 404 "Unknown topic domain ...") rather than a refusal, as Pulsar
 * validates names before it checks permissions.
 */
import type { TopicName } from '@magnetar/protocol';
import { restTopicName } from '../../broker/admin-ops/topic-ref.js';
import type { AuthorizationService, Principal } from '../../auth/types.js';
import { notFound } from '../../resources/errors.js';
import { namespaceName } from '../../resources/names.js';
import type { RouteRule } from './route-rules.js';

/** Path parameters as fastify parsed them. */
export type RouteParams = Partial<Record<string, string>>;

/** The outcome of a check: allowed, or the `reason` of the 403. */
export type Verdict = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: Verdict = { allowed: true };

/**
 * Decides a rule that needs authorization (everything but public, metrics and authenticated,
 * which the caller settles). `url` is the route's pattern, which tells a non-persistent topic
 * path from a persistent one.
 */
export async function authorizeRoute(
  rule: RouteRule,
  url: string,
  params: RouteParams,
  principal: Principal,
  authz: AuthorizationService,
): Promise<Verdict> {
  // A superuser passes every check; deciding it first spares the name parsing below.
  if (authz.isSuperUser(principal)) return ALLOWED;
  const who = describe(principal);
  switch (rule) {
    case 'public':
    case 'metrics':
    case 'authenticated':
      return ALLOWED;
    case 'superuser':
      return { allowed: false, reason: 'This operation requires super-user access' };
    case 'tenant-admin':
      return (await authz.isTenantAdmin(params.tenant ?? '', principal))
        ? ALLOWED
        : { allowed: false, reason: "Don't have permission to administrate resources on this tenant" };
    case 'namespace-use': {
      const ns = namespaceName(params.tenant ?? '', params.namespace ?? '');
      return (await authz.canUseNamespace(ns, principal))
        ? ALLOWED
        : { allowed: false, reason: `${who} is not authorized to use namespace ${ns}` };
    }
    case 'topic-lookup':
    case 'topic-produce':
    case 'topic-consume':
      return authorizeTopic(rule, topicOfRoute(url, params), params.subscription, principal, authz);
  }
}

async function authorizeTopic(
  rule: 'topic-lookup' | 'topic-produce' | 'topic-consume',
  topic: TopicName,
  subscription: string | undefined,
  principal: Principal,
  authz: AuthorizationService,
): Promise<Verdict> {
  let ok: boolean;
  let action: string;
  if (rule === 'topic-lookup') {
    ok = await authz.canLookup(topic, principal);
    action = 'look up';
  } else if (rule === 'topic-produce') {
    ok = await authz.canProduce(topic, principal);
    action = 'produce on';
  } else {
    ok = await authz.canConsume(topic, principal, subscription);
    action = subscription === undefined ? 'consume from' : `consume from subscription ${subscription} of`;
  }
  if (ok) return ALLOWED;
  return {
    allowed: false,
    reason: `${describe(principal)} is not authorized to ${action} topic ${topic.toString()}`,
  };
}

/**
 * The topic a route's path names: the lookup route carries its domain as a parameter, the others
 * in their fixed prefix (schemas are always about persistent topics).
 */
export function topicOfRoute(url: string, params: RouteParams): TopicName {
  const { tenant = '', namespace = '', topic = '' } = params;
  if (params.domain !== undefined) {
    if (params.domain !== 'persistent' && params.domain !== 'non-persistent') {
      throw notFound(`Unknown topic domain ${params.domain}`);
    }
    return restTopicName(params.domain, tenant, namespace, topic);
  }
  const domain = url.startsWith('/admin/v2/non-persistent/') ? 'non-persistent' : 'persistent';
  return restTopicName(domain, tenant, namespace, topic);
}

/** "Role r" or, through a proxy, "Role p (for r)", for refusal texts. */
function describe(p: Principal): string {
  return p.originalPrincipal === undefined || p.originalPrincipal === p.role
    ? `Role ${p.role ?? '(none)'}`
    : `Role ${p.role ?? '(none)'} (for ${p.originalPrincipal})`;
}
