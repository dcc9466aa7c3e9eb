/**
 * Permissions (NamespacesBase and PersistentTopicsBase), stored in the namespace's Policies as
 * Pulsar stores them (`auth_policies`, `subscription_auth_mode`):
 *
 *   GET    /admin/v2/namespaces/{tenant}/{ns}/permissions                      → {role: [actions]}
 *   POST   /admin/v2/namespaces/{tenant}/{ns}/permissions/{role}               body ["produce", ...]
 *   DELETE /admin/v2/namespaces/{tenant}/{ns}/permissions/{role}
 *   GET    /admin/v2/namespaces/{tenant}/{ns}/permissions/subscription         → {subscription: [roles]}
 *   POST   /admin/v2/namespaces/{tenant}/{ns}/permissions/subscription/{sub}   body ["role", ...]
 *   DELETE /admin/v2/namespaces/{tenant}/{ns}/permissions/{sub}/{role}
 *   GET    /admin/v2/namespaces/{tenant}/{ns}/subscriptionAuthMode             → "None" | "Prefix"
 *   POST   /admin/v2/namespaces/{tenant}/{ns}/subscriptionAuthMode             body "Prefix"
 *   GET    /admin/v2/{domain}/{tenant}/{ns}/{topic}/permissions                → namespace ∪ topic grants
 *   POST   /admin/v2/{domain}/{tenant}/{ns}/{topic}/permissions/{role}         body ["consume", ...]
 *   DELETE /admin/v2/{domain}/{tenant}/{ns}/{topic}/permissions/{role}
 *
 * Who may call them (tenant admins) is decided by the auth hook (../auth/route-rules.ts). A grant
 * replaces the role's (or subscription's) previous set. Writes run inside the namespace's
 * compare-and-set update, so concurrent grants never lose each other.
 */
import type { FastifyInstance } from 'fastify';
import { topicNotFound } from '../../broker/admin-ops/topic-ref.js';
import type { BrokerService } from '../../broker/broker-service.js';
import { AUTH_ACTIONS, type AuthAction } from '../../auth/types.js';
import { badRequest, notFound, preconditionFailed } from '../../resources/errors.js';
import { namespaceName } from '../../resources/names.js';
import { asEnum } from '../../resources/policies/json-fields.js';
import { SUBSCRIPTION_AUTH_MODES, type Policies } from '../../resources/policies/types.js';
import { topicOfRoute } from '../auth/authorize.js';
import type { AdminRouteDeps } from './index.js';
import { noContent, sendJson, type Params } from './http.js';

type NsParams = Params<'tenant' | 'namespace'>;
type TopicParams = Params<'tenant' | 'namespace' | 'topic'>;
type WithRole<P extends { Params: object }> = { Params: P['Params'] & { role: string } };

const NS = '/admin/v2/namespaces/:tenant/:namespace';

export function registerPermissionRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  registerNamespacePermissionRoutes(app, deps);
  registerSubscriptionPermissionRoutes(app, deps);
  for (const domain of ['persistent', 'non-persistent'] as const) {
    registerTopicPermissionRoutes(app, deps.resources.namespaces, deps.broker, domain);
  }
}

type Namespaces = AdminRouteDeps['resources']['namespaces'];
const nsOf = (p: { tenant: string; namespace: string }) => namespaceName(p.tenant, p.namespace);

function registerNamespacePermissionRoutes(app: FastifyInstance, { resources }: AdminRouteDeps): void {
  const namespaces = resources.namespaces;

  app.get<NsParams>(`${NS}/permissions`, async (req, reply) =>
    sendJson(reply, (await namespaces.require(nsOf(req.params))).auth_policies.namespace_auth),
  );

  app.post<WithRole<NsParams>>(`${NS}/permissions/:role`, async (req, reply) => {
    const ns = nsOf(req.params);
    const role = checkRole(req.params.role);
    const actions = parseActions(req.body);
    await namespaces.update(ns, (p) => {
      p.auth_policies.namespace_auth[role] = actions;
    });
    req.log.info({ namespace: ns, role, actions }, 'granted namespace permission');
    return noContent(reply);
  });

  // Pulsar removes the role's entry whether or not it had one (204 either way).
  app.delete<WithRole<NsParams>>(`${NS}/permissions/:role`, async (req, reply) => {
    const ns = nsOf(req.params);
    const role = checkRole(req.params.role);
    await namespaces.update(ns, (p) => {
      delete p.auth_policies.namespace_auth[role];
    });
    req.log.info({ namespace: ns, role }, 'revoked namespace permission');
    return noContent(reply);
  });

  app.get<NsParams>(`${NS}/subscriptionAuthMode`, async (req, reply) =>
    sendJson(reply, (await namespaces.require(nsOf(req.params))).subscription_auth_mode),
  );

  // NamespacesBase.setSubscriptionAuthMode: no body means None.
  app.post<NsParams>(`${NS}/subscriptionAuthMode`, async (req, reply) => {
    const ns = nsOf(req.params);
    const body: unknown = req.body ?? 'None';
    const mode = asEnum(body, SUBSCRIPTION_AUTH_MODES, 'subscriptionAuthMode');
    await namespaces.update(ns, (p) => {
      p.subscription_auth_mode = mode;
    });
    return noContent(reply);
  });
}

function registerSubscriptionPermissionRoutes(app: FastifyInstance, { resources }: AdminRouteDeps): void {
  const namespaces = resources.namespaces;
  type SubParams = { Params: NsParams['Params'] & { subscription: string } };

  app.get<NsParams>(`${NS}/permissions/subscription`, async (req, reply) =>
    sendJson(reply, (await namespaces.require(nsOf(req.params))).auth_policies.subscription_auth_roles),
  );

  app.post<SubParams>(`${NS}/permissions/subscription/:subscription`, async (req, reply) => {
    const ns = nsOf(req.params);
    const subscription = checkName(req.params.subscription, 'Subscription');
    const roles = parseRoles(req.body);
    await namespaces.update(ns, (p) => {
      p.auth_policies.subscription_auth_roles[subscription] = roles;
    });
    req.log.info({ namespace: ns, subscription, roles }, 'granted subscription permission');
    return noContent(reply);
  });

  // Pulsar's updateSubscriptionPermission fails for a subscription with no roles (answered 404).
  app.delete<WithRole<SubParams>>(`${NS}/permissions/:subscription/:role`, async (req, reply) => {
    const ns = nsOf(req.params);
    const subscription = checkName(req.params.subscription, 'Subscription');
    const role = checkRole(req.params.role);
    await namespaces.update(ns, (p) => {
      const roles = p.auth_policies.subscription_auth_roles[subscription];
      if (roles === undefined) {
        throw notFound(`Subscription ${subscription} has no permissions in namespace ${ns}`);
      }
      const left = roles.filter((r) => r !== role);
      // An empty list restricts nothing (canConsume skips it), so it is dropped rather than kept.
      if (left.length > 0) p.auth_policies.subscription_auth_roles[subscription] = left;
      else delete p.auth_policies.subscription_auth_roles[subscription];
    });
    req.log.info({ namespace: ns, subscription, role }, 'revoked subscription permission');
    return noContent(reply);
  });
}

function registerTopicPermissionRoutes(
  app: FastifyInstance,
  namespaces: Namespaces,
  broker: BrokerService,
  domain: 'persistent' | 'non-persistent',
): void {
  const base = `/admin/v2/${domain}/:tenant/:namespace/:topic/permissions`;
  /** The topic, which must exist (Pulsar's allowAclChangesOnNonExistentTopics=false). */
  const existingTopic = async (params: TopicParams['Params']) => {
    const topic = topicOfRoute(base, params);
    const policies = await namespaces.require(topic.namespace);
    if (!(await broker.topicExists(topic))) throw topicNotFound(topic.toString());
    return { topic, policies };
  };

  // internalGetPermissionsOnTopic: the namespace's grants, then the topic's added to them.
  app.get<TopicParams>(base, async (req, reply) => {
    const { topic, policies } = await existingTopic(req.params);
    const auth = policies.auth_policies;
    const merged: Record<string, AuthAction[]> = {};
    for (const [role, actions] of Object.entries(auth.namespace_auth))
      merged[role] = [...actions] as AuthAction[];
    for (const [role, actions] of Object.entries(auth.destination_auth[topic.toString()] ?? {})) {
      merged[role] = [...new Set([...(merged[role] ?? []), ...(actions as AuthAction[])])];
    }
    return sendJson(reply, merged);
  });

  app.post<WithRole<TopicParams>>(`${base}/:role`, async (req, reply) => {
    const { topic } = await existingTopic(req.params);
    const role = checkRole(req.params.role);
    const actions = parseActions(req.body);
    const key = topic.toString();
    await namespaces.update(topic.namespace, (p) => {
      p.auth_policies.destination_auth[key] = { ...p.auth_policies.destination_auth[key], [role]: actions };
    });
    req.log.info({ topic: key, role, actions }, 'granted topic permission');
    return noContent(reply);
  });

  // internalRevokePermissionsOnTopic: the role's grants on the partitions go too; 412 when the
  // topic itself has none for the role.
  app.delete<WithRole<TopicParams>>(`${base}/:role`, async (req, reply) => {
    const { topic } = await existingTopic(req.params);
    const role = checkRole(req.params.role);
    const partitions = topic.isPartition ? 0 : await broker.partitions.partitions(topic);
    const keys = [
      topic.toString(),
      ...Array.from({ length: partitions }, (_, i) => topic.partition(i).toString()),
    ];
    await namespaces.update(topic.namespace, (p) => {
      if (p.auth_policies.destination_auth[keys[0]!]?.[role] === undefined) {
        throw preconditionFailed('Permissions are not set at the topic level');
      }
      for (const key of keys) removeTopicGrant(p, key, role);
    });
    req.log.info({ topic: keys[0], role }, 'revoked topic permission');
    return noContent(reply);
  });
}

function removeTopicGrant(p: Policies, topic: string, role: string): void {
  const roles = p.auth_policies.destination_auth[topic];
  if (roles === undefined) return;
  delete roles[role];
  if (Object.keys(roles).length === 0) delete p.auth_policies.destination_auth[topic];
}

/** A path segment naming a role or subscription; an empty one is a client mistake. */
function checkName(value: string, what: 'Role' | 'Subscription'): string {
  if (value.trim() === '') throw badRequest(`${what} must not be empty`);
  return value;
}

const checkRole = (role: string) => checkName(role, 'Role');

/** Set<AuthAction> as Jackson reads it: a JSON array of known action names, duplicates dropped. */
function parseActions(body: unknown): AuthAction[] {
  if (!Array.isArray(body)) {
    throw badRequest(
      `The actions must be a JSON array, e.g. ["produce","consume"]; allowed: ${AUTH_ACTIONS.join(', ')}`,
    );
  }
  const actions = new Set<AuthAction>();
  for (const a of body) {
    if (typeof a !== 'string' || !(AUTH_ACTIONS as readonly string[]).includes(a)) {
      throw badRequest(`Unknown action ${JSON.stringify(a)}: allowed are ${AUTH_ACTIONS.join(', ')}`);
    }
    actions.add(a as AuthAction);
  }
  return [...actions];
}

/** Set<String> of roles: a JSON array of non-empty strings, duplicates dropped. */
function parseRoles(body: unknown): string[] {
  if (!Array.isArray(body)) throw badRequest('The roles must be a JSON array, e.g. ["app1","app2"]');
  const roles = new Set<string>();
  for (const r of body) {
    if (typeof r !== 'string' || r.trim() === '') {
      throw badRequest(`Invalid role ${JSON.stringify(r)}: roles must be non-empty strings`);
    }
    roles.add(r);
  }
  return [...roles];
}
