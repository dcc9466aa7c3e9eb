/**
 * Where the admin model lives in the metadata store. The layout follows Pulsar's configuration
 * store, so that an operator who knows ZooKeeper paths of a Pulsar cluster finds the same shape:
 *
 *   /admin/clusters/<cluster>              ClusterData JSON (serviceUrl, brokerServiceUrl, ...)
 *   /admin/policies/<tenant>               TenantInfo JSON ({adminRoles, allowedClusters})
 *   /admin/policies/<tenant>/<namespace>   Policies JSON (Pulsar's field names)
 *
 * Values are UTF-8 JSON. Every write is a compare-and-set on the key's version. Names are checked
 * (names.ts) before they reach these functions, so no segment can contain '/'.
 */
import { isValidName } from './names.js';

export const CLUSTERS_ROOT = '/admin/clusters';
export const POLICIES_ROOT = '/admin/policies';

function segment(name: string): string {
  // Programmer error: every caller validates names first and answers bad input with 412.
  if (!isValidName(name)) throw new Error(`unchecked name "${name}" used in a metadata path`);
  return name;
}

export function clusterPath(cluster: string): string {
  return `${CLUSTERS_ROOT}/${segment(cluster)}`;
}

export function tenantPath(tenant: string): string {
  return `${POLICIES_ROOT}/${segment(tenant)}`;
}

/** `ns` is "tenant/namespace". */
export function namespacePath(ns: string): string {
  const [tenant, local, extra] = ns.split('/');
  if (local === undefined || extra !== undefined) throw new Error(`not a "tenant/namespace": ${ns}`);
  return `${tenantPath(tenant)}/${segment(local)}`;
}

/** The namespace ("tenant/namespace") a policies key belongs to, or null for any other key. */
export function namespaceOfPath(path: string): string | null {
  if (!path.startsWith(`${POLICIES_ROOT}/`)) return null;
  const parts = path.slice(POLICIES_ROOT.length + 1).split('/');
  return parts.length === 2 ? `${parts[0]}/${parts[1]}` : null;
}
