/**
 * Tenants (TenantsBase): list, read, create, update, delete. A tenant names the clusters its
 * namespaces may use; every one must exist, and a cluster cannot be taken away while a namespace of
 * the tenant still replicates to it.
 */
import { tenantLock, tenantNames, type AdminContext } from './context.js';
import { conflict, notFound, preconditionFailed } from './errors.js';
import { checkTenantName, isValidName } from './names.js';
import type { NamespaceResources, NamespaceTopics } from './namespace-resources.js';
import { CLUSTERS_ROOT, tenantPath } from './paths.js';
import { parseTenantInfo, type TenantInfo } from './tenant-info.js';

/** Pulsar's name for the pseudo-cluster of global namespaces; allowed without existing. */
const GLOBAL_CLUSTER = 'global';

export class TenantResources {
  constructor(
    private readonly ctx: AdminContext,
    private readonly namespaces: () => NamespaceResources,
  ) {}

  list(): Promise<string[]> {
    return tenantNames(this.ctx);
  }

  async get(name: string): Promise<TenantInfo | null> {
    if (!isValidName(name)) return null;
    return (await this.ctx.tenants.get(tenantPath(name)))?.value ?? null;
  }

  /** Throws 404 with `reason` ("Tenant does not exist" unless given). */
  async require(name: string, reason = 'Tenant does not exist'): Promise<TenantInfo> {
    const info = await this.get(name);
    if (!info) throw notFound(reason);
    return info;
  }

  /** PUT /tenants/{tenant}: checks in TenantsBase.createTenant's order: clusters, then the name, then existence. */
  async create(name: string, body: unknown): Promise<void> {
    const info = parseTenantInfo(body ?? {});
    await this.ctx.structure.run('clusters', async () => {
      await this.checkClusters(info);
      checkTenantName(name);
      const created = await this.ctx.structure.run(tenantLock(name), () =>
        this.ctx.tenants.create(tenantPath(name), info),
      );
      // Pulsar's text, without the final "s".
      if (!created) throw conflict('Tenant already exist');
    });
  }

  /** POST /tenants/{tenant}: replaces roles and clusters; 404 if missing, 412 if a cluster in use is removed. */
  async update(name: string, body: unknown): Promise<void> {
    const info = parseTenantInfo(body ?? {});
    await this.ctx.structure.run('clusters', async () => {
      await this.checkClusters(info);
      const missing = `Tenant ${name} not found`;
      if (!isValidName(name)) throw notFound(missing);
      await this.ctx.structure.run(tenantLock(name), async () => {
        const old = await this.require(name, missing);
        const removed = old.allowedClusters.filter((c) => !info.allowedClusters.includes(c));
        if (removed.length > 0) await this.checkClustersUnused(name, removed);
        const updated = await this.ctx.tenants.update(tenantPath(name), () => info);
        if (!updated) throw notFound(missing);
      });
    });
  }

  /**
   * DELETE /tenants/{tenant}: 404 if missing, 409 while it has namespaces; with `force` its
   * namespaces are deleted first (each as a forced namespace deletion).
   */
  async delete(name: string, force: boolean, topics: NamespaceTopics): Promise<void> {
    if (!isValidName(name)) throw notFound("Tenant doesn't exist");
    if (force) {
      for (const ns of await this.namespacesOf(name)) await this.namespaces().delete(ns, true, topics);
    }
    await this.ctx.structure.run(tenantLock(name), async () => {
      if (!(await this.ctx.tenants.exists(tenantPath(name)))) throw notFound("Tenant doesn't exist");
      if ((await this.namespacesOf(name)).length > 0)
        throw conflict('The tenant still has active namespaces');
      await this.ctx.tenants.delete(tenantPath(name));
    });
  }

  /** TenantsBase.validateClusters: a non-empty list of existing clusters (or "global"). */
  private async checkClusters(info: TenantInfo): Promise<void> {
    if (info.allowedClusters.length === 0 || info.allowedClusters.some((c) => c.trim() === '')) {
      throw preconditionFailed('Clusters can not be empty');
    }
    const known = new Set(await this.ctx.clusters.children(CLUSTERS_ROOT));
    if (info.allowedClusters.some((c) => c !== GLOBAL_CLUSTER && !known.has(c))) {
      throw preconditionFailed('Clusters do not exist');
    }
  }

  /** PulsarWebResource.canUpdateCluster, applied to the namespaces' replication clusters. */
  private async checkClustersUnused(tenant: string, removed: string[]): Promise<void> {
    for (const ns of await this.namespacesOf(tenant)) {
      const policies = await this.namespaces().get(ns);
      if (policies?.replication_clusters.some((c) => removed.includes(c))) {
        throw preconditionFailed('Active namespaces');
      }
    }
  }

  private async namespacesOf(tenant: string): Promise<string[]> {
    const locals = await this.ctx.tenants.children(tenantPath(tenant));
    return locals.filter(isValidName).map((local) => `${tenant}/${local}`);
  }
}
