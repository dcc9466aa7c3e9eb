/**
 * Authentication and authorization of the broker's HTTP API. `installAuthHook` runs first on the
 * HTTP server: its onRoute hook gives every route, built-in or admin, an onRequest check looked up
 * in the rule table (auth/route-rules.ts). `configureAuth` hands it the broker's services when the
 * admin routes are registered; from then on a route without a rule stops the server from starting.
 *
 * The check runs in onRequest, before the body is read: a client without credentials gets its 401
 * (a refused one its 403) without making the broker parse up to a megabyte of JSON, as Pulsar's
 * AuthenticationFilter refuses before any resource runs. Refusals leave as `{"reason": "..."}`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AuthenticationFailure, type AuthServices, type Principal } from '../auth/index.js';
import { authenticateRequest } from './auth/authenticate.js';
import { authorizeRoute } from './auth/authorize.js';
import { ruleFor, type RouteRule } from './auth/route-rules.js';

export interface HttpAuthConfig {
  services: AuthServices;
  /** authenticateMetricsEndpoint: /metrics needs credentials too. */
  authenticateMetricsEndpoint: boolean;
}

interface Gate {
  /** Absent until configureAuth: a bare HTTP server (unit tests) checks nothing. */
  config?: HttpAuthConfig;
  /** "METHOD url" of routes the rule table does not cover. */
  unmapped: string[];
}

const gates = new WeakMap<FastifyInstance, Gate>();
const principals = new WeakMap<FastifyRequest, Principal>();

/**
 * Must run before any route is registered, since onRoute sees only later routes. Routes without a
 * rule are collected; once auth is configured, ready (and so listen) fails if there are any.
 */
export function installAuthHook(app: FastifyInstance): void {
  const gate: Gate = { unmapped: [] };
  gates.set(app, gate);
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const rules = new Map<string, RouteRule>();
    for (const method of methods) {
      const rule = ruleFor(method, route.url);
      if (rule === undefined) gate.unmapped.push(`${method} ${route.url}`);
      else rules.set(method.toUpperCase(), rule);
    }
    const check = (req: FastifyRequest, reply: FastifyReply) =>
      guard(gate, rules.get(req.method), route.url, req, reply);
    const existing = route.onRequest;
    route.onRequest =
      existing === undefined ? [check] : [check, ...(Array.isArray(existing) ? existing : [existing])];
  });
  app.addHook('onReady', async () => {
    if (gate.config !== undefined && gate.unmapped.length > 0) {
      throw new Error(
        `no authorization rule for ${gate.unmapped.join(', ')}: add them to admin/auth/route-rules.ts`,
      );
    }
  });
}

/** Turns the checks on for `app` (the instance installAuthHook was given). */
export function configureAuth(app: FastifyInstance, config: HttpAuthConfig): void {
  const gate = gates.get(app);
  if (gate === undefined) throw new Error('installAuthHook was not called on this HTTP server');
  gate.config = config;
}

/** The principal a request was authenticated as; undefined when authentication is off or not needed. */
export function requestPrincipal(req: FastifyRequest): Principal | undefined {
  return principals.get(req);
}

async function guard(
  gate: Gate,
  rule: RouteRule | undefined,
  url: string,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const config = gate.config;
  if (config === undefined) return undefined;
  // Unreachable once the server is ready (onReady refuses unmapped routes), but never fail open.
  if (rule === undefined) return refuse(reply, 403, `No authorization rule for ${req.method} ${url}`);
  const { authentication, authorization } = config.services;
  // Pulsar checks nothing unless authentication is on, and authorizes only when both are on.
  if (!authentication.enabled) return undefined;
  if (rule === 'public' || (rule === 'metrics' && !config.authenticateMetricsEndpoint)) return undefined;

  let principal: Principal;
  try {
    principal = await authenticateRequest(req, authentication);
  } catch (err) {
    if (!(err instanceof AuthenticationFailure)) throw err;
    req.log.debug({ reason: err.message, url: req.url }, 'http authentication refused');
    return refuse(reply, 401, err.message);
  }
  principals.set(req, principal);
  if (!authorization.enabled) return undefined;

  // PulsarWebResource.validateOriginalPrincipal answers a bad proxy combination with 401.
  const proxyRefusal = authorization.validateOriginalPrincipal(principal);
  if (proxyRefusal !== undefined) return refuse(reply, 401, proxyRefusal);

  const verdict = await authorizeRoute(
    rule,
    url,
    req.params as Record<string, string>,
    principal,
    authorization,
  );
  if (verdict.allowed) return undefined;
  req.log.debug(
    { role: principal.role, reason: verdict.reason, url: req.url },
    'http request not authorized',
  );
  return refuse(reply, 403, verdict.reason);
}

function refuse(reply: FastifyReply, status: 401 | 403, reason: string): FastifyReply {
  return reply.code(status).send({ reason });
}
