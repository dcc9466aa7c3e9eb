/**
 * The admin REST API v2 for clusters, tenants and namespaces, added to the broker's HTTP server
 * through its `register` hook. Routes are thin: they check names, read bodies and call the
 * resources (../../resources), whose AdminErrors leave as `{"reason": "..."}` with Pulsar's status.
 */
import type { FastifyInstance } from 'fastify';
import type { AdminResources } from '../../resources/admin-resources.js';
import type { NamespaceTopics } from '../../resources/namespace-resources.js';
import { registerClusterRoutes } from './clusters.js';
import { acceptEmptyJsonBodies } from './http.js';
import { registerPolicyRoutes } from './namespace-policies.js';
import { registerNamespaceRoutes } from './namespaces.js';
import { registerTenantRoutes } from './tenants.js';

export interface AdminRouteDeps {
  resources: AdminResources;
  /** The broker's view of topics: listing for GET .../topics and for refusing to delete non-empty namespaces. */
  topics: NamespaceTopics;
}

export async function registerAdminRoutes(app: FastifyInstance, deps: AdminRouteDeps): Promise<void> {
  // A child scope, so the lenient JSON parser applies to these routes only.
  await app.register(async (scope) => {
    acceptEmptyJsonBodies(scope);
    registerClusterRoutes(scope, deps);
    registerTenantRoutes(scope, deps);
    registerNamespaceRoutes(scope, deps);
    registerPolicyRoutes(scope, deps);
  });
}
