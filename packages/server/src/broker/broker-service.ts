import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { TopicName } from '@magnetar/protocol';
import { MAX_FRAME_SIZE_DEFAULT, MAX_MESSAGE_SIZE_DEFAULT, ServerError } from '@magnetar/protocol';
import type { BrokerConfig } from '../config/schema.js';
import type { MetadataStore } from '../metadata/types.js';
import type { PolicyService } from '../resources/policy-service.js';
import type { ManagedLedgerFactory } from '../storage/types.js';
import type { Clock, Scheduler } from '../util/clock.js';
import { BrokerError, topicNotFound } from './errors.js';
import { ServerConnection } from './connection/server-connection.js';
import { SchemaRegistry } from './schema/schema-registry.js';
import { PersistentTopic } from './topic/persistent-topic.js';

export interface BrokerServiceDeps {
  config: BrokerConfig;
  log: Logger;
  clock: Clock;
  scheduler: Scheduler;
  managedLedgers: ManagedLedgerFactory;
  metadata: MetadataStore;
  /** Namespace existence and policies; without it, every namespace exists and config decides auto-creation. */
  policies?: PolicyService;
}

/**
 * The broker: accepts binary-protocol connections and owns the topics loaded here. In standalone
 * mode it answers every lookup itself; in a cluster it will own only its bundles' topics.
 */
export class BrokerService {
  readonly config: BrokerConfig;
  readonly log: Logger;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly managedLedgers: ManagedLedgerFactory;
  readonly metadata: MetadataStore;
  readonly schemas: SchemaRegistry;
  readonly policies: PolicyService | undefined;
  /** Largest frame accepted: the message size limit plus room for command and metadata, as Pulsar's nettyMaxFrameSizeBytes. */
  readonly maxFrameSize: number;
  readonly connections = new Set<ServerConnection>();
  connectionsCreated = 0;
  connectionsClosed = 0;
  /** URL clients are sent to by lookups; set once the listener is bound. */
  brokerServiceUrl = '';
  private readonly topics = new Map<string, PersistentTopic>();
  private readonly loading = new Map<string, Promise<PersistentTopic>>();
  private server: Server | undefined;
  private nextConnectionId = 1;
  private nextProducerSeq = 0;
  private closing = false;
  private cancelTrim: () => void = () => {};
  /** Topic loads wait for this (first-start metadata such as public/default must exist first). */
  private startup: Promise<unknown> = Promise.resolve();

  constructor(deps: BrokerServiceDeps) {
    this.config = deps.config;
    this.log = deps.log;
    this.clock = deps.clock;
    this.scheduler = deps.scheduler;
    this.managedLedgers = deps.managedLedgers;
    this.metadata = deps.metadata;
    this.schemas = new SchemaRegistry(deps.metadata);
    this.policies = deps.policies;
    this.maxFrameSize = this.config.maxMessageSize + (MAX_FRAME_SIZE_DEFAULT - MAX_MESSAGE_SIZE_DEFAULT);
  }

  /** Binds the binary-protocol listener; resolves with the bound port. */
  async listen(port: number, host: string): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // Consumed ledgers are deleted in the background, not on the ack path.
    this.cancelTrim = this.scheduler.every(10_000, () => void this.trimAll());
    const addr = server.address();
    return typeof addr === 'object' && addr ? addr.port : port;
  }

  /** Holds topic loads until `p` settles (bootstrap of default tenants and namespaces). */
  holdTopicLoadsUntil(p: Promise<unknown>): void {
    this.startup = p.catch(() => undefined);
  }

  /** A name for a producer that did not choose one: "<cluster>-<seq>", unique on this broker's run. */
  generateProducerName(): string {
    return `${this.config.clusterName}-${process.pid}-${this.nextProducerSeq++}`;
  }

  /**
   * The loaded topic, loading it on first use. A missing topic is created when the client allows it
   * (`create`) and its namespace's auto-topic-creation policy (else allowAutoTopicCreation) does.
   */
  async getTopic(name: TopicName, create: boolean): Promise<PersistentTopic> {
    const key = name.toString();
    const loaded = this.topics.get(key);
    if (loaded && loaded.state === 'open') return loaded;
    let p = this.loading.get(key);
    if (!p) {
      p = this.loadTopic(key, create).finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }

  /** True if the topic exists (loaded or stored). */
  async topicExists(name: TopicName): Promise<boolean> {
    return this.topics.has(name.toString()) || (await this.managedLedgers.exists(name.toString()));
  }

  /** Persistent topic names of a namespace ("tenant/ns"), loaded or stored. */
  async topicsOfNamespace(namespace: string): Promise<string[]> {
    const names = new Set(await this.managedLedgers.list());
    for (const k of this.topics.keys()) names.add(k);
    const prefix = `persistent://${namespace}/`;
    return [...names].filter((n) => n.startsWith(prefix)).sort();
  }

  loadedTopics(): Iterable<PersistentTopic> {
    return this.topics.values();
  }

  connectionClosed(c: ServerConnection): void {
    if (this.connections.delete(c)) this.connectionsClosed++;
  }

  /** Stops accepting, closes connections and topics, flushes cursors. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.cancelTrim();
    const server = this.server;
    const stopped = server ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve();
    // Topics first: their producers and consumers are told (CLOSE_PRODUCER / CLOSE_CONSUMER) and
    // in-flight appends finish, then the connections go.
    await Promise.allSettled([...this.loading.values()]);
    await Promise.allSettled([...this.topics.values()].map((t) => t.close()));
    this.topics.clear();
    for (const c of [...this.connections]) c.close('broker shutting down');
    await stopped;
  }

  private accept(socket: Socket): void {
    const limit = this.config.maxConnections;
    if (this.closing || (limit > 0 && this.connections.size >= limit)) {
      socket.destroy();
      return;
    }
    const c = new ServerConnection(this.nextConnectionId++, socket, this);
    this.connections.add(c);
    this.connectionsCreated++;
  }

  private async loadTopic(key: string, create: boolean): Promise<PersistentTopic> {
    await this.startup;
    if (!(await this.managedLedgers.exists(key)) && !(await this.mayCreate(key, create)))
      throw topicNotFound(key);
    const ml = await this.managedLedgers.open(key, {
      maxLedgerSizeBytes: this.config.managedLedgerMaxSizePerLedgerMbytes * 1024 * 1024,
      maxLedgerAgeMs: this.config.managedLedgerMaxLedgerRolloverTimeMinutes * 60_000,
      cursorFlushIntervalMs: this.config.managedLedgerCursorPositionFlushSeconds * 1000,
    });
    const topic = new PersistentTopic(key, ml, this);
    this.topics.set(key, topic);
    this.log.info({ topic: key }, 'topic loaded');
    return topic;
  }

  /** Whether a missing topic may be created now: its namespace must exist and allow auto-creation. */
  private async mayCreate(key: string, clientAllows: boolean): Promise<boolean> {
    if (!clientAllows) return false;
    if (!this.policies) return this.config.allowAutoTopicCreation;
    const effective = await this.policies.effectivePolicies(key);
    if (!effective) throw new BrokerError(ServerError.TopicNotFound, `Namespace of ${key} does not exist`);
    return effective.autoTopicCreation.allowAutoTopicCreation;
  }

  private async trimAll(): Promise<void> {
    for (const t of this.topics.values()) {
      if (t.state !== 'open') continue;
      try {
        await t.ledger.trimConsumedLedgers();
      } catch (err) {
        t.log.warn({ err }, 'trimming consumed ledgers failed');
      }
    }
  }
}
