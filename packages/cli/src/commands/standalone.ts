/**
 * `magnetar standalone`: one process with a broker, its storage and its metadata under one data
 * directory. Loads the configuration (file < environment < flags), starts the server, prints where
 * it listens and stays up until SIGTERM or SIGINT.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import type { BrokerConfig, Logger, WorkerSpec } from '@magnetar/server';
import { createShutdownHandler } from '../shutdown.js';
import { loadStandaloneConfig, type StandaloneFlags } from './standalone-options.js';

/** Exit status for an invalid configuration, distinct from runtime failures (1). */
export const EXIT_BAD_CONFIG = 2;

export function registerStandalone(program: Command): void {
  program
    .command('standalone')
    .description('run a broker with embedded storage and metadata in this process')
    .option('-c, --config <file>', 'configuration file: Pulsar-style key=value (.conf) or .json')
    .option('--data-dir <dir>', 'directory for ledgers, cursors and metadata (dataDir)')
    .option('-p, --port <n>', 'binary protocol port, 0 for any free port (brokerServicePort)')
    .option('--http-port <n>', 'HTTP port for admin API and /metrics, 0 for any (webServicePort)')
    .option('--bind-address <addr>', 'address both listeners bind to (bindAddress)')
    .option('--advertised-address <addr>', 'host name advertised to clients (advertisedAddress)')
    .option(
      '--workers <n>',
      'broker processes sharing the topics, 0 for one per CPU core (standaloneWorkers; default 1)',
    )
    .option('--no-fsync', 'acknowledge writes before they reach the disk (journalSyncData=false)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (logLevel)')
    .option('--set <key=value>', 'set any configuration field; repeatable', collect, [])
    .addHelpText(
      'after',
      '\nEvery setting can also come from MAGNETAR_<UPPER_SNAKE_NAME> variables; see docs/configuration.md.',
    )
    .action(async (flags: StandaloneFlags) => {
      const code = await runStandalone(flags);
      // A failed start may leave half-opened listeners or timers behind; do not wait for them.
      if (code !== 0) process.exit(code);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Starts the standalone server. Resolves with an exit code only when start-up fails; once started,
 * the process ends through the signal handlers.
 */
export async function runStandalone(flags: StandaloneFlags): Promise<number> {
  // A worker of a multi-core standalone runs this same command, forked by the primary.
  const workerSpec = cluster.isWorker
    ? takeWorkerSpec((await import('@magnetar/server')).WORKER_SPEC_ENV)
    : undefined;
  const loaded = await loadStandaloneConfig(flags, process.env);
  if (!loaded.ok) {
    process.stderr.write(`magnetar: invalid configuration\n${loaded.lines.map((l) => `  ${l}\n`).join('')}`);
    return EXIT_BAD_CONFIG;
  }
  const { config, warnings } = loaded;
  const { createLogger, startStandalone } = await import('@magnetar/server');
  const logger = createLogger({ level: config.logLevel, name: 'magnetar' });
  if (workerSpec) return runWorker(config, workerSpec, logger.child({ worker: workerSpec.index }));
  for (const warning of warnings) logger.warn(warning);
  const workers = config.standaloneWorkers === 0 ? availableParallelism() : config.standaloneWorkers;
  if (workers > 1) return runPrimary(config, workers, logger);

  let standalone: Awaited<ReturnType<typeof startStandalone>>;
  try {
    standalone = await startStandalone({ config, logger });
  } catch (err) {
    // A port in use or an unreadable data directory is an operating error: report it, no stack dump.
    logger.fatal({ err }, 'standalone failed to start');
    return 1;
  }
  const onSignal = createShutdownHandler({
    close: () => standalone.close(),
    timeoutMs: config.brokerShutdownTimeoutMs,
    exit: (code) => process.exit(code),
    log: logger,
  });
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // performance.now() counts from process start, so this is the whole start-up as users see it.
  const startupMs = Math.round(performance.now());
  process.stdout.write(`${readyLine(startupMs, standalone)}\n`);
  return 0;
}

/** The spec the primary put in this worker's environment, removed so it is not read as a setting. */
function takeWorkerSpec(name: string): WorkerSpec | undefined {
  const raw = process.env[name];
  delete process.env[name];
  return raw === undefined ? undefined : (JSON.parse(raw) as WorkerSpec);
}

/**
 * The primary of a multi-core standalone: forks the workers, prints the ready line once all of
 * them are up, and stops them on SIGTERM/SIGINT before closing the metadata store.
 */
async function runPrimary(config: BrokerConfig, workers: number, logger: Logger): Promise<number> {
  const { startPrimary } = await import('@magnetar/server');
  let primary: Awaited<ReturnType<typeof startPrimary>>;
  try {
    primary = await startPrimary({ config, logger, workers });
  } catch (err) {
    logger.fatal({ err }, 'standalone failed to start');
    return 1;
  }
  const onSignal = createShutdownHandler({
    close: () => primary.close(),
    // The workers get brokerShutdownTimeoutMs each (in parallel); the primary a little more.
    timeoutMs: config.brokerShutdownTimeoutMs + 2_000,
    exit: (code) => process.exit(code),
    log: logger,
  });
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const startupMs = Math.round(performance.now());
  const urls = { ...primary, brokerServiceUrlTls: '', webServiceUrlTls: '' };
  process.stdout.write(`${readyLine(startupMs, urls)} workers ${workers}\n`);
  return 0;
}

/** One worker: a broker serving its share of the topics until SIGTERM/SIGINT (or its primary is gone). */
async function runWorker(config: BrokerConfig, spec: WorkerSpec, logger: Logger): Promise<number> {
  const { startWorker } = await import('@magnetar/server');
  let worker: Awaited<ReturnType<typeof startWorker>>;
  try {
    worker = await startWorker(config, spec, logger, () => {
      logger.fatal('the primary process is gone; exiting');
      process.exit(1);
    });
  } catch (err) {
    logger.fatal({ err }, 'worker failed to start');
    return 1;
  }
  const onSignal = createShutdownHandler({
    close: () => worker.close(),
    timeoutMs: config.brokerShutdownTimeoutMs,
    exit: (code) => process.exit(code),
    log: logger,
  });
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return 0;
}

/** The URLs a started standalone serves; the TLS ones are '' while TLS is off. */
export interface ServedUrls {
  brokerServiceUrl: string;
  webServiceUrl: string;
  brokerServiceUrlTls: string;
  webServiceUrlTls: string;
}

/**
 * "Magnetar standalone ready in N ms: broker pulsar://… web http://…", followed by
 * "broker-tls pulsar+ssl://…" and "web-tls https://…" for the TLS listeners that are open. Scripts
 * read the line, so its start stays as it is and the TLS URLs only ever come after.
 */
export function readyLine(startupMs: number, urls: ServedUrls): string {
  const parts = [`broker ${urls.brokerServiceUrl}`, `web ${urls.webServiceUrl}`];
  if (urls.brokerServiceUrlTls) parts.push(`broker-tls ${urls.brokerServiceUrlTls}`);
  if (urls.webServiceUrlTls) parts.push(`web-tls ${urls.webServiceUrlTls}`);
  return `Magnetar standalone ready in ${startupMs} ms: ${parts.join(' ')}`;
}
