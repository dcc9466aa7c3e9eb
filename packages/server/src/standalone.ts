import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { startHttpServer } from './admin/http-server.js';
import type { BrokerMetricsSource } from './admin/metrics-source.js';
import type { BrokerMetrics as PrometheusMetrics, MetricJson } from './admin/metrics.js';
import { createAuthServices } from './auth/index.js';
import { BrokerService } from './broker/broker-service.js';
import { AdvertisedListeners } from './broker/listeners.js';
import { CompactionService, attachCompaction } from './broker/compaction/compaction-service.js';
import { BrokerMetrics } from './broker/stats/broker-metrics.js';
import type { BrokerConfig } from './config/schema.js';
import { FileMetadataStore } from './metadata/file-metadata-store.js';
import type { MetadataStore } from './metadata/types.js';
import type { TopicOwnership } from './broker/topic-ownership.js';
import { settleWorkerCount } from './multicore/worker-count.js';
import { registerWorkersRoute, type WorkersView } from './multicore/workers-route.js';
import { registerAdminRoutes } from './admin/routes/index.js';
import {
  AdminResources,
  bootstrapStandalone,
  brokerPolicyDefaults,
  type PolicyService,
} from './resources/index.js';
import { DiskLedgerStore } from './storage/journal/index.js';
import { ServerTlsContext, tlsSettingsOf } from './tls/server-tls.js';
import { ManagedLedgerFactoryImpl } from './storage/managed-ledger/index.js';
import { systemClock, systemScheduler, type Clock, type Scheduler } from './util/clock.js';

export interface StandaloneOptions {
  config: BrokerConfig;
  logger: Logger;
  /**
   * Time for the broker and its managed ledgers (policy timers, TTL, retention, ledger ages);
   * tests pass a ManualClock. Storage I/O and the metadata store keep real time.
   */
  clock?: Clock;
  scheduler?: Scheduler;
  /**
   * Internal: set when this broker is one worker of a multi-core standalone (multicore/worker.ts),
   * which brings its own metadata store and ledger directory and serves only the topics it owns.
   */
  worker?: WorkerRole;
}

/** How a worker of a multi-core standalone differs from a single-process standalone. */
export interface WorkerRole {
  /** The primary's metadata store, through IPC. */
  metadata: MetadataStore;
  /** This worker's own ledger directory (`<dataDir>/workers/<i>/ledgers`). */
  ledgerDir: string;
  /** Which topics this worker serves, and where their owners listen. */
  ownership: TopicOwnership;
  /** Extra admin behaviour: redirects to owners, the workers list (multicore/admin-redirect.ts). */
  admin: (deps: { app: FastifyInstance; broker: BrokerService }) => void;
  /** The other workers' metrics, summed into this worker's /metrics. */
  peerMetrics: () => Promise<MetricJson[][]>;
  /** The public URLs (shared listeners) the cluster metadata and the ready line name. */
  publicUrls(ports: { port: number; httpPort: number }): { brokerServiceUrl: string; webServiceUrl: string };
}

export interface Standalone {
  brokerServiceUrl: string;
  webServiceUrl: string;
  /** pulsar+ssl:// URL of the TLS listener; empty when TLS is off. */
  brokerServiceUrlTls: string;
  /** https:// URL of the HTTPS listener; empty when TLS is off. */
  webServiceUrlTls: string;
  port: number;
  httpPort: number;
  /** Bound TLS ports; undefined when TLS is off (or the port is -1). */
  portTls: number | undefined;
  httpPortTls: number | undefined;
  /** The certificate material of the TLS listeners and its reloader; undefined when TLS is off. */
  tls: ServerTlsContext | undefined;
  /** The HTTP server's fastify instance (admin REST, lookup, /metrics), e.g. to list its routes. */
  http: FastifyInstance;
  metricsSource: BrokerMetricsSource;
  /** The Prometheus registry /metrics renders (created on first use). */
  metrics(): Promise<PrometheusMetrics>;
  broker: BrokerService;
  /** Clusters, tenants, namespaces and their policies, over the metadata store. */
  resources: AdminResources;
  /** What the broker asks about namespaces and the policies topics run with. */
  policies: PolicyService;
  close(): Promise<void>;
}

/**
 * One process holding a broker, embedded storage and an embedded metadata store under one data
 * directory (DESIGN.md, "Two ways to run"). Closing it flushes cursors and ledgers; a crash
 * instead is recovered on the next start from the journal and the metadata log.
 */
export async function startStandalone(options: StandaloneOptions): Promise<Standalone> {
  const { config, logger } = options;
  // Listeners and certificate files are checked before anything is opened: a bad value fails
  // start-up at once, with a ConfigError naming the setting or file.
  const tlsSettings = tlsSettingsOf(config);
  const tlsOn = tlsSettings !== undefined;
  AdvertisedListeners.parse(config.advertisedListeners, config.internalListenerName).checkResolvable({
    pulsar: true,
    'pulsar+ssl': tlsOn && config.brokerServicePortTls >= 0,
    http: true,
    https: tlsOn && config.webServicePortTls >= 0,
  });
  const tls = tlsSettings
    ? await ServerTlsContext.load(tlsSettings, {
        log: logger.child({ component: 'tls' }),
        scheduler: systemScheduler,
      })
    : undefined;
  try {
    return await startWithTls(options, tls);
  } catch (err) {
    tls?.close();
    throw err;
  }
}

async function startWithTls(
  { config, logger, clock = systemClock, scheduler = systemScheduler, worker }: StandaloneOptions,
  tls: ServerTlsContext | undefined,
): Promise<Standalone> {
  const dataDir = config.dataDir;
  await mkdir(dataDir, { recursive: true });
  const sync = config.journalSyncData ? 'fsync' : 'none';
  const metadata =
    worker?.metadata ??
    (await FileMetadataStore.open(join(dataDir, 'metadata'), {
      clock: systemClock,
      syncPolicy: sync,
    }));
  // A directory a multi-core standalone used keeps its topics in per-worker ledger directories.
  if (!worker) await settleWorkerCount(metadata, 1, dataDir).catch(closeAnd(metadata));
  const ledgerStore = await DiskLedgerStore.open({
    dir: worker?.ledgerDir ?? join(dataDir, 'ledgers'),
    syncPolicy: sync,
    groupCommitDelayMs: config.journalMaxGroupWaitMSec,
    groupCommitMaxBytes: config.journalMaxGroupSizeBytes,
    logger: logger.child({ component: 'journal' }),
  });
  const managedLedgers = new ManagedLedgerFactoryImpl({
    ledgerStore,
    metadataStore: metadata,
    clock,
    scheduler,
    cacheSizeBytes: config.managedLedgerCacheSizeMB * 1024 * 1024,
  });
  const resources = new AdminResources(metadata, {
    clusterName: config.clusterName,
    defaults: brokerPolicyDefaults(config),
  });
  const auth = await createAuthServices(config, {
    resources,
    log: logger.child({ component: 'auth' }),
    clock,
  });
  const broker = new BrokerService({
    config,
    auth,
    log: logger,
    clock,
    scheduler,
    managedLedgers,
    metadata,
    policies: resources.policies,
    ownership: worker?.ownership,
  });
  const compaction = new CompactionService({
    broker,
    ledgerStore,
    metadata,
    scheduler: systemScheduler,
    checkIntervalMs: compactionCheckIntervalMs(config),
  });
  attachCompaction(broker, compaction);
  const port = await broker.listen(config.brokerServicePort, config.bindAddress);
  const host = advertisedHost(config);
  // A worker's lookups name its own listener; the shared public port may land on any worker.
  const ownPort = worker ? await broker.listenOwn(0, config.bindAddress) : port;
  broker.brokerServiceUrl = `pulsar://${host}:${ownPort}`;
  const portTls =
    tls && config.brokerServicePortTls >= 0
      ? await broker.listenTls(config.brokerServicePortTls, config.bindAddress, tls)
      : undefined;
  if (portTls !== undefined) broker.brokerServiceUrlTls = `pulsar+ssl://${host}:${portTls}`;
  const metricsSource = new BrokerMetrics(broker);
  const http = await startHttpServer({
    host: config.bindAddress,
    port: config.webServicePort,
    logger: logger.child({ component: 'http' }),
    source: metricsSource,
    clusterName: config.clusterName,
    advertisedAddress: host,
    metricLevels: {
      topic: config.exposeTopicLevelMetricsInPrometheus,
      consumer: config.exposeConsumerLevelMetricsInPrometheus,
    },
    register: async (app) => {
      if (worker) worker.admin({ app, broker });
      else registerWorkersRoute(app, () => singleProcessView(broker));
      await registerAdminRoutes(app, {
        resources,
        broker,
        auth,
        topics: { list: (ns) => broker.topicsOfNamespace(ns) },
      });
    },
    ownPort: worker ? 0 : undefined,
    peerMetrics: worker?.peerMetrics,
    listClusters: () => resources.clusters.list(),
    tls: tls && config.webServicePortTls >= 0 ? { port: config.webServicePortTls, context: tls } : undefined,
  });
  const webServiceUrl = `http://${host}:${http.ownPort ?? http.port}`;
  const webServiceUrlTls = http.portTls === undefined ? '' : `https://${host}:${http.portTls}`;
  broker.webServiceUrl = webServiceUrl;
  broker.webServiceUrlTls = webServiceUrlTls;
  // Cluster metadata names the public (shared) listeners, which every worker reaches.
  const published = worker?.publicUrls({ port, httpPort: http.port }) ?? {
    brokerServiceUrl: broker.brokerServiceUrl,
    webServiceUrl,
  };
  const booting = bootstrapStandalone(resources, {
    clusterName: config.clusterName,
    serviceUrl: published.webServiceUrl,
    brokerServiceUrl: published.brokerServiceUrl,
    serviceUrlTls: webServiceUrlTls || undefined,
    brokerServiceUrlTls: broker.brokerServiceUrlTls || undefined,
  });
  broker.holdTopicLoadsUntil(booting);
  const boot = await booting;
  if (boot.created.length > 0) logger.info({ created: boot.created }, 'created default metadata');
  for (const problem of boot.problems) logger.warn(problem);
  logger.info(
    {
      brokerServiceUrl: broker.brokerServiceUrl,
      brokerServiceUrlTls: broker.brokerServiceUrlTls || undefined,
      webServiceUrl,
      webServiceUrlTls: webServiceUrlTls || undefined,
      dataDir,
    },
    'standalone started',
  );

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await http.close();
      await broker.close();
      tls?.close();
      await compaction.close();
      await managedLedgers.close();
      await ledgerStore.close();
      resources.close();
      await metadata.close();
      logger.info('standalone stopped');
    })());
  return {
    brokerServiceUrl: broker.brokerServiceUrl,
    webServiceUrl,
    brokerServiceUrlTls: broker.brokerServiceUrlTls,
    webServiceUrlTls,
    port,
    httpPort: http.port,
    portTls,
    httpPortTls: http.portTls,
    tls,
    http: http.app,
    metricsSource,
    metrics: http.metrics,
    broker,
    resources,
    policies: resources.policies,
    close,
  };
}

/** GET /admin/v2/magnetar/workers of a single-process standalone: itself alone. */
function singleProcessView(broker: BrokerService): WorkersView {
  const { brokerServiceUrl, webServiceUrl } = broker;
  return { self: 0, workers: 1, running: [{ index: 0, pid: process.pid, brokerServiceUrl, webServiceUrl }] };
}

/** Closes `store` and rethrows: start-up failed after the store was opened. */
function closeAnd(store: MetadataStore): (err: unknown) => Promise<never> {
  return async (err) => {
    await store.close().catch(() => undefined);
    throw err;
  };
}

/** The host clients should use: advertisedAddress, else the bind address, with wildcards mapped to loopback. */
export function advertisedHost(config: BrokerConfig): string {
  if (config.advertisedAddress) return config.advertisedAddress;
  const b = config.bindAddress;
  return b === '0.0.0.0' || b === '::' || b === '' ? '127.0.0.1' : b;
}

/** brokerServiceCompactionMonitorIntervalInSeconds (Pulsar's default: 60), read by name until the schema has it. */
function compactionCheckIntervalMs(config: BrokerConfig): number {
  const v = (config as unknown as Record<string, unknown>).brokerServiceCompactionMonitorIntervalInSeconds;
  return (typeof v === 'number' && v > 0 ? v : 60) * 1000;
}
