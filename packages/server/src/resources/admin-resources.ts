/**
 * The admin model over one metadata store: clusters, tenants, namespaces with their policies, and
 * the PolicyService the broker reads. One instance per broker process.
 */
import type { MetadataStore } from '../metadata/types.js';
import { parseClusterData, type ClusterData } from './cluster-data.js';
import { ClusterResources } from './cluster-resources.js';
import type { AdminContext } from './context.js';
import { JsonResource } from './json-resource.js';
import { KeyedLock } from './keyed-lock.js';
import { NamespaceResources } from './namespace-resources.js';
import type { BrokerPolicyDefaults } from './policies/effective.js';
import { parsePolicies } from './policies/parse.js';
import type { Policies } from './policies/types.js';
import { PolicyService } from './policy-service.js';
import { TenantResources } from './tenant-resources.js';
import { parseTenantInfo, type TenantInfo } from './tenant-info.js';

export interface AdminResourcesOptions {
  /** This broker's cluster: the default replication cluster and the key of per-cluster rate maps. */
  clusterName: string;
  defaults: BrokerPolicyDefaults;
}

export class AdminResources {
  readonly clusters: ClusterResources;
  readonly tenants: TenantResources;
  readonly namespaces: NamespaceResources;
  readonly policies: PolicyService;

  constructor(store: MetadataStore, options: AdminResourcesOptions) {
    const valueLock = new KeyedLock();
    const ctx: AdminContext = {
      clusterName: options.clusterName,
      clusters: new JsonResource<ClusterData>(store, stored(parseClusterData), valueLock),
      tenants: new JsonResource<TenantInfo>(store, stored(parseTenantInfo), valueLock),
      policies: new JsonResource<Policies>(store, stored(parsePolicies), valueLock),
      structure: new KeyedLock(),
    };
    this.clusters = new ClusterResources(ctx);
    this.tenants = new TenantResources(ctx, () => this.namespaces);
    this.namespaces = new NamespaceResources(ctx, () => this.tenants);
    this.policies = new PolicyService(store, this.namespaces, options.defaults, options.clusterName);
  }

  close(): void {
    this.policies.close();
  }
}

/** Stored values went through the same readers when written; failing now means corrupt metadata. */
function stored<T>(read: (raw: unknown) => T): (raw: unknown, path: string) => T {
  return (raw, path) => {
    try {
      return read(raw);
    } catch (err) {
      throw new Error(`unreadable metadata at ${path}: ${(err as Error).message}`, { cause: err });
    }
  };
}
