/**
 * Names of clusters, tenants and namespaces, checked as Pulsar's NamedEntity.checkName does
 * (`[-=:.\w]+`). Checked names never contain '/', so they are used in metadata keys unencoded.
 */
import { preconditionFailed } from './errors.js';

const NAMED_ENTITY = /^[-=:.\w]+$/;

export function isValidName(name: string): boolean {
  return NAMED_ENTITY.test(name);
}

/** Throws 412 "Tenant name is not valid" (TenantsBase.createTenant). */
export function checkTenantName(tenant: string): void {
  if (!isValidName(tenant)) throw preconditionFailed('Tenant name is not valid');
}

/** Throws 412 "Cluster name is not valid" (ClustersBase.createCluster). */
export function checkClusterName(cluster: string): void {
  if (!isValidName(cluster)) throw preconditionFailed('Cluster name is not valid');
}

/**
 * Checks both parts and returns "tenant/namespace"; throws 412 "Namespace name is not valid", as
 * PulsarWebResource.validateNamespaceName does for every namespace endpoint.
 */
export function namespaceName(tenant: string, namespace: string): string {
  if (!isValidName(tenant) || !isValidName(namespace)) {
    throw preconditionFailed('Namespace name is not valid');
  }
  return `${tenant}/${namespace}`;
}

/** Splits a checked "tenant/namespace". */
export function splitNamespace(ns: string): { tenant: string; local: string } {
  const slash = ns.indexOf('/');
  if (slash < 0) throw preconditionFailed('Namespace name is not valid');
  return { tenant: ns.slice(0, slash), local: ns.slice(slash + 1) };
}
