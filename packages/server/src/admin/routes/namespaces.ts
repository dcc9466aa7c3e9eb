/**
 * /admin/v2/namespaces/{tenant}[/{namespace}] (NamespacesBase): list per tenant, create with
 * optional policies, dump all policies, delete (?force), the namespace's topics, its bundles and
 * its replication clusters. The per-policy endpoints are in namespace-policies.ts.
 */
import type { FastifyInstance } from 'fastify';
import { namespaceName } from '../../resources/names.js';
import { parseClusterList } from '../../resources/policies/parse.js';
import type { AdminRouteDeps } from './index.js';
import { isTrue, noContent, sendJson, type Params, type WithQuery } from './http.js';

type NsParams = Params<'tenant' | 'namespace'>;
const ns = (p: { tenant: string; namespace: string }) => namespaceName(p.tenant, p.namespace);

export function registerNamespaceRoutes(app: FastifyInstance, { resources, topics }: AdminRouteDeps): void {
  const base = '/admin/v2/namespaces/:tenant/:namespace';

  app.get<Params<'tenant'>>('/admin/v2/namespaces/:tenant', async (req, reply) =>
    sendJson(reply, await resources.namespaces.list(req.params.tenant)),
  );

  app.get<NsParams>(base, async (req, reply) =>
    sendJson(reply, await resources.namespaces.require(ns(req.params))),
  );

  app.put<NsParams>(base, async (req, reply) => {
    await resources.namespaces.create(ns(req.params), req.body);
    return noContent(reply);
  });

  app.delete<WithQuery<'tenant' | 'namespace', 'force'>>(base, async (req, reply) => {
    await resources.namespaces.delete(ns(req.params), isTrue(req.query.force), topics);
    return noContent(reply);
  });

  // Pulsar checks that the namespace exists first, so an unknown namespace is a 404, not [].
  app.get<NsParams>(`${base}/topics`, async (req, reply) => {
    const name = ns(req.params);
    await resources.namespaces.require(name);
    return sendJson(reply, await topics.list(name));
  });

  app.get<NsParams>(`${base}/bundles`, async (req, reply) =>
    sendJson(reply, (await resources.namespaces.require(ns(req.params))).bundles),
  );

  app.get<NsParams>(`${base}/replication`, async (req, reply) =>
    sendJson(reply, (await resources.namespaces.require(ns(req.params))).replication_clusters),
  );

  app.post<NsParams>(`${base}/replication`, async (req, reply) => {
    const name = ns(req.params);
    // A missing list is Pulsar's 412 "ClusterIds should not be null or empty", not a 400.
    const clusters = parseClusterList(req.body ?? [], 'clusterIds');
    await resources.namespaces.setReplicationClusters(name, clusters);
    return noContent(reply);
  });
}
