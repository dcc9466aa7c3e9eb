/**
 * Clusters (ClustersBase): list, read, create, update, delete. A cluster that some tenant may use
 * cannot be deleted, so no tenant or namespace is ever left pointing at a missing cluster.
 */
import { tenantEntries, type AdminContext } from './context.js';
import { badRequest, conflict, notFound, preconditionFailed } from './errors.js';
import { parseClusterData, type ClusterData } from './cluster-data.js';
import { checkClusterName, isValidName } from './names.js';
import { CLUSTERS_ROOT, clusterPath } from './paths.js';

const CLUSTER_NOT_FOUND = 'Cluster does not exist';

export class ClusterResources {
  constructor(private readonly ctx: AdminContext) {}

  async list(): Promise<string[]> {
    const names = await this.ctx.clusters.children(CLUSTERS_ROOT);
    return names.filter(isValidName);
  }

  async get(name: string): Promise<ClusterData | null> {
    if (!isValidName(name)) return null;
    return (await this.ctx.clusters.get(clusterPath(name)))?.value ?? null;
  }

  /** Throws 404 "Cluster does not exist". */
  async require(name: string): Promise<ClusterData> {
    const data = await this.get(name);
    if (!data) throw notFound(CLUSTER_NOT_FOUND);
    return data;
  }

  async exists(name: string): Promise<boolean> {
    return isValidName(name) && (await this.ctx.clusters.exists(clusterPath(name)));
  }

  /** PUT /clusters/{cluster}: 412 bad name, 400 no or bad body, 409 if it exists. */
  async create(name: string, body: unknown): Promise<void> {
    checkClusterName(name);
    if (body === undefined || body === null) throw badRequest('cluster data is required');
    const data = parseClusterData(body);
    const created = await this.ctx.structure.run('clusters', () =>
      this.ctx.clusters.create(clusterPath(name), data),
    );
    if (!created) throw conflict('Cluster already exists');
  }

  /** POST /clusters/{cluster}: replaces the data; 404 if the cluster does not exist. */
  async update(name: string, body: unknown): Promise<void> {
    if (body === undefined || body === null) throw badRequest('cluster data is required');
    const data = parseClusterData(body);
    if (!isValidName(name)) throw notFound(CLUSTER_NOT_FOUND);
    const updated = await this.ctx.clusters.update(clusterPath(name), () => data);
    if (!updated) throw notFound(CLUSTER_NOT_FOUND);
  }

  /** DELETE /clusters/{cluster}: 404 if missing, 412 "Cluster not empty" while a tenant may use it. */
  async delete(name: string): Promise<void> {
    if (!isValidName(name)) throw notFound(CLUSTER_NOT_FOUND);
    // Under the lock tenants take to validate their clusters, so no tenant can start using the
    // cluster between the check and the delete.
    await this.ctx.structure.run('clusters', async () => {
      if (!(await this.exists(name))) throw notFound(CLUSTER_NOT_FOUND);
      for (const [, info] of await tenantEntries(this.ctx)) {
        if (info.allowedClusters.includes(name)) throw preconditionFailed('Cluster not empty');
      }
      await this.ctx.clusters.delete(clusterPath(name));
    });
  }

  /**
   * Creates the cluster, or points an existing one at these URLs (a restarted standalone may listen
   * elsewhere, or with TLS turned on or off). The four URLs are the caller's: a TLS URL left out is
   * removed from an existing entry, so the cluster never names a listener that is closed. Other
   * fields of an existing entry are kept. Returns true if it was created.
   */
  async ensure(name: string, urls: ClusterUrls): Promise<boolean> {
    checkClusterName(name);
    const path = clusterPath(name);
    const wanted = definedUrls(urls);
    if (await this.ctx.clusters.create(path, { ...wanted })) return true;
    const old = await this.ctx.clusters.get(path);
    // Skip the write (and its fsync) on the usual restart where nothing moved.
    if (!old || !sameUrls(old.value, wanted)) {
      await this.ctx.clusters.update(path, (current) => {
        const next: ClusterData = { ...current };
        for (const key of URL_KEYS) delete next[key];
        return { ...next, ...wanted };
      });
    }
    return false;
  }
}

/** The URLs a standalone manages in its own cluster's entry. */
export interface ClusterUrls {
  serviceUrl: string;
  brokerServiceUrl: string;
  serviceUrlTls?: string;
  brokerServiceUrlTls?: string;
}

const URL_KEYS = ['serviceUrl', 'brokerServiceUrl', 'serviceUrlTls', 'brokerServiceUrlTls'] as const;

function definedUrls(urls: ClusterUrls): ClusterData {
  const out: ClusterData = {};
  for (const key of URL_KEYS) {
    const url = urls[key];
    if (url !== undefined && url !== '') out[key] = url;
  }
  return out;
}

function sameUrls(current: ClusterData, wanted: ClusterData): boolean {
  return URL_KEYS.every((key) => current[key] === wanted[key]);
}
