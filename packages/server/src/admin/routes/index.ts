/**
 * The admin REST API v2 (clusters, tenants, namespaces, topics, subscriptions) and the topic lookup
 * (/lookup/v2), added to the broker's HTTP server through its `register` hook. Routes are thin:
 * they check names, read bodies and call the resources (../../resources) or the broker's admin
 * operations (../../broker/admin-ops), whose AdminErrors leave as `{"reason": "..."}` with
 * Pulsar's status.
 */
import type { FastifyInstance } from 'fastify';
import type { AuthServices } from '../../auth/index.js';
import { configureAuth } from '../auth-hook.js';
import type { BrokerService } from '../../broker/broker-service.js';
import type { AdminResources } from '../../resources/admin-resources.js';
import type { NamespaceTopics } from '../../resources/namespace-resources.js';
import { registerClusterRoutes } from './clusters.js';
import { registerCompactionRoutes } from './compaction.js';
import { acceptEmptyJsonBodies } from './http.js';
import { registerInflightRoutes } from './inflight.js';
import { registerLookupRoutes } from './lookup.js';
import { registerPolicyRoutes } from './namespace-policies.js';
import { registerSchemaRoutes } from './schemas.js';
import { registerNamespaceRoutes } from './namespaces.js';
import { registerPartitionRoutes } from './partitions.js';
import { registerPermissionRoutes } from './permissions.js';
import { registerSubscriptionRoutes } from './subscriptions.js';
import { registerTenantRoutes } from './tenants.js';
import { registerTopicPolicyRoutes } from './topic-policies.js';
import { registerTopicStatsRoutes } from './topic-stats.js';
import { registerTopicRoutes } from './topics.js';

export interface AdminRouteDeps {
  resources: AdminResources;
  /** The broker's view of topics: listing for GET .../topics and for refusing to delete non-empty namespaces. */
  topics: NamespaceTopics;
  /** The broker whose topics and subscriptions the topic routes and the lookup route act on. */
  broker: BrokerService;
  /** Authentication of requests and authorization of each route (see ../auth-hook.ts). */
  auth: AuthServices;
}

export async function registerAdminRoutes(app: FastifyInstance, deps: AdminRouteDeps): Promise<void> {
  // Every route of this server, these and the built-in ones, is checked from now on (../auth-hook.ts).
  configureAuth(app, {
    services: deps.auth,
    authenticateMetricsEndpoint: deps.broker.config.authenticateMetricsEndpoint,
  });
  // A child scope, so the lenient JSON parser applies to these routes only.
  await app.register(async (scope) => {
    acceptEmptyJsonBodies(scope);
    registerClusterRoutes(scope, deps);
    registerTenantRoutes(scope, deps);
    registerNamespaceRoutes(scope, deps);
    registerPolicyRoutes(scope, deps);
    registerPermissionRoutes(scope, deps);
    registerTopicRoutes(scope, deps.broker);
    registerPartitionRoutes(scope, deps.broker);
    registerTopicStatsRoutes(scope, deps.broker);
    registerTopicPolicyRoutes(scope, deps.broker);
    registerSubscriptionRoutes(scope, deps.broker);
    registerInflightRoutes(scope, deps.broker);
    registerLookupRoutes(scope, deps.broker);
    registerCompactionRoutes(scope, deps.broker);
    registerSchemaRoutes(scope, deps.broker);
  });
}
