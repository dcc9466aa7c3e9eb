/**
 * The broker's HTTP listener (port 8080 by default): health check, Prometheus metrics and the first
 * admin REST v2 routes. Further admin routes are added through `register`, before the server
 * listens, so that every route shares one body limit, one error shape and one logger.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { BrokerMetricsSource } from './metrics-source.js';
import type { BrokerMetrics, MetricLevels } from './metrics.js';
import { registerOpenApiRoutes } from './openapi.js';

/** Request bodies above this are refused with 413; no admin request needs more. */
export const HTTP_BODY_LIMIT_BYTES = 1024 * 1024;

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port; the chosen one is returned. */
  port: number;
  /** Used as is; callers pass a child logger (e.g. `{ component: "http" }`) if they want one. */
  logger: Logger;
  source: BrokerMetricsSource;
  clusterName: string;
  /** Host name for `GET /admin/v2/brokers/{cluster}`; defaults to the bind host, or 127.0.0.1 for a wildcard. */
  advertisedAddress?: string;
  /** Adds more routes (the admin REST API) before the server starts listening. */
  register?: (app: FastifyInstance) => void | Promise<void>;
  /** exposeTopicLevelMetricsInPrometheus and exposeConsumerLevelMetricsInPrometheus; Pulsar's defaults if absent. */
  metricLevels?: MetricLevels;
  /** Names for `GET /admin/v2/clusters`; defaults to `[clusterName]` when no cluster metadata is kept. */
  listClusters?: () => Promise<string[]>;
}

export interface HttpServer {
  port: number;
  close(): Promise<void>;
  app: FastifyInstance;
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const app = Fastify({
    loggerInstance: options.logger,
    // Scrapes every few seconds would drown the log at info level; requests are logged at debug.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: HTTP_BODY_LIMIT_BYTES,
    // `/metrics/` is the address Pulsar documents, `/metrics` what Prometheus configs often use.
    routerOptions: { ignoreTrailingSlash: true },
  }) as unknown as FastifyInstance;

  installErrorShape(app);
  // pulsar-admin sends some bodies as vendor JSON types, e.g. partitioned-topic metadata.
  app.addContentTypeParser(
    /^application\/[\w.-]+\+json/,
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.addHook('onResponse', async (req, reply) => {
    req.log.debug({ method: req.method, url: req.url, status: reply.statusCode }, 'http request');
  });

  // First, so that its onRoute hook sees every route registered after it, in child scopes too.
  registerOpenApiRoutes(app);
  registerBuiltInRoutes(app, options);
  if (options.register !== undefined) await options.register(app);

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return { port, app, close: () => app.close() };
}

/** Every error leaves as `{"reason": "..."}`, the shape Pulsar's REST API uses. */
function installErrorShape(app: FastifyInstance): void {
  app.setNotFoundHandler(async (req, reply) => {
    return reply.code(404).send({ reason: `No route for ${req.method} ${req.url.split('?')[0]}` });
  });
  app.setErrorHandler(async (err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode !== undefined && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'http handler failed');
    // Internal failures are reported without their message, which may carry internal detail.
    return reply.code(status).send({ reason: status >= 500 ? 'Internal server error' : err.message });
  });
}

function registerBuiltInRoutes(app: FastifyInstance, options: HttpServerOptions): void {
  const { source, clusterName } = options;
  // prom-client is loaded on the first scrape, not at start-up, which it would slow by tens of ms.
  let metricsLoaded: Promise<BrokerMetrics> | undefined;
  const loadMetrics = () =>
    (metricsLoaded ??= import('./metrics.js').then((m) =>
      m.createBrokerMetrics(source, clusterName, options.metricLevels),
    ));

  app.get('/metrics', async (_req, reply) => {
    const metrics = await loadMetrics();
    const text = await metrics.render();
    return reply.type(metrics.contentType).send(text);
  });

  // GET /admin/v2/brokers/health: "ok" as text, as Pulsar's BrokersBase.healthCheck answers.
  app.get('/admin/v2/brokers/health', async (_req, reply) => {
    if (source.isHealthy()) return reply.type('text/plain').send('ok');
    return reply.code(503).send({ reason: 'Broker is not healthy' });
  });

  app.get('/admin/v2/clusters', async () => (options.listClusters ? options.listClusters() : [clusterName]));

  app.get<{ Params: { cluster: string } }>('/admin/v2/brokers/:cluster', async (req, reply) => {
    if (req.params.cluster !== clusterName) {
      return reply.code(404).send({ reason: `Cluster ${req.params.cluster} does not exist` });
    }
    return [`${webHost(options)}:${boundPort(app)}`];
  });
}

function webHost(options: HttpServerOptions): string {
  if (options.advertisedAddress) return options.advertisedAddress;
  return options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
}

function boundPort(app: FastifyInstance): number {
  const address = app.server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}
