import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { startHttpServer } from './admin/http-server.js';
import type { BrokerMetricsSource } from './admin/metrics-source.js';
import { createAuthServices } from './auth/index.js';
import { BrokerService } from './broker/broker-service.js';
import { CompactionService, attachCompaction } from './broker/compaction/compaction-service.js';
import { BrokerMetrics } from './broker/stats/broker-metrics.js';
import type { BrokerConfig } from './config/schema.js';
import { FileMetadataStore } from './metadata/file-metadata-store.js';
import { registerAdminRoutes } from './admin/routes/index.js';
import {
  AdminResources,
  bootstrapStandalone,
  brokerPolicyDefaults,
  type PolicyService,
} from './resources/index.js';
import { DiskLedgerStore } from './storage/journal/index.js';
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
}

export interface Standalone {
  brokerServiceUrl: string;
  webServiceUrl: string;
  port: number;
  httpPort: number;
  /** The HTTP server's fastify instance (admin REST, lookup, /metrics), e.g. to list its routes. */
  http: FastifyInstance;
  metricsSource: BrokerMetricsSource;
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
export async function startStandalone({
  config,
  logger,
  clock = systemClock,
  scheduler = systemScheduler,
}: StandaloneOptions): Promise<Standalone> {
  const dataDir = config.dataDir;
  await mkdir(dataDir, { recursive: true });
  const sync = config.journalSyncData ? 'fsync' : 'none';
  const metadata = await FileMetadataStore.open(join(dataDir, 'metadata'), {
    clock: systemClock,
    syncPolicy: sync,
  });
  const ledgerStore = await DiskLedgerStore.open({
    dir: join(dataDir, 'ledgers'),
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
  broker.brokerServiceUrl = `pulsar://${host}:${port}`;
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
    register: (app) =>
      registerAdminRoutes(app, {
        resources,
        broker,
        auth,
        topics: { list: (ns) => broker.topicsOfNamespace(ns) },
      }),
    listClusters: () => resources.clusters.list(),
  });
  const webServiceUrl = `http://${host}:${http.port}`;
  const booting = bootstrapStandalone(resources, {
    clusterName: config.clusterName,
    serviceUrl: webServiceUrl,
    brokerServiceUrl: broker.brokerServiceUrl,
  });
  broker.holdTopicLoadsUntil(booting);
  const boot = await booting;
  if (boot.created.length > 0) logger.info({ created: boot.created }, 'created default metadata');
  for (const problem of boot.problems) logger.warn(problem);
  logger.info({ brokerServiceUrl: broker.brokerServiceUrl, webServiceUrl, dataDir }, 'standalone started');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await http.close();
      await broker.close();
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
    port,
    httpPort: http.port,
    http: http.app,
    metricsSource,
    broker,
    resources,
    policies: resources.policies,
    close,
  };
}

/** The host clients should use: advertisedAddress, else the bind address, with wildcards mapped to loopback. */
function advertisedHost(config: BrokerConfig): string {
  if (config.advertisedAddress) return config.advertisedAddress;
  const b = config.bindAddress;
  return b === '0.0.0.0' || b === '::' || b === '' ? '127.0.0.1' : b;
}

/** brokerServiceCompactionMonitorIntervalInSeconds (Pulsar's default: 60), read by name until the schema has it. */
function compactionCheckIntervalMs(config: BrokerConfig): number {
  const v = (config as unknown as Record<string, unknown>).brokerServiceCompactionMonitorIntervalInSeconds;
  return (typeof v === 'number' && v > 0 ? v : 60) * 1000;
}
