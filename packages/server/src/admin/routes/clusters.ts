/**
 * /admin/v2/clusters/{cluster} (ClustersBase). The list, GET /admin/v2/clusters, is served by the
 * HTTP server's built-in route, which asks the resources through its `listClusters` option.
 * Create and update answer 200 without a body, as Pulsar does; delete answers 204.
 */
import type { FastifyInstance } from 'fastify';
import type { AdminRouteDeps } from './index.js';
import { noContent, sendJson, type Params } from './http.js';

export function registerClusterRoutes(app: FastifyInstance, { resources }: AdminRouteDeps): void {
  const base = '/admin/v2/clusters/:cluster';

  app.get<Params<'cluster'>>(base, async (req, reply) =>
    sendJson(reply, await resources.clusters.require(req.params.cluster)),
  );

  app.put<Params<'cluster'>>(base, async (req, reply) => {
    await resources.clusters.create(req.params.cluster, req.body);
    return reply.code(200).send();
  });

  app.post<Params<'cluster'>>(base, async (req, reply) => {
    await resources.clusters.update(req.params.cluster, req.body);
    return reply.code(200).send();
  });

  app.delete<Params<'cluster'>>(base, async (req, reply) => {
    await resources.clusters.delete(req.params.cluster);
    return noContent(reply);
  });
}
