/**
 * The per-policy endpoints under /admin/v2/namespaces/{tenant}/{namespace}/: GET reads one field
 * of the namespace's Policies (204 when not set), POST (PUT for schemaCompatibilityStrategy) sets
 * it, DELETE removes it. Each endpoint is a row of `POLICY_ENDPOINTS`: the body is parsed and
 * checked before any metadata is touched; the change itself runs inside a compare-and-set update,
 * where cross-field rules (retention against backlog quota) see the current policies.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { namespaceName } from '../../resources/names.js';
import type { Policies } from '../../resources/policies/types.js';
import type { AdminRouteDeps } from './index.js';
import { noContent, sendJson, type WithQuery } from './http.js';
import { POLICY_ENDPOINTS } from './policy-endpoints.js';

/** What an endpoint knows besides the body: this broker's cluster (keys of rate maps) and the query. */
export interface PolicyRequest {
  clusterName: string;
  query: Partial<Record<string, string>>;
}

export interface PolicyEndpoint<T> {
  /** Path segment after the namespace, e.g. "retention". */
  path: string;
  read?: (p: Policies, r: PolicyRequest) => unknown;
  write?: {
    method: 'POST' | 'PUT';
    /** Reads and checks the body (400/412) before anything is written. */
    parse: (body: unknown, r: PolicyRequest) => T;
    /** Applies the value to a private copy of the policies; may throw 412 on a cross-field rule. */
    apply: (p: Policies, value: T, r: PolicyRequest) => void;
  };
  remove?: (p: Policies, r: PolicyRequest) => void;
}

type Req = FastifyRequest<WithQuery<'tenant' | 'namespace', string>>;

export function registerPolicyRoutes(app: FastifyInstance, { resources }: AdminRouteDeps): void {
  const namespaces = resources.namespaces;
  const clusterName = resources.policies.clusterName;
  for (const e of POLICY_ENDPOINTS as PolicyEndpoint<unknown>[]) {
    const url = `/admin/v2/namespaces/:tenant/:namespace/${e.path}`;
    const context = (req: Req) => ({
      ns: namespaceName(req.params.tenant, req.params.namespace),
      r: { clusterName, query: req.query },
    });
    const { read, write, remove } = e;
    if (read) {
      app.get(url, async (req: Req, reply) => {
        const { ns, r } = context(req);
        return sendJson(reply, read(await namespaces.require(ns), r));
      });
    }
    if (write) {
      app.route({
        method: write.method,
        url,
        handler: async (req: Req, reply) => {
          const { ns, r } = context(req);
          const value = write.parse(req.body, r);
          await namespaces.update(ns, (p) => write.apply(p, value, r));
          return noContent(reply);
        },
      });
    }
    if (remove) {
      app.delete(url, async (req: Req, reply) => {
        const { ns, r } = context(req);
        await namespaces.update(ns, (p) => remove(p, r));
        return noContent(reply);
      });
    }
  }
}
