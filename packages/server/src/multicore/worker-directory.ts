/**
 * The workers of a multi-core standalone as each of them sees the others: who owns a topic
 * (ownership.ts) and where that owner listens. Every worker registers its own URLs under
 * WORKERS_PATH as an ephemeral key, which disappears when the worker's metadata session ends (it
 * stopped or crashed), as Pulsar brokers register under /loadbalance/brokers; the directory keeps
 * a copy, updated by a watch, so that lookups are answered without a metadata round trip.
 */
import type { TopicName } from '@magnetar/protocol';
import type { Logger } from 'pino';
import { serviceNotReady } from '../broker/errors.js';
import type { ListenerUrls } from '../broker/listeners.js';
import type { OwnerOps, TopicOwnership } from '../broker/topic-ownership.js';
import type { MetadataStore } from '../metadata/types.js';
import { ownerOf } from './ownership.js';

export const WORKERS_PATH = '/magnetar/workers';

/** What a worker publishes about itself. */
export interface WorkerRegistration {
  index: number;
  pid: number;
  /** The worker's own (unshared) listeners. */
  brokerServiceUrl: string;
  webServiceUrl: string;
  /** The shared public listeners, as this worker bound them (the primary prints them). */
  publicBrokerServiceUrl: string;
  publicWebServiceUrl: string;
  /** Set once this worker knows every other worker's URLs, so that it can answer any lookup. */
  ready: boolean;
}

export class WorkerDirectory implements TopicOwnership {
  private readonly known = new Map<number, WorkerRegistration>();
  private unwatch: () => void = () => {};
  private onChange: () => void = () => {};

  private constructor(
    private readonly store: MetadataStore,
    readonly self: number,
    readonly workers: number,
    readonly atOwner: OwnerOps,
    private readonly log: Logger,
  ) {}

  /** Reads the registered workers and follows their changes. */
  static async open(
    store: MetadataStore,
    self: number,
    workers: number,
    atOwner: OwnerOps,
    log: Logger,
  ): Promise<WorkerDirectory> {
    const d = new WorkerDirectory(store, self, workers, atOwner, log);
    d.unwatch = store.watch(WORKERS_PATH, (e) => {
      if (e.path === WORKERS_PATH) return;
      d.refresh(e.path).catch((err: unknown) =>
        log.warn({ err, path: e.path }, 'reading a worker registration failed'),
      );
    });
    for (const name of await store.children(WORKERS_PATH)) await d.refresh(`${WORKERS_PATH}/${name}`);
    return d;
  }

  /** Publishes this worker's URLs (an ephemeral key of its metadata session). */
  async register(reg: WorkerRegistration): Promise<void> {
    await this.store.put(`${WORKERS_PATH}/${reg.index}`, Buffer.from(JSON.stringify(reg)), {
      ephemeral: true,
    });
    this.known.set(reg.index, reg);
  }

  ownerOf(topic: TopicName): number {
    return ownerOf(topic, this.workers);
  }

  ownerUrls(topic: TopicName): ListenerUrls {
    const owner = this.ownerOf(topic);
    const reg = this.known.get(owner);
    if (!reg)
      throw serviceNotReady(`Worker ${owner}, which serves ${topic.toString()}, is not running; retry`);
    return {
      brokerServiceUrl: reg.brokerServiceUrl,
      brokerServiceUrlTls: '',
      httpUrl: reg.webServiceUrl,
      httpUrlTls: '',
    };
  }

  /** Resolves once every worker is registered here (or after `timeoutMs`, with false). */
  whenAllKnown(timeoutMs: number): Promise<boolean> {
    if (this.known.size >= this.workers) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.onChange = () => {};
        resolve(false);
      }, timeoutMs);
      this.onChange = () => {
        if (this.known.size < this.workers) return;
        clearTimeout(timer);
        this.onChange = () => {};
        resolve(true);
      };
    });
  }

  /** The registered workers, by index. */
  registrations(): WorkerRegistration[] {
    return [...this.known.values()].sort((a, b) => a.index - b.index);
  }

  close(): void {
    this.unwatch();
  }

  private async refresh(path: string): Promise<void> {
    const index = Number(path.slice(WORKERS_PATH.length + 1));
    if (!Number.isInteger(index)) return;
    const got = await this.store.get(path);
    if (!got) {
      this.known.delete(index);
      return;
    }
    try {
      this.known.set(index, JSON.parse(got.value.toString()) as WorkerRegistration);
    } catch (err) {
      this.log.warn({ err, path }, 'unreadable worker registration');
    }
    this.onChange();
  }
}
