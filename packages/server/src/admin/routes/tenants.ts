/** /admin/v2/tenants (TenantsBase): list, get, create (PUT), update (POST), delete (?force). */
import type { FastifyInstance } from 'fastify';
import type { AdminRouteDeps } from './index.js';
import { isTrue, noContent, sendJson, type Params, type WithQuery } from './http.js';

export function registerTenantRoutes(app: FastifyInstance, { resources, topics }: AdminRouteDeps): void {
  const base = '/admin/v2/tenants/:tenant';

  app.get('/admin/v2/tenants', async (_req, reply) => sendJson(reply, await resources.tenants.list()));

  app.get<Params<'tenant'>>(base, async (req, reply) =>
    sendJson(reply, await resources.tenants.require(req.params.tenant)),
  );

  app.put<Params<'tenant'>>(base, async (req, reply) => {
    await resources.tenants.create(req.params.tenant, req.body);
    return noContent(reply);
  });

  app.post<Params<'tenant'>>(base, async (req, reply) => {
    await resources.tenants.update(req.params.tenant, req.body);
    return noContent(reply);
  });

  app.delete<WithQuery<'tenant', 'force'>>(base, async (req, reply) => {
    await resources.tenants.delete(req.params.tenant, isTrue(req.query.force), topics);
    return noContent(reply);
  });
}
