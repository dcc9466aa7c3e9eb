// The admin model (clusters, tenants, namespaces, policies) over the metadata store.
export { AdminResources } from './admin-resources.js';
export type { AdminResourcesOptions } from './admin-resources.js';
export { bootstrapStandalone, DEFAULT_NAMESPACE, DEFAULT_TENANT, NO_TOPICS } from './bootstrap.js';
export type { StandaloneBootstrap } from './bootstrap.js';
export { AdminError } from './errors.js';
export type { AdminErrorCode } from './errors.js';
export type { ClusterData } from './cluster-data.js';
export type { TenantInfo } from './tenant-info.js';
export type { NamespaceTopics } from './namespace-resources.js';
export { PolicyService } from './policy-service.js';
export type { PolicyChangeListener } from './policy-service.js';
export { brokerPolicyDefaults, effectivePolicies } from './policies/effective.js';
export type {
  BrokerPolicyDefaults,
  EffectivePolicies,
  EffectiveAutoTopicCreation,
} from './policies/effective.js';
export * from './policies/types.js';
export { CLUSTERS_ROOT, POLICIES_ROOT, clusterPath, namespacePath, tenantPath } from './paths.js';
