/**
 * Options of `magnetar perf produce|consume|e2e`, parsed from commander's strings into one checked
 * object. Pure: nothing here opens a socket or reads the clock, so every rule is unit-tested.
 * Names follow pulsar-perf where the concept is the same (`-r/--rate`, `-s/--size`,
 * `-m/--num-messages`, `--batch-max-messages`, `--batch-max-bytes`, `--compression`).
 */
import type { CompressionTypeName, InitialPositionName, SubscriptionType } from '@magnetar/client';
import {
  checkServiceUrl,
  parseClientSecurity,
  type ClientSecurity,
  type ClientSecurityFlags,
} from '../security-options.js';

export type PerfMode = 'produce' | 'consume' | 'e2e';

export const DEFAULT_SERVICE_URL = 'pulsar://127.0.0.1:6650';
export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:8080';

/**
 * What commander hands to the action: every value still a string (booleans for switches). The
 * security options are pulsar-perf's (../security-options.ts).
 */
export interface PerfFlags extends ClientSecurityFlags {
  serviceUrl?: string;
  adminUrl?: string;
  rate?: string;
  duration?: string;
  numMessages?: string;
  size?: string;
  batchMaxMessages?: string;
  batchMaxBytes?: string;
  batchDelayMs?: string;
  /** False only when `--no-batching` was given. */
  batching?: boolean;
  compression?: string;
  topics?: string;
  setupConcurrency?: string;
  partitions?: string;
  producersPerTopic?: string;
  consumersPerTopic?: string;
  subscription?: string;
  subscriptionType?: string;
  subscriptionPosition?: string;
  maxPending?: string;
  receiverQueueSize?: string;
  warmup?: string;
  json?: boolean;
  /** e2e: `--single-thread`, consumers on the producers' thread. */
  singleThread?: boolean;
  /** `--client`: which Pulsar client drives the broker (magnetar or pulsar-flex). */
  client?: string;
}

/**
 * The Pulsar clients a perf run can drive the broker through: ours (@magnetar/client) or the npm
 * pure-JS client pulsar-flex (perf/flex-driver.ts), loaded only when chosen.
 */
export const PERF_CLIENTS = ['magnetar', 'pulsar-flex'] as const;
export type PerfClientName = (typeof PERF_CLIENTS)[number];

export interface BatchingOptions {
  enabled: boolean;
  maxMessages: number;
  maxBytes: number;
  delayMs: number;
}

export interface PerfOptions {
  mode: PerfMode;
  /** The topics to load: the base name alone, or `<base>-0 … <base>-(n-1)` when --topics > 1. */
  topics: string[];
  serviceUrl: string;
  /** Admin REST base URL, used only to create partitioned topics for --partitions. */
  adminUrl: string;
  /** Messages per second across every producer; 0 means as fast as the window allows. */
  rate: number;
  /** Seconds to run after the warm-up; 0 means no time limit. */
  durationS: number;
  /** Messages to send (produce, e2e) or receive (consume) in total; 0 means no count limit. */
  numMessages: number;
  sizeBytes: number;
  batching: BatchingOptions;
  compression: CompressionTypeName;
  /**
   * Partitions per topic; above 0 each topic is created as a partitioned topic through the admin
   * API first (as pulsar-perf does), and the client spreads messages over the partitions.
   */
  partitions: number;
  producersPerTopic: number;
  consumersPerTopic: number;
  /**
   * Producers, and consumers, being created at once before the run starts (each creation is a few
   * requests in turn on the client's one pooled connection). Bounded so that many topics stay under
   * the broker's maxPendingRequestsPerConnection (1,000 by default): past it the broker refuses
   * with TooManyRequests, which the client does not retry for the partitioned-metadata lookup.
   */
  setupConcurrency: number;
  subscription: string;
  subscriptionType: SubscriptionType;
  subscriptionPosition: InitialPositionName;
  /** Messages each producer may have awaiting a receipt (also its maxPendingMessages). */
  maxPending: number;
  receiverQueueSize: number;
  /** Seconds at the start whose figures are discarded (JIT, connection set-up). */
  warmupS: number;
  json: boolean;
  /**
   * Whether the consumers share the producers' thread. e2e runs them in a worker thread with their
   * own client unless --single-thread; produce and consume have one side only, so always true.
   */
  singleThread: boolean;
  /**
   * Credentials, TLS files and listener name, for the client and for the admin calls of
   * --partitions alike. Never part of the printed result (it may hold a token or a password).
   */
  security: ClientSecurity;
  /**
   * The client driving the broker. In the printed result only when it is not the default, so a
   * default run's output is what it was before --client existed.
   */
  client: PerfClientName;
}

export class PerfOptionError extends Error {
  override readonly name = 'PerfOptionError';
}

/** Defaults, as strings, shown in --help and used when a flag is absent. */
export const PERF_DEFAULTS = {
  rate: '0',
  size: '1024',
  batchMaxMessages: '1000',
  batchMaxBytes: String(128 * 1024),
  batchDelayMs: '1',
  compression: 'none',
  topics: '1',
  setupConcurrency: '100',
  partitions: '0',
  producersPerTopic: '1',
  consumersPerTopic: '1',
  subscription: 'perf-sub',
  subscriptionType: 'Exclusive',
  subscriptionPosition: 'Latest',
  maxPending: '1000',
  receiverQueueSize: '1000',
  warmup: '0',
  client: 'magnetar',
} as const;

const COMPRESSIONS: Record<string, CompressionTypeName> = {
  none: 'None',
  lz4: 'LZ4',
  zlib: 'Zlib',
  zstd: 'ZSTD',
  snappy: 'SNAPPY',
};

const SUBSCRIPTION_TYPES: Record<string, SubscriptionType> = {
  exclusive: 'Exclusive',
  shared: 'Shared',
  failover: 'Failover',
  keyshared: 'KeyShared',
  key_shared: 'KeyShared',
};

/** Upper bounds that stop a typo from asking for something absurd (e.g. a million producers). */
const MAX_TOPICS = 10_000;
const MAX_CLIENTS_PER_TOPIC = 1_000;
const MAX_SIZE_BYTES = 5 * 1024 * 1024;

function integer(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw new PerfOptionError(`${flag} must be an integer ${range}, got "${text}"`);
  }
  return n;
}

function decimal(flag: string, text: string, min: number, minExclusive: boolean): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || (minExclusive && n === min)) {
    throw new PerfOptionError(`${flag} must be a number ${minExclusive ? '>' : '>='} ${min}, got "${text}"`);
  }
  return n;
}

function choice<T>(flag: string, table: Record<string, T>, text: string): T {
  const v = table[text.toLowerCase()];
  if (v === undefined) {
    throw new PerfOptionError(`${flag} must be one of ${Object.keys(table).join(', ')}; got "${text}"`);
  }
  return v;
}

/** `base` alone for one topic, else `base-0 … base-(n-1)` as pulsar-perf names them. */
export function topicNames(base: string, count: number): string[] {
  if (count === 1) return [base];
  return Array.from({ length: count }, (_, i) => `${base}-${i}`);
}

function position(text: string): InitialPositionName {
  const p = text.toLowerCase();
  if (p === 'latest') return 'Latest';
  if (p === 'earliest') return 'Earliest';
  throw new PerfOptionError(`--subscription-position must be Latest or Earliest, got "${text}"`);
}

export function parsePerfOptions(mode: PerfMode, topic: string, flags: PerfFlags): PerfOptions {
  if (!topic) throw new PerfOptionError('a topic name is required');
  const d = PERF_DEFAULTS;
  const opts: PerfOptions = {
    mode,
    topics: topicNames(topic, integer('--topics', flags.topics ?? d.topics, 1, MAX_TOPICS)),
    serviceUrl: flags.serviceUrl ?? DEFAULT_SERVICE_URL,
    adminUrl: flags.adminUrl ?? DEFAULT_ADMIN_URL,
    rate: decimal('--rate', flags.rate ?? d.rate, 0, false),
    durationS: decimal('--duration', flags.duration ?? '0', 0, false),
    numMessages: integer('--num-messages', flags.numMessages ?? '0', 0),
    sizeBytes: integer('--size', flags.size ?? d.size, 1, MAX_SIZE_BYTES),
    batching: {
      enabled: flags.batching !== false,
      maxMessages: integer('--batch-max-messages', flags.batchMaxMessages ?? d.batchMaxMessages, 1),
      maxBytes: integer('--batch-max-bytes', flags.batchMaxBytes ?? d.batchMaxBytes, 1),
      delayMs: decimal('--batch-delay-ms', flags.batchDelayMs ?? d.batchDelayMs, 0, true),
    },
    compression: choice('--compression', COMPRESSIONS, flags.compression ?? d.compression),
    partitions: integer('--partitions', flags.partitions ?? d.partitions, 0, MAX_TOPICS),
    producersPerTopic: integer(
      '--producers-per-topic',
      flags.producersPerTopic ?? d.producersPerTopic,
      1,
      MAX_CLIENTS_PER_TOPIC,
    ),
    consumersPerTopic: integer(
      '--consumers-per-topic',
      flags.consumersPerTopic ?? d.consumersPerTopic,
      1,
      MAX_CLIENTS_PER_TOPIC,
    ),
    setupConcurrency: integer(
      '--setup-concurrency',
      flags.setupConcurrency ?? d.setupConcurrency,
      1,
      100_000,
    ),
    subscription: flags.subscription ?? d.subscription,
    subscriptionType: choice(
      '--subscription-type',
      SUBSCRIPTION_TYPES,
      flags.subscriptionType ?? d.subscriptionType,
    ),
    subscriptionPosition: position(flags.subscriptionPosition ?? d.subscriptionPosition),
    maxPending: integer('--max-pending', flags.maxPending ?? d.maxPending, 1),
    receiverQueueSize: integer('--receiver-queue-size', flags.receiverQueueSize ?? d.receiverQueueSize, 1),
    warmupS: decimal('--warmup', flags.warmup ?? d.warmup, 0, false),
    json: flags.json === true,
    singleThread: mode !== 'e2e' || flags.singleThread === true,
    security: security(flags),
    client: clientName(flags.client ?? d.client),
  };
  if (!opts.subscription) throw new PerfOptionError('--subscription must not be empty');
  if (mode !== 'produce' && opts.consumersPerTopic > 1 && opts.subscriptionType === 'Exclusive') {
    throw new PerfOptionError(
      '--consumers-per-topic > 1 needs --subscription-type Shared, Failover or KeyShared ' +
        '(an Exclusive subscription admits one consumer)',
    );
  }
  if (opts.client === 'pulsar-flex') checkFlexOptions(opts);
  return opts;
}

/** The one service URL form pulsar-flex takes: plain TCP to one host. */
const FLEX_SERVICE_URL = /^pulsar:\/\/([^/:,]+):(\d+)\/?$/;

function clientName(text: string): PerfClientName {
  const name = PERF_CLIENTS.find((c) => c === text.toLowerCase());
  if (!name) throw new PerfOptionError(`--client must be one of ${PERF_CLIENTS.join(', ')}; got "${text}"`);
  return name;
}

/**
 * pulsar-flex publishes every message as its own entry, without compression, to one
 * non-partitioned topic, over plain TCP, with a token at most, and subscribes at Latest only:
 * every option it cannot honour is
 * refused, all named in one error, rather than silently ignored. Batching is off for it (the
 * result says so); only the batch tuning flags are refused, as they were asked for explicitly.
 */
function checkFlexOptions(opts: PerfOptions): void {
  const d = PERF_DEFAULTS;
  const refused: string[] = [];
  if (!FLEX_SERVICE_URL.test(opts.serviceUrl))
    refused.push(`--service-url ${opts.serviceUrl} (pulsar://host:port only, no TLS)`);
  if (opts.mode !== 'consume') {
    if (opts.compression !== 'None') refused.push('--compression');
    if (opts.batching.maxMessages !== Number(d.batchMaxMessages)) refused.push('--batch-max-messages');
    if (opts.batching.maxBytes !== Number(d.batchMaxBytes)) refused.push('--batch-max-bytes');
    if (opts.batching.delayMs !== Number(d.batchDelayMs)) refused.push('--batch-delay-ms');
  }
  if (opts.partitions > 0) refused.push('--partitions');
  if (opts.mode !== 'produce' && opts.subscriptionType === 'KeyShared') {
    refused.push('--subscription-type KeyShared');
  }
  // pulsar-flex 1.1.1 takes initialPosition but leaves it out of CommandSubscribe: always Latest.
  if (opts.mode !== 'produce' && opts.subscriptionPosition === 'Earliest') {
    refused.push('--subscription-position Earliest');
  }
  const s = opts.security;
  if (s.credentials.kind !== 'none' && s.credentials.kind !== 'token') {
    refused.push(`--auth-plugin ${s.credentials.kind} (a token only)`);
  }
  if (s.trustCertsFile !== undefined) refused.push('--tls-trust-certs-file-path/--trust-cert-file');
  if (s.allowInsecureConnection) refused.push('--tls-allow-insecure-connection');
  if (s.validateHostname) refused.push('--tls-enable-hostname-verification');
  if (s.certFile !== undefined) refused.push('--tls-cert-file/--tls-key-file');
  if (s.listenerName !== undefined) refused.push('--listener-name');
  if (refused.length > 0) {
    throw new PerfOptionError(`--client pulsar-flex cannot honour: ${refused.join(', ')}`);
  }
  opts.batching.enabled = false;
}

/** `host:port` of a pulsar:// service URL, as pulsar-flex's discoveryServers want it. */
export function flexDiscoveryServer(serviceUrl: string): string {
  const m = FLEX_SERVICE_URL.exec(serviceUrl);
  if (!m) throw new PerfOptionError(`--client pulsar-flex needs --service-url pulsar://host:port`);
  return `${m[1]}:${m[2]}`;
}

/** The security flags, checked against the service URL; their mistakes as PerfOptionError. */
function security(flags: PerfFlags): ClientSecurity {
  try {
    const s = parseClientSecurity(flags);
    checkServiceUrl(s, flags.serviceUrl ?? DEFAULT_SERVICE_URL);
    return s;
  } catch (err) {
    throw new PerfOptionError((err as Error).message);
  }
}

/** Lines to print before running: caveats about the options given. */
export function optionWarnings(opts: PerfOptions): string[] {
  const out: string[] = [];
  if (opts.durationS === 0 && opts.numMessages === 0)
    out.push('no --duration or --num-messages: runs until Ctrl-C');
  out.push(...checkServiceUrl(opts.security, opts.serviceUrl).warnings);
  return out;
}
