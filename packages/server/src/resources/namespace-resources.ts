/**
 * Namespaces (NamespacesBase): list per tenant, create with optional policies, read, update one
 * policy at a time by compare-and-set, and delete. Creation and deletion hold the tenant's lock so
 * a namespace never appears under a tenant that is being deleted.
 */
import { tenantLock, type AdminContext } from './context.js';
import { conflict, forbidden, methodNotAllowed, notFound, preconditionFailed } from './errors.js';
import { checkTenantName, isValidName, splitNamespace } from './names.js';
import { clusterPath, namespacePath, tenantPath } from './paths.js';
import { parsePolicies } from './policies/parse.js';
import { checkPolicies } from './policies/rules.js';
import { defaultPolicies, type Policies } from './policies/types.js';
import type { TenantResources } from './tenant-resources.js';

/** How the resources learn about and remove topics, which only the broker knows. */
export interface NamespaceTopics {
  /** Full names of the namespace's topics. */
  list(namespace: string): Promise<string[]>;
  /** Deletes the given topics; absent while the broker cannot delete topics. */
  delete?(topics: string[]): Promise<void>;
}

export const NAMESPACE_NOT_FOUND = 'Namespace does not exist';

export class NamespaceResources {
  constructor(
    private readonly ctx: AdminContext,
    private readonly tenants: () => TenantResources,
  ) {}

  /** GET /namespaces/{tenant}: "tenant/ns" names; 412 bad tenant name, 404 "Tenant not found". */
  async list(tenant: string): Promise<string[]> {
    checkTenantName(tenant);
    if (!(await this.ctx.tenants.exists(tenantPath(tenant)))) throw notFound('Tenant not found');
    const locals = await this.ctx.policies.children(tenantPath(tenant));
    return locals.filter(isValidName).map((local) => `${tenant}/${local}`);
  }

  /** The policies of a checked "tenant/ns", or null. */
  async get(ns: string): Promise<Policies | null> {
    return (await this.ctx.policies.get(namespacePath(ns)))?.value ?? null;
  }

  /** Throws 404 "Namespace does not exist". */
  async require(ns: string): Promise<Policies> {
    const p = await this.get(ns);
    if (!p) throw notFound(NAMESPACE_NOT_FOUND);
    return p;
  }

  exists(ns: string): Promise<boolean> {
    return this.ctx.policies.exists(namespacePath(ns));
  }

  /**
   * PUT /namespaces/{tenant}/{ns} with an optional Policies body. Replication clusters default to
   * the local cluster and must be allowed for the tenant (403, Pulsar's text); then every policy
   * rule applies (400/412); 409 "Namespace already exists".
   */
  async create(ns: string, body: unknown): Promise<Policies> {
    const parsed = body === undefined || body === null ? defaultPolicies([]) : parsePolicies(body);
    if (parsed.replication_clusters.length === 0) parsed.replication_clusters = [this.ctx.clusterName];
    const { tenant } = splitNamespace(ns);
    return this.ctx.structure.run(tenantLock(tenant), async () => {
      const info = await this.tenants().require(tenant);
      for (const cluster of parsed.replication_clusters) {
        if (!info.allowedClusters.includes(cluster)) {
          throw forbidden(
            `Cluster [${cluster}] is not in the list of allowed clusters list for tenant [${tenant}]`,
          );
        }
      }
      const policies = checkPolicies(parsed);
      if (!(await this.ctx.policies.create(namespacePath(ns), policies)))
        throw conflict('Namespace already exists');
      return policies;
    });
  }

  /**
   * Applies `change` by compare-and-set (see JsonResource.update); 404 "Namespace does not exist".
   * A change that throws leaves the stored policies untouched.
   */
  async update(
    ns: string,
    change: (p: Policies) => Policies | void | Promise<Policies | void>,
  ): Promise<Policies> {
    const written = await this.ctx.policies.update(namespacePath(ns), async (p) => (await change(p)) ?? p);
    if (!written) throw notFound(NAMESPACE_NOT_FOUND);
    return written;
  }

  /**
   * DELETE /namespaces/{tenant}/{ns}: 404 if missing; 409 "Cannot delete non empty namespace"
   * while it has topics, unless `force`. Forcing needs a broker that can delete topics; without
   * one the answer is Pulsar's 405 for brokers that do not allow forced deletion.
   */
  async delete(ns: string, force: boolean, topics: NamespaceTopics): Promise<void> {
    const { tenant } = splitNamespace(ns);
    await this.ctx.structure.run(tenantLock(tenant), async () => {
      if (!(await this.exists(ns))) throw notFound(`Namespace ${ns} does not exist.`);
      const present = await topics.list(ns);
      if (present.length > 0) {
        if (!force) throw conflict('Cannot delete non empty namespace');
        if (!topics.delete) throw methodNotAllowed("Broker doesn't allow forced deletion of namespaces");
        await topics.delete(present);
      }
      await this.ctx.policies.delete(namespacePath(ns));
    });
  }

  /**
   * POST /namespaces/{tenant}/{ns}/replication (internalSetNamespaceReplicationClusters): each
   * cluster must exist and be allowed for the namespace (or else its tenant).
   */
  async setReplicationClusters(ns: string, clusters: string[]): Promise<void> {
    if (clusters.length === 0) throw preconditionFailed('ClusterIds should not be null or empty');
    if (clusters.includes('global')) {
      throw preconditionFailed('Cannot specify global in the list of replication clusters');
    }
    const { tenant } = splitNamespace(ns);
    for (const cluster of clusters) {
      if (!(isValidName(cluster) && (await this.ctx.clusters.exists(clusterPath(cluster))))) {
        throw forbidden(`Invalid cluster id: ${cluster}`);
      }
    }
    await this.update(ns, async (p) => {
      const allowed =
        p.allowed_clusters.length > 0
          ? p.allowed_clusters
          : (await this.tenants().require(tenant)).allowedClusters;
      const scope = p.allowed_clusters.length > 0 ? `namespace [${ns}]` : `tenant [${tenant}]`;
      for (const cluster of clusters) {
        if (!allowed.includes(cluster)) {
          throw forbidden(`Cluster [${cluster}] is not in the list of allowed clusters list for ${scope}`);
        }
      }
      p.replication_clusters = clusters;
    });
  }
}
