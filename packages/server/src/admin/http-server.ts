/**
 * The broker's HTTP listener (port 8080 by default): health check, Prometheus metrics and the first
 * admin REST v2 routes. Further admin routes are added through `register`, before the server
 * listens, so that every route shares one body limit, one error shape and one logger.
 *
 * With TLS configured, an HTTPS listener (webServicePortTls, 8443 by default) serves the very same
 * routes: its requests are handed to the fastify instance's router, so hooks, limits and error
 * shape are shared, and `peerCertificateOf(request)` tells a handler who the client proved to be.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { BrokerMetricsSource } from './metrics-source.js';
import type { BrokerMetrics, MetricJson, MetricLevels } from './metrics.js';
import { installAuthHook } from './auth-hook.js';
import { registerOpenApiRoutes } from './openapi.js';
import type { ServerTlsContext } from '../tls/server-tls.js';
import { isTlsSocket, verifiedPeerCertificate } from '../tls/peer.js';

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
  /** An HTTPS listener on `port` (0 picks a free one) with the broker's certificate; none if absent. */
  tls?: { port: number; context: ServerTlsContext };
  /**
   * A second plain-HTTP listener on `host` that is this process's alone (not shared through
   * node:cluster): a worker of a multi-core standalone advertises it as its own web URL. 0 picks a
   * free port; none if absent.
   */
  ownPort?: number;
  /**
   * The other workers' metrics (BrokerMetrics.renderJson of each), for a multi-core standalone:
   * /metrics then serves every worker's series summed; `/metrics?local=true` this process's only.
   */
  peerMetrics?: () => Promise<MetricJson[][]>;
}

export interface HttpServer {
  port: number;
  /** The port of the `ownPort` listener, when one was asked for. */
  ownPort?: number;
  /** This server's metrics registry (created on first use). */
  metrics(): Promise<BrokerMetrics>;
  /** The HTTPS port, when `tls` was given. */
  portTls: number | undefined;
  close(): Promise<void>;
  app: FastifyInstance;
}

/**
 * The client certificate of an HTTPS request, when it verified against tlsTrustCertsFilePath;
 * undefined for plain HTTP, for requests without one and for one accepted only because of
 * tlsAllowInsecureConnection. What the HTTP authentication hook gives the tls provider.
 */
export function peerCertificateOf(request: FastifyRequest): PeerCertificate | undefined {
  return verifiedPeerCertificate(request.raw.socket);
}

/** True when the request arrived on the HTTPS listener. */
export function isSecureRequest(request: FastifyRequest): boolean {
  return isTlsSocket(request.raw.socket);
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
  // Before any route: its onRoute hook gives every route its authorization check (auth-hook.ts).
  installAuthHook(app);
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
  const metrics = registerBuiltInRoutes(app, options);
  if (options.register !== undefined) await options.register(app);

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  let own: ExtraListener | undefined;
  let https: ExtraListener | undefined;
  try {
    if (options.ownPort !== undefined) own = await listenOwn(app, options.host, options.ownPort);
    if (options.tls !== undefined) https = await listenHttps(app, options.host, options.tls);
  } catch (err) {
    await own?.close();
    await app.close();
    throw err;
  }
  const close = async () => {
    await https?.close();
    await own?.close();
    await app.close();
  };
  return { port, ownPort: own?.port, portTls: https?.port, app, close, metrics };
}

/** A plain-HTTP listener of this process alone (`exclusive`), routed through `app`. */
async function listenOwn(app: FastifyInstance, host: string, port: number): Promise<ExtraListener> {
  const server = createHttpServer((req, res) => app.routing(req, res));
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

interface ExtraListener {
  port: number;
  close(): Promise<void>;
}

/** An https.Server whose requests go through `app`'s router (the app must be ready). */
async function listenHttps(
  app: FastifyInstance,
  host: string,
  tls: { port: number; context: ServerTlsContext },
): Promise<ExtraListener> {
  const route = (req: IncomingMessage, res: ServerResponse) => app.routing(req, res);
  const server: HttpsServer = createHttpsServer(tls.context.serverOptions(), route);
  const detach = tls.context.attach(server);
  // Every TCP connection, so that close does not wait for keep-alive clients or stalled handshakes.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A client certificate that tlsRequireTrustedClientCertOnConnect refuses ends the connection
  // before any request is read.
  server.on('secureConnection', (socket: TLSSocket) => {
    if (tls.context.refusal(socket) !== undefined) socket.destroy();
  });
  server.on('tlsClientError', (err: Error) => app.log.debug({ err: err.message }, 'HTTPS handshake failed'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(tls.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : tls.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        detach();
        server.close(() => resolve());
        server.closeIdleConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
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

/** Registers /metrics, health, clusters and brokers; returns the (lazy) metrics registry. */
function registerBuiltInRoutes(
  app: FastifyInstance,
  options: HttpServerOptions,
): () => Promise<BrokerMetrics> {
  const { source, clusterName } = options;
  // prom-client is loaded on the first scrape, not at start-up, which it would slow by tens of ms.
  let metricsLoaded: Promise<BrokerMetrics> | undefined;
  const loadMetrics = () =>
    (metricsLoaded ??= import('./metrics.js').then((m) =>
      m.createBrokerMetrics(source, clusterName, options.metricLevels),
    ));

  app.get<{ Querystring: { local?: string } }>('/metrics', async (req, reply) => {
    const metrics = await loadMetrics();
    const peers = options.peerMetrics;
    const text =
      peers && req.query.local !== 'true' ? await metrics.renderWith(await peers()) : await metrics.render();
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
  return loadMetrics;
}

function webHost(options: HttpServerOptions): string {
  if (options.advertisedAddress) return options.advertisedAddress;
  return options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
}

function boundPort(app: FastifyInstance): number {
  const address = app.server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}
