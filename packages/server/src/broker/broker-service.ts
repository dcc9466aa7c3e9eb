import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import {
  CommandType,
  MAX_FRAME_SIZE_DEFAULT,
  MAX_MESSAGE_SIZE_DEFAULT,
  ServerError,
  TopicName,
  serializeCommand,
} from '@magnetar/protocol';
import { disabledAuthServices, type AuthServices } from '../auth/index.js';
import type { AuthenticationService, AuthorizationService } from '../auth/types.js';
import type { BrokerConfig } from '../config/schema.js';
import type { MetadataStore } from '../metadata/types.js';
import { PartitionedTopicResources } from '../resources/partitioned-topics.js';
import type { PolicyService } from '../resources/policy-service.js';
import type { ManagedLedgerFactory } from '../storage/types.js';
import type { ServerTlsContext } from '../tls/server-tls.js';
import type { Clock, Scheduler } from '../util/clock.js';
import { BrokerError, notAllowed, serviceNotReady, topicNotFound } from './errors.js';
import { AdvertisedListeners, type ListenerUrls } from './listeners.js';
import { admitBeforeHandshake, admitConnection } from './connection/admission.js';
import { ServerConnection } from './connection/server-connection.js';
import { SchemaRegistry } from './schema/schema-registry.js';
import { NonPersistentTopic } from './topic/non-persistent/non-persistent-topic.js';
import { PartitionedTopics } from './topic/partitioned-topics.js';
import { PersistentTopic } from './topic/persistent-topic.js';
import { BrokerPublishThrottle } from './policies/broker-publish-throttle.js';
import { retentionOf, startPolicyTimers } from './policies/enforcement.js';
import type { Topic } from './topic/topic.js';
import type { TopicOwnership } from './topic-ownership.js';

/** How a topic load treats a missing topic. */
type CreateMode =
  /** Never create: a missing topic is TopicNotFound. */
  | 'never'
  /** Create when the client allows it and the auto-creation policy (or partition metadata) does. */
  | 'auto'
  /** Create regardless (a partition being added by the admin API). */
  | 'always';

export interface BrokerServiceDeps {
  config: BrokerConfig;
  log: Logger;
  clock: Clock;
  scheduler: Scheduler;
  managedLedgers: ManagedLedgerFactory;
  metadata: MetadataStore;
  /** Namespace existence and policies; without it, every namespace exists and config decides auto-creation. */
  policies?: PolicyService;
  /** Who clients are and what they may do; absent means authentication and authorization are off. */
  auth?: AuthServices;
  /** Which topics this broker may serve (a worker of a multi-core standalone); absent means all. */
  ownership?: TopicOwnership;
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
  readonly authentication: AuthenticationService;
  readonly authorization: AuthorizationService;
  /** Partition counts of partitioned topics, in the metadata store. */
  readonly partitionedTopics: PartitionedTopicResources;
  /** Partitioned-topic operations: PARTITIONED_METADATA answers, admin create/grow/delete. */
  readonly partitions: PartitionedTopics;
  /** brokerPublisherThrottlingMaxMessageRate / MaxByteRate, shared by every persistent topic. */
  readonly publishThrottle: BrokerPublishThrottle;
  /** Largest frame accepted: the message size limit plus room for command and metadata, as Pulsar's nettyMaxFrameSizeBytes. */
  readonly maxFrameSize: number;
  readonly connections = new Set<ServerConnection>();
  connectionsCreated = 0;
  connectionsClosed = 0;
  /** pulsar:// URL of this broker's own listener (advertisedAddress, bound port); set once it is bound. */
  brokerServiceUrl = '';
  /** pulsar+ssl:// URL of the TLS listener; empty while TLS is off or not bound yet. */
  brokerServiceUrlTls = '';
  /** http:// and https:// URLs of the web service, set by whoever starts it (HTTP lookups answer them). */
  webServiceUrl = '';
  webServiceUrlTls = '';
  /** advertisedListeners and internalListenerName, parsed; a malformed value fails construction. */
  readonly listeners: AdvertisedListeners;
  /** Which topics this broker may serve; undefined: every topic (a single-process standalone). */
  readonly ownership: TopicOwnership | undefined;
  private readonly topics = new Map<string, PersistentTopic>();
  private readonly loading = new Map<string, Promise<PersistentTopic>>();
  private readonly nonPersistent = new Map<string, NonPersistentTopic>();
  /** Each loaded non-persistent topic gets its own ledger id for the message ids it hands out. */
  private nextNonPersistentLedgerId = 0;
  /** Non-persistent topics found without producers and subscriptions by the last sweep. */
  private readonly idleNonPersistent = new WeakSet<NonPersistentTopic>();
  private server: Server | undefined;
  /** A worker's own (unshared) binary listener, beside the shared public one; see listenOwn. */
  private ownServer: Server | undefined;
  private tlsServer: TlsServer | undefined;
  private detachTls: () => void = () => {};
  /** TLS connections still in their handshake, by "address:port" of the peer; closed with the broker. */
  private readonly handshaking = new Map<string, Socket>();
  private nextConnectionId = 1;
  private nextProducerSeq = 0;
  private closing = false;
  private cancelTrim: () => void = () => {};
  private cancelDedupTimer: () => void = () => {};
  private stopPolicyWatch: () => void = () => {};
  private cancelPolicyTimers: () => void = () => {};
  /** Topic loads wait for this (first-start metadata such as public/default must exist first). */
  private startup: Promise<unknown> = Promise.resolve();

  constructor(deps: BrokerServiceDeps) {
    this.config = deps.config;
    this.log = deps.log;
    this.clock = deps.clock;
    this.scheduler = deps.scheduler;
    this.managedLedgers = deps.managedLedgers;
    this.metadata = deps.metadata;
    this.schemas = new SchemaRegistry(deps.metadata, deps.policies);
    this.policies = deps.policies;
    this.ownership = deps.ownership;
    const auth = deps.auth ?? disabledAuthServices();
    this.authentication = auth.authentication;
    this.authorization = auth.authorization;
    this.partitionedTopics = new PartitionedTopicResources(deps.metadata);
    this.partitions = new PartitionedTopics(this);
    this.publishThrottle = new BrokerPublishThrottle(this.config, this.clock, this.scheduler, () =>
      [...this.connections].filter((c) => c.producers.size > 0),
    );
    this.maxFrameSize = this.config.maxMessageSize + (MAX_FRAME_SIZE_DEFAULT - MAX_MESSAGE_SIZE_DEFAULT);
    this.listeners = AdvertisedListeners.parse(
      this.config.advertisedListeners,
      this.config.internalListenerName,
    );
  }

  /** Binds the binary-protocol listener and starts the broker's timers; resolves with the bound port. */
  async listen(port: number, host: string): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    const bound = await bind(server, port, host);
    this.startTimers();
    return bound;
  }

  /**
   * Binds a second binary-protocol listener that is this process's alone (`exclusive`: not shared
   * through node:cluster even in a cluster worker). A worker of a multi-core standalone advertises
   * it in lookups, so that clients reach the owner of a topic directly. Resolves with the bound port.
   */
  async listenOwn(port: number, host: string): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.ownServer = server;
    return bind(server, port, host, true);
  }

  /**
   * Binds the TLS binary-protocol listener (pulsar+ssl://) with the certificate of `tls`, which
   * keeps it current. The connection limits are applied to the raw TCP connection, before the
   * handshake (connection/admission.ts); a connection reaches accept() only once its handshake is
   * complete, with the client certificate verified when one is required, and is not counted
   * again there. Resolves with the bound port.
   */
  async listenTls(port: number, host: string, tls: ServerTlsContext): Promise<number> {
    const server = createTlsServer(tls.serverOptions());
    this.tlsServer = server;
    this.detachTls = tls.attach(server);
    server.on('connection', (raw: Socket) => {
      // Node has wrapped the socket for TLS already, but has read nothing from it yet.
      if (this.closing) {
        raw.destroy();
        return;
      }
      if (!admitBeforeHandshake(this, raw)) return;
      const key = peerKey(raw);
      this.handshaking.set(key, raw);
      raw.once('close', () => {
        if (this.handshaking.get(key) === raw) this.handshaking.delete(key);
      });
    });
    server.on('secureConnection', (socket: TLSSocket) => {
      this.handshaking.delete(peerKey(socket));
      const refusal = tls.refusal(socket);
      if (refusal !== undefined) {
        this.log.debug({ remote: peerKey(socket), reason: refusal }, 'TLS connection refused');
        refuseTls(socket, refusal);
        return;
      }
      this.accept(socket, { admitted: true });
    });
    // Handshakes that fail (timeouts, plain-text peers, clients refusing our certificate, sockets
    // refused above). With a listener here Node leaves the socket open, even after the handshake
    // timeout, so it is destroyed here: a peer that never finishes a handshake holds its slot for
    // at most TLS_HANDSHAKE_TIMEOUT_MS.
    server.on('tlsClientError', (err: Error, socket: TLSSocket) => {
      this.log.debug({ err: err.message, remote: peerKey(socket) }, 'TLS handshake failed');
      socket.destroy();
    });
    return bind(server, port, host);
  }

  /**
   * The URLs a lookup answers for advertised listener `name` (CommandLookupTopic.advertised_listener_name,
   * the HTTP lookup's listenerName): undefined or '' means the internal listener, which is this
   * broker's own URLs unless advertisedListeners says otherwise. A URL is absent when the listener
   * has none of that kind (brokerServiceUrlTls while TLS is off). Throws a BrokerError with
   * ServerError.ServiceNotReady, as Pulsar answers, for a name the broker does not have.
   */
  resolveListener(name?: string): ListenerUrls {
    return this.listeners.resolve(name, this.ownUrls());
  }

  /**
   * The URLs a lookup of `name` answers (CommandLookupTopic, the HTTP lookup): this broker's for
   * the listener named when it owns the topic, else its owner's (a worker of a multi-core
   * standalone), which Pulsar also answers with Connect once ownership is known. An unknown
   * listener name, or an owner that is not up, is a BrokerError with ServiceNotReady.
   */
  lookupUrls(name: TopicName, listenerName?: string): ListenerUrls {
    const own = this.resolveListener(listenerName);
    if (!this.ownership || this.ownership.ownerOf(name) === this.ownership.self) return own;
    return this.ownership.ownerUrls(name);
  }

  /**
   * Refuses to serve a topic another worker owns. Every path that loads a topic (PRODUCER,
   * SUBSCRIBE, admin operations, partition creation) passes here first, so a topic's managed
   * ledger is never opened on a worker whose ledger store does not hold it. ServiceNotReady makes
   * clients look the topic up again, which sends them to the owner.
   */
  assertOwned(name: TopicName): void {
    const o = this.ownership;
    if (!o) return;
    const owner = o.ownerOf(name);
    if (owner !== o.self) {
      throw serviceNotReady(
        `Topic ${name.toString()} is served by worker ${owner}, not by worker ${o.self}: look it up again`,
      );
    }
  }

  /** This broker's own URLs, before advertisedListeners (empty strings for listeners not bound). */
  ownUrls(): ListenerUrls {
    return {
      brokerServiceUrl: this.brokerServiceUrl,
      brokerServiceUrlTls: this.brokerServiceUrlTls,
      httpUrl: this.webServiceUrl,
      httpUrlTls: this.webServiceUrlTls,
    };
  }

  private startTimers(): void {
    // Consumed ledgers are deleted in the background, not on the ack path.
    this.cancelTrim = this.scheduler.every(10_000, () => {
      void this.trimAll();
      this.sweepIdleNonPersistent();
    });
    this.cancelDedupTimer = this.scheduler.every(
      this.config.brokerDeduplicationSnapshotFrequencyInSeconds * 1000,
      () => {
        this.dedupTick().catch((err: unknown) =>
          this.log.warn({ err }, 'deduplication snapshot round failed'),
        );
      },
    );
    this.cancelPolicyTimers = startPolicyTimers(this);
    // A namespace's (or topic's) policies may change at any time; its loaded topics follow.
    this.stopPolicyWatch =
      this.policies?.onChange((ns) => {
        for (const t of this.topics.values()) {
          if (TopicName.parse(t.name).namespace !== ns) continue;
          t.refreshPolicies().catch((err: unknown) =>
            t.log.warn({ err }, 'applying the policies failed; retried on the next change'),
          );
        }
      }) ?? (() => {});
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
   * The loaded persistent topic, loading it on first use. A missing topic is created when the
   * client allows it (`create`) and its namespace's auto-topic-creation policy (else
   * allowAutoTopicCreation) does; a partition of a partitioned topic exists when its index is below
   * the partition count. Non-persistent names are refused here: see getAnyTopic.
   */
  getTopic(name: TopicName, create: boolean): Promise<PersistentTopic> {
    if (!name.isPersistent) {
      return Promise.reject(notAllowed(`${name.toString()} is a non-persistent topic`));
    }
    return this.getPersistent(name.toString(), create ? 'auto' : 'never');
  }

  /** The loaded topic of either kind (what PRODUCER and SUBSCRIBE attach to), loading it on first use. */
  async getAnyTopic(name: TopicName, create: boolean): Promise<Topic> {
    if (name.isPersistent) return this.getTopic(name, create);
    this.assertOwned(name);
    const key = name.toString();
    const loaded = this.nonPersistent.get(key);
    if (loaded && loaded.state === 'open') return loaded;
    await this.startup;
    const rule = await this.partitions.loadRule(name);
    if (rule !== 'partition' && !(await this.mayCreate(key, create))) throw topicNotFound(key);
    // Checked again: another request may have loaded it while this one awaited.
    const raced = this.nonPersistent.get(key);
    if (raced && raced.state === 'open') return raced;
    const topic = new NonPersistentTopic(key, this, this.nextNonPersistentLedgerId++);
    this.nonPersistent.set(key, topic);
    this.log.info({ topic: key }, 'non-persistent topic loaded');
    return topic;
  }

  /** A partition the admin API is adding: created whatever the metadata says so far. */
  async createPartition(name: TopicName): Promise<PersistentTopic> {
    // A client's load of the same name, refused under the old count, must not answer for this one.
    await this.loading.get(name.toString())?.catch(() => undefined);
    return this.getPersistent(name.toString(), 'always');
  }

  /** The loaded non-persistent topic of this name, if any. */
  loadedNonPersistentTopic(name: TopicName): NonPersistentTopic | undefined {
    const t = this.nonPersistent.get(name.toString());
    return t && t.state === 'open' ? t : undefined;
  }

  /** Forgets a topic that was closed or deleted (admin unload, delete); a later use loads it anew. */
  removeTopic(topic: Topic): void {
    if (topic instanceof PersistentTopic) {
      if (this.topics.get(topic.name) === topic) this.topics.delete(topic.name);
    } else if (this.nonPersistent.get(topic.name) === topic) {
      this.nonPersistent.delete(topic.name);
    }
  }

  /**
   * True if the topic exists: loaded or stored, a partitioned topic (its metadata), or a partition
   * whose index is below its partitioned topic's count (Pulsar's checkTopicExists).
   */
  async topicExists(name: TopicName): Promise<boolean> {
    const key = name.toString();
    if (this.topics.has(key) || this.nonPersistent.has(key)) return true;
    if (name.isPersistent && (await this.managedLedgers.exists(key))) return true;
    if (name.isPartition) {
      return (
        name.partitionIndex < (await this.partitions.partitions(TopicName.parse(name.partitionedTopicName)))
      );
    }
    return (await this.partitionedTopics.get(name)) !== null;
  }

  /**
   * Topic names of a namespace ("tenant/ns"): persistent topics loaded or stored and, unless
   * `existingOnly`, every partition of its partitioned topics, listed one by one as Pulsar lists
   * them (the partitioned names themselves are not). With `allDomains`, loaded non-persistent
   * topics and the partitions of non-persistent partitioned topics too (GET_TOPICS_OF_NAMESPACE).
   */
  async topicsOfNamespace(namespace: string, existingOnly = false, allDomains = false): Promise<string[]> {
    const domains = allDomains ? (['persistent', 'non-persistent'] as const) : (['persistent'] as const);
    const names = new Set(await this.managedLedgers.list());
    for (const k of this.topics.keys()) names.add(k);
    if (allDomains) for (const k of this.nonPersistent.keys()) names.add(k);
    if (!existingOnly) {
      for (const domain of domains) {
        for (const p of await this.partitions.partitionNames(namespace, domain)) names.add(p);
      }
    }
    const prefixes = domains.map((d) => `${d}://${namespace}/`);
    return [...names].filter((n) => prefixes.some((p) => n.startsWith(p))).sort();
  }

  loadedTopics(): Iterable<PersistentTopic> {
    return this.topics.values();
  }

  loadedNonPersistentTopics(): Iterable<NonPersistentTopic> {
    return this.nonPersistent.values();
  }

  connectionClosed(c: ServerConnection): void {
    if (this.connections.delete(c)) this.connectionsClosed++;
  }

  /** Stops accepting, closes connections and topics, flushes cursors. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.cancelTrim();
    this.cancelDedupTimer();
    this.stopPolicyWatch();
    this.cancelPolicyTimers();
    this.publishThrottle.close();
    const stopped = Promise.all([
      closeServer(this.server),
      closeServer(this.ownServer),
      closeServer(this.tlsServer),
    ]);
    this.detachTls();
    // A handshake in progress would hold the TLS server open until its timeout.
    for (const raw of this.handshaking.values()) raw.destroy();
    this.handshaking.clear();
    // Topics first: their producers and consumers are told (CLOSE_PRODUCER / CLOSE_CONSUMER) and
    // in-flight appends finish, then the connections go.
    await Promise.allSettled([...this.loading.values()]);
    await Promise.allSettled([...this.topics.values()].map((t) => t.close()));
    this.topics.clear();
    await Promise.allSettled([...this.nonPersistent.values()].map((t) => t.close()));
    this.nonPersistent.clear();
    for (const c of [...this.connections]) c.close('broker shutting down');
    await stopped;
  }

  /**
   * Makes a connection of an accepted socket. `admitted`: the connection limits were applied
   * already (TLS sockets, counted before their handshake), so it is not counted twice.
   */
  private accept(socket: Socket, { admitted = false }: { admitted?: boolean } = {}): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    // maxConnections and brokerMaxConnectionsPerIp (connection/admission.ts).
    if (!admitted && !admitConnection(this, socket)) return;
    const c = new ServerConnection(this.nextConnectionId++, socket, this);
    this.connections.add(c);
    this.connectionsCreated++;
  }

  private getPersistent(key: string, create: CreateMode): Promise<PersistentTopic> {
    const loaded = this.topics.get(key);
    if (loaded && loaded.state === 'open') return Promise.resolve(loaded);
    try {
      this.assertOwned(TopicName.parse(key));
    } catch (err) {
      return Promise.reject(err as Error);
    }
    let p = this.loading.get(key);
    if (!p) {
      p = this.loadTopic(key, create).finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }

  private async loadTopic(key: string, create: CreateMode): Promise<PersistentTopic> {
    await this.startup;
    if (!(await this.managedLedgers.exists(key)) && !(await this.mayCreatePersistent(key, create)))
      throw topicNotFound(key);
    const ml = await this.managedLedgers.open(key, {
      maxLedgerSizeBytes: this.config.managedLedgerMaxSizePerLedgerMbytes * 1024 * 1024,
      maxLedgerAgeMs: this.config.managedLedgerMaxLedgerRolloverTimeMinutes * 60_000,
      cursorFlushIntervalMs: this.config.managedLedgerCursorPositionFlushSeconds * 1000,
    });
    const topic = new PersistentTopic(key, ml, this);
    try {
      // Policies are read, and deduplication state recovered, before the first SEND is checked against them.
      await topic.refreshPolicies();
    } catch (err) {
      await topic.close().catch(() => undefined);
      throw new BrokerError(ServerError.ServiceNotReady, `Topic ${key} could not be loaded`, true, {
        cause: err,
      });
    }
    this.topics.set(key, topic);
    this.log.info({ topic: key }, 'topic loaded');
    return topic;
  }

  private async mayCreatePersistent(key: string, create: CreateMode): Promise<boolean> {
    if (create === 'always') return true;
    const rule = await this.partitions.loadRule(TopicName.parse(key));
    if (rule === 'partition') return create === 'auto';
    return this.mayCreate(key, create === 'auto');
  }

  /** Whether a missing topic may be created now: its namespace must exist and allow auto-creation. */
  private async mayCreate(key: string, clientAllows: boolean): Promise<boolean> {
    if (!clientAllows) return false;
    if (!this.policies) return this.config.allowAutoTopicCreation;
    const effective = await this.policies.effectivePolicies(key);
    if (!effective) throw new BrokerError(ServerError.TopicNotFound, `Namespace of ${key} does not exist`);
    return effective.autoTopicCreation.allowAutoTopicCreation;
  }

  /** Periodic deduplication work: snapshots of topics that stored entries since the last one, purges. */
  private async dedupTick(): Promise<void> {
    const now = this.clock.now();
    const timeoutMs = this.config.brokerDeduplicationProducerInactivityTimeoutMinutes * 60_000;
    for (const t of this.topics.values()) {
      if (t.state !== 'open') continue;
      t.dedup.purgeInactive(now, timeoutMs);
      await t.dedup.onTimer();
    }
  }

  /**
   * Non-persistent topics hold nothing once their last producer and subscription are gone; such a
   * topic found idle on two sweeps in a row is forgotten (Pulsar deletes inactive topics too), so
   * the set of loaded topics does not grow with every name ever used.
   */
  private sweepIdleNonPersistent(): void {
    for (const t of [...this.nonPersistent.values()]) {
      const idle = t.producers.size === 0 && t.subscriptions.size === 0;
      if (idle && this.idleNonPersistent.has(t)) {
        void t.close();
        this.removeTopic(t);
      }
      if (idle) this.idleNonPersistent.add(t);
      else this.idleNonPersistent.delete(t);
    }
  }

  private async trimAll(): Promise<void> {
    for (const t of this.topics.values()) {
      if (t.state !== 'open') continue;
      try {
        await t.ledger.trimConsumedLedgers(retentionOf(t));
      } catch (err) {
        t.log.warn({ err }, 'trimming consumed ledgers failed');
      }
    }
  }
}

/** How long a refused TLS peer gets to read its CommandError before the socket is destroyed. */
const TLS_REFUSAL_LINGER_MS = 1000;

/** Listens on `port` (0: a free one) and resolves with the port bound. */
async function bind(server: Server, port: number, host: string, exclusive = false): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : port;
}

/**
 * Refuses a TLS peer whose client certificate tlsRequireTrustedClientCertOnConnect does not
 * accept: CommandError(request_id -1, AuthenticationError, why), then close, so the client reports
 * the reason instead of a bare disconnect. Nothing the peer sends is read.
 */
function refuseTls(socket: TLSSocket, why: string): void {
  socket.on('error', () => {});
  socket.pause();
  socket.end(
    serializeCommand({
      type: CommandType.ERROR,
      error: { request_id: -1, error: ServerError.AuthenticationError, message: why },
    }),
  );
  setTimeout(() => socket.destroy(), TLS_REFUSAL_LINGER_MS).unref();
}

function closeServer(server: Server | undefined): Promise<void> {
  return server ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve();
}

/** "address:port" of the peer; the same for a TLS socket and the TCP socket under it. */
function peerKey(socket: Socket): string {
  return `${socket.remoteAddress}:${socket.remotePort}`;
}
