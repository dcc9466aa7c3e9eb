/**
 * What the cluster, tenant and namespace resources share: one typed JSON resource per kind of key,
 * the in-process lock for operations that span several keys, and the local cluster's name.
 *
 * Lock order, to stay free of deadlocks: 'clusters' before 'tenant:<name>'. Cluster deletion and
 * tenant writes take 'clusters' (a tenant must not start using a cluster being deleted); namespace
 * creation and deletion and tenant writes take 'tenant:<name>' (a namespace must not appear under
 * a tenant being deleted). Without multi-key transactions in the metadata store, these locks make
 * the checks exact within one process; writers in other processes are a cluster-mode concern.
 */
import type { ClusterData } from './cluster-data.js';
import type { JsonResource } from './json-resource.js';
import type { KeyedLock } from './keyed-lock.js';
import { isValidName } from './names.js';
import { POLICIES_ROOT, tenantPath } from './paths.js';
import type { Policies } from './policies/types.js';
import type { TenantInfo } from './tenant-info.js';

export interface AdminContext {
  readonly clusterName: string;
  readonly clusters: JsonResource<ClusterData>;
  readonly tenants: JsonResource<TenantInfo>;
  readonly policies: JsonResource<Policies>;
  readonly structure: KeyedLock;
}

/** Names of existing tenants, sorted. Children of the root whose own key is gone are skipped. */
export async function tenantNames(ctx: AdminContext): Promise<string[]> {
  const out: string[] = [];
  for (const name of await ctx.tenants.children(POLICIES_ROOT)) {
    if (isValidName(name) && (await ctx.tenants.exists(tenantPath(name)))) out.push(name);
  }
  return out;
}

export async function tenantEntries(ctx: AdminContext): Promise<[string, TenantInfo][]> {
  const out: [string, TenantInfo][] = [];
  for (const name of await tenantNames(ctx)) {
    const got = await ctx.tenants.get(tenantPath(name));
    if (got) out.push([name, got.value]);
  }
  return out;
}

export const tenantLock = (tenant: string) => `tenant:${tenant}`;
