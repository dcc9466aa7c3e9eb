/**
 * The primary process of a multi-core standalone (docs/design/0001-multi-core-standalone.md). It
 * holds the one FileMetadataStore and serves a session of it to each worker over IPC, forks the
 * workers (node:cluster, so they share the public ports), relays their calls to each other,
 * restarts a worker that dies, and on close stops the workers before it closes the store. It
 * serves no client itself.
 */
import cluster, { type Worker as ClusterWorker } from 'node:cluster';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BrokerConfig } from '../config/schema.js';
import { FileMetadataStore } from '../metadata/file-metadata-store.js';
import { tlsSettingsOf } from '../tls/server-tls.js';
import { endpointChannel, type IpcChannel } from './ipc/channel.js';
import { serveMetadata, type MetadataSession } from './ipc/metadata-server.js';
import type { IpcMessage } from './ipc/messages.js';
import { settleWorkerCount } from './worker-count.js';
import { WORKERS_PATH, type WorkerRegistration } from './worker-directory.js';
import { WORKER_SPEC_ENV, type WorkerSpec } from './worker-spec.js';

/** Start-up refused: a setting a multi-core standalone does not support. */
export class MulticoreConfigError extends Error {
  readonly code = 'MULTICORE_UNSUPPORTED';
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'MulticoreConfigError';
  }
}

/** A worker crashed before every worker was up the first time. */
export class WorkerStartError extends Error {
  readonly code = 'WORKER_START_FAILED';
  readonly retriable = false;
  constructor(index: number, how: string) {
    super(`worker ${index} ${how} before the standalone was ready; see its log lines above`);
    this.name = 'WorkerStartError';
  }
}

export interface PrimaryOptions {
  config: BrokerConfig;
  logger: Logger;
  /** Worker processes, at least 2 (standaloneWorkers, with 0 already resolved to the core count). */
  workers: number;
}

export interface Primary {
  /** The shared public URLs (the workers' brokerServicePort and webServicePort). */
  brokerServiceUrl: string;
  webServiceUrl: string;
  workers: number;
  /** Registrations of the workers now running. */
  registrations(): WorkerRegistration[];
  /** Stops every worker (SIGTERM, then SIGKILL after brokerShutdownTimeoutMs), then closes the store. */
  close(): Promise<void>;
}

/** How long all workers together have to start. */
const START_TIMEOUT_MS = 60_000;
/** Restart back-off for a worker that keeps dying: doubled per quick death, capped. */
const RESTART_MIN_DELAY_MS = 100;
const RESTART_MAX_DELAY_MS = 10_000;
/** A worker that ran this long before dying is restarted at once. */
const STABLE_RUN_MS = 30_000;

/** One worker slot: the process now filling it and what the primary keeps for it. */
interface Slot {
  index: number;
  process: ClusterWorker | undefined;
  channel: IpcChannel | undefined;
  session: MetadataSession | undefined;
  startedAt: number;
  restartDelayMs: number;
}

/** The primary's life. */
type State =
  /** Forking the workers; a worker death fails start-up. */
  | 'starting'
  /** Every worker registered once; deaths are restarts. */
  | 'running'
  /** close() was called. */
  | 'stopping';

export async function startPrimary({ config, logger, workers }: PrimaryOptions): Promise<Primary> {
  checkSupported(config, workers);
  await mkdir(config.dataDir, { recursive: true });
  const metadata = await FileMetadataStore.open(join(config.dataDir, 'metadata'), {
    syncPolicy: config.journalSyncData ? 'fsync' : 'none',
  });
  try {
    await settleWorkerCount(metadata, workers, config.dataDir);
  } catch (err) {
    await metadata.close();
    throw err;
  }
  const tree = new WorkerTree(config, metadata, workers, logger.child({ component: 'primary' }));
  try {
    await tree.start();
  } catch (err) {
    await tree.close();
    throw err;
  }
  const first = tree.registration(0)!;
  return {
    brokerServiceUrl: first.publicBrokerServiceUrl,
    webServiceUrl: first.publicWebServiceUrl,
    workers,
    registrations: () => tree.registrations(),
    close: () => tree.close(),
  };
}

/** The worker processes, their metadata sessions and the calls relayed between them. */
class WorkerTree {
  private state: State = 'starting';
  private readonly slots: Slot[];
  private readonly registered = new Map<number, WorkerRegistration>();
  /** Relayed calls awaiting an answer: "<from>:<id>" → the worker asked. */
  private readonly relayed = new Map<string, number>();
  private startWaiter: { resolve(): void; reject(err: Error): void } | undefined;
  private unwatch: () => void = () => {};
  private closing: Promise<void> | undefined;

  constructor(
    private readonly config: BrokerConfig,
    private readonly metadata: FileMetadataStore,
    private readonly workers: number,
    private readonly log: Logger,
  ) {
    this.slots = Array.from({ length: workers }, (_, index) => ({
      index,
      process: undefined,
      channel: undefined,
      session: undefined,
      startedAt: 0,
      restartDelayMs: RESTART_MIN_DELAY_MS,
    }));
  }

  /** Forks every worker; resolves once all are registered and ready, rejects if one dies first. */
  async start(): Promise<void> {
    this.unwatch = this.metadata.watch(WORKERS_PATH, (e) => {
      if (e.path !== WORKERS_PATH) void this.readRegistration(e.path).catch(() => undefined);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new WorkerStartError(-1, `did not register within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      const settle = (err?: Error) => {
        clearTimeout(timer);
        this.startWaiter = undefined;
        if (err) reject(err);
        else resolve();
      };
      this.startWaiter = { resolve: () => settle(), reject: settle };
      for (const slot of this.slots) this.fork(slot);
    });
    this.state = 'running';
    this.log.info({ workers: this.workers, dataDir: this.config.dataDir }, 'multi-core standalone started');
  }

  registration(index: number): WorkerRegistration | undefined {
    return this.registered.get(index);
  }

  registrations(): WorkerRegistration[] {
    return [...this.registered.values()].sort((a, b) => a.index - b.index);
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      this.state = 'stopping';
      await this.stopWorkers();
      this.unwatch();
      await Promise.all(this.slots.map((s) => s.session?.end()));
      await this.metadata.close();
      this.log.info('workers stopped, metadata closed');
    })());
  }

  private async readRegistration(path: string): Promise<void> {
    const index = Number(path.slice(WORKERS_PATH.length + 1));
    if (!Number.isInteger(index)) return;
    const got = await this.metadata.get(path);
    if (got) this.registered.set(index, JSON.parse(got.value.toString()) as WorkerRegistration);
    else this.registered.delete(index);
    // Ready: every worker registered and knows every other (so any lookup can be answered).
    const all = [...this.registered.values()];
    if (all.length === this.workers && all.every((r) => r.ready)) this.startWaiter?.resolve();
  }

  private fork(slot: Slot): void {
    const spec: WorkerSpec = { index: slot.index, workers: this.workers };
    const w = cluster.fork({ [WORKER_SPEC_ENV]: JSON.stringify(spec) });
    const channel = endpointChannel(w, (err) =>
      this.log.warn({ err, worker: slot.index }, 'malformed IPC message from a worker dropped'),
    );
    slot.process = w;
    slot.channel = channel;
    slot.session = serveMetadata(channel, this.metadata.session());
    slot.startedAt = Date.now();
    channel.onMessage((m) => this.relay(slot, m));
    w.on('exit', (code, signal) => this.onExit(slot, w, code, signal));
    this.log.info({ worker: slot.index, workerPid: w.process.pid }, 'worker forked');
  }

  /** Relays a worker's call to its peer and the answer back; a peer not running is answered 503 at once. */
  private relay(from: Slot, m: IpcMessage): void {
    if (m.t === 'peer.req') {
      const key = `${from.index}:${m.id}`;
      if (this.slots[m.to]?.channel?.send({ ...m, from: from.index })) {
        this.relayed.set(key, m.to);
        return;
      }
      this.answerUnreachable(from.index, m.id, m.to);
    } else if (m.t === 'peer.res') {
      this.relayed.delete(`${m.to}:${m.id}`);
      this.slots[m.to]?.channel?.send(m);
    }
  }

  private answerUnreachable(caller: number, id: number, target: number): void {
    this.slots[caller]?.channel?.send({
      t: 'peer.res',
      id,
      to: caller,
      ok: false,
      error: `worker ${target} is not running`,
      status: 503,
    });
  }

  private onExit(slot: Slot, w: ClusterWorker, code: number | null, signal: string | null): void {
    if (slot.process !== w) return;
    slot.process = undefined;
    slot.channel = undefined;
    // Its ephemeral keys (the registration) go with its session, so peers stop sending clients to it.
    void slot.session?.end().catch(() => undefined);
    slot.session = undefined;
    // Calls it was carrying out will not be answered: their callers hear so now.
    for (const [key, target] of [...this.relayed]) {
      if (target !== slot.index) continue;
      this.relayed.delete(key);
      const [caller, id] = key.split(':').map(Number);
      this.answerUnreachable(caller, id, target);
    }
    if (this.state === 'stopping') return;
    if (this.state === 'starting') {
      this.startWaiter?.reject(new WorkerStartError(slot.index, `exited (code ${code}, signal ${signal})`));
      return;
    }
    const ranMs = Date.now() - slot.startedAt;
    const stable = ranMs >= STABLE_RUN_MS;
    slot.restartDelayMs = stable
      ? RESTART_MIN_DELAY_MS
      : Math.min(slot.restartDelayMs * 2, RESTART_MAX_DELAY_MS);
    const delayMs = stable ? 0 : slot.restartDelayMs;
    this.log.error(
      { worker: slot.index, workerPid: w.process.pid, code, signal, delayMs },
      'worker died; restarting it',
    );
    setTimeout(() => {
      if (this.state === 'running' && slot.process === undefined) this.fork(slot);
    }, delayMs).unref();
  }

  /** SIGTERM to every live worker; SIGKILL to one still running after brokerShutdownTimeoutMs. */
  private async stopWorkers(): Promise<void> {
    const live = this.slots
      .map((s) => s.process)
      .filter((w): w is ClusterWorker => w !== undefined && !w.isDead());
    await Promise.all(
      live.map(
        (w) =>
          new Promise<void>((resolve) => {
            const kill = setTimeout(() => {
              this.log.error({ workerPid: w.process.pid }, 'worker did not stop in time; killing it');
              w.process.kill('SIGKILL');
            }, this.config.brokerShutdownTimeoutMs);
            w.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
  }
}

/** Settings the workers cannot honour yet; refused before anything is opened. */
function checkSupported(config: BrokerConfig, workers: number): void {
  const refuse = (what: string) =>
    new MulticoreConfigError(
      `standaloneWorkers=${workers} does not support ${what} yet; run with standaloneWorkers=1 (--workers 1) or turn it off`,
    );
  if (tlsSettingsOf(config) !== undefined) throw refuse('TLS listeners (tlsEnabled / TLS ports)');
  if (config.advertisedListeners) throw refuse('advertisedListeners');
}
