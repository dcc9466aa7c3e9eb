/**
 * One worker of a multi-core standalone: a normal broker (startStandalone) whose metadata is the
 * primary's store over IPC, whose ledgers are in `<dataDir>/workers/<i>/ledgers`, and which serves
 * only the topics that hash to it. It listens on the shared public ports (through node:cluster)
 * and on its own ports, which it registers so that its peers can send clients to it.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BrokerConfig } from '../config/schema.js';
import { advertisedHost, startStandalone, type Standalone } from '../standalone.js';
import { installAdminRedirects } from './admin-redirect.js';
import { endpointChannel } from './ipc/channel.js';
import { RemoteMetadataStore } from './ipc/remote-metadata-store.js';
import { peerMetrics, serveMetricsToPeers } from './metrics.js';
import { remoteOwnerOps, serveOwnerOps } from './owner-ops.js';
import { ownerOf } from './ownership.js';
import { PeerCalls } from './peers.js';
import { WorkerDirectory } from './worker-directory.js';
import type { WorkerSpec } from './worker-spec.js';

/** What the primary tells a worker at fork (environment variable WORKER_SPEC_ENV, JSON). */
export { WORKER_SPEC_ENV, type WorkerSpec } from './worker-spec.js';

/** How long a starting worker waits to learn of its peers before it stays not ready. */
const WAIT_FOR_PEERS_MS = 60_000;

/** A worker's ledger directory. */
export function workerLedgerDir(dataDir: string, index: number): string {
  return join(dataDir, 'workers', String(index), 'ledgers');
}

export interface Worker {
  standalone: Standalone;
  /** The shared public URLs (any worker may take a connection on them). */
  publicBrokerServiceUrl: string;
  publicWebServiceUrl: string;
  close(): Promise<void>;
}

/**
 * Starts worker `spec.index` in this process, which must be a node:cluster worker (its IPC
 * channel reaches the primary). `onPrimaryGone` is called if the channel closes while running.
 */
export async function startWorker(
  config: BrokerConfig,
  spec: WorkerSpec,
  logger: Logger,
  onPrimaryGone: () => void,
): Promise<Worker> {
  const channel = endpointChannel(process, (err) => logger.warn({ err }, 'malformed IPC message dropped'));
  const metadata = new RemoteMetadataStore(channel);
  const peers = new PeerCalls(channel, spec.index);
  let closing = false;
  // The primary is gone. Node's cluster module ends a worker on an unexpected disconnect itself (exit
  // 0, before this runs); this stays for the case it does not, so that nothing waits forever on a
  // metadata call. The journal is durable; cursors resume from their last flush on the next start.
  process.once('disconnect', () => {
    metadata.channelClosed();
    peers.close();
    if (!closing) onPrimaryGone();
  });
  const workers = spec.workers;
  const directory = await WorkerDirectory.open(
    metadata,
    spec.index,
    workers,
    remoteOwnerOps(peers, (name) => ownerOf(name, workers)),
    logger,
  );
  const host = advertisedHost(config);
  let publicUrls = { brokerServiceUrl: '', webServiceUrl: '' };
  const standalone = await startStandalone({
    config,
    logger,
    worker: {
      metadata,
      ledgerDir: workerLedgerDir(config.dataDir, spec.index),
      ownership: directory,
      admin: ({ app, broker }) => installAdminRedirects(app, broker, directory),
      peerMetrics: peerMetrics(peers, workers),
      publicUrls: ({ port, httpPort }) =>
        (publicUrls = {
          brokerServiceUrl: `pulsar://${host}:${port}`,
          webServiceUrl: `http://${host}:${httpPort}`,
        }),
    },
  });
  serveOwnerOps(peers, standalone.broker);
  serveMetricsToPeers(peers, standalone);
  const registration = {
    index: spec.index,
    pid: process.pid,
    brokerServiceUrl: standalone.brokerServiceUrl,
    webServiceUrl: standalone.webServiceUrl,
    publicBrokerServiceUrl: publicUrls.brokerServiceUrl,
    publicWebServiceUrl: publicUrls.webServiceUrl,
    ready: false,
  };
  await directory.register(registration);
  // Ready once this worker can send clients to every peer; the primary prints its ready line only
  // when all are. A peer that never comes is the primary's to report (its start-up fails).
  if (await directory.whenAllKnown(WAIT_FOR_PEERS_MS))
    await directory.register({ ...registration, ready: true });
  logger.info(
    { workers, brokerServiceUrl: standalone.brokerServiceUrl, webServiceUrl: standalone.webServiceUrl },
    'worker registered',
  );
  return {
    standalone,
    publicBrokerServiceUrl: publicUrls.brokerServiceUrl,
    publicWebServiceUrl: publicUrls.webServiceUrl,
    async close() {
      closing = true;
      directory.close();
      await standalone.close();
      peers.close();
    },
  };
}
