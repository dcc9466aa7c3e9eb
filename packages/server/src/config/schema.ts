/**
 * The broker's configuration: one typed schema with defaults. Names follow Pulsar's broker.conf
 * where the concept is the same, so operators recognise them; Magnetar-only settings say so.
 * The loader (file, environment, CLI flags) validates every value against this schema.
 */

import { bool, int, str, type BoolField, type EnumField, type Field, type IntField } from './fields.js';
import { securityConfigSchema } from './security-schema.js';

export type { BoolField, EnumField, Field, IntField, StringField } from './fields.js';

const MiB = 1024 * 1024;

export const configSchema = {
  clusterName: str('standalone', 'Name of the cluster this broker belongs to.'),
  dataDir: str('data', 'Magnetar: directory holding ledgers, cursors and metadata (standalone).'),
  bindAddress: str('0.0.0.0', 'Address the binary protocol and HTTP listeners bind to.'),
  advertisedAddress: str(
    '',
    'Host name advertised to clients in lookups; empty means the bind address or 127.0.0.1.',
  ),
  brokerServicePort: int(6650, 0, 65535, 'Binary protocol port (0 picks a free one).'),
  webServicePort: int(8080, 0, 65535, 'HTTP port for admin REST API and /metrics (0 picks a free one).'),
  standaloneWorkers: int(
    1,
    0,
    256,
    'Magnetar: broker processes of a standalone, each owning a share of the topics (1: one process, as before; 0: one per CPU core). Fixed once the data directory is first used; see docs/design/0001-multi-core-standalone.md.',
  ),
  maxMessageSize: int(5 * MiB, 1024, 128 * MiB, 'Largest message payload accepted, advertised in CONNECTED.'),
  keepAliveIntervalSeconds: int(
    30,
    1,
    3600,
    'Interval between broker PINGs; a peer silent for twice this is dropped.',
  ),
  connectionTimeoutMs: int(10_000, 100, 600_000, 'Magnetar: time a new connection has to complete CONNECT.'),
  allowAutoTopicCreation: bool(true, 'Create topics on first use by a producer, consumer or lookup.'),
  allowAutoTopicCreationType: {
    kind: 'enum',
    default: 'non-partitioned',
    values: ['non-partitioned', 'partitioned'] as const,
    doc: 'Type of auto-created topics.',
  } as EnumField<'non-partitioned' | 'partitioned'>,
  defaultNumPartitions: int(1, 1, 10_000, 'Partitions of auto-created partitioned topics.'),
  journalSyncData: bool(true, 'fsync each group commit before acknowledging (SEND_RECEIPT means on disk).'),
  journalMaxGroupWaitMSec: int(1, 0, 1000, 'Longest wait to gather appends into one group commit.'),
  journalMaxGroupSizeBytes: int(
    4 * MiB,
    4096,
    256 * MiB,
    'Magnetar: flush a group commit once it holds this many bytes.',
  ),
  managedLedgerMaxSizePerLedgerMbytes: int(256, 1, 65_536, 'Roll a topic ledger over at this size.'),
  managedLedgerMaxLedgerRolloverTimeMinutes: int(240, 1, 100_000, 'Roll a topic ledger over at this age.'),
  managedLedgerCursorPositionFlushSeconds: int(
    1,
    0,
    3600,
    'How often acknowledged cursor positions are persisted (bounds redelivery after a crash).',
  ),
  backlogQuotaCheckIntervalInSeconds: int(
    60,
    1,
    86_400,
    'How often every topic is checked against its backlog quotas (also checked when a producer is created).',
  ),
  backlogQuotaHoldTimeoutSeconds: int(
    30,
    1,
    3600,
    'Magnetar: under producer_request_hold, how long a SEND waits for the backlog to drop before SEND_ERROR.',
  ),
  messageExpiryCheckIntervalInMinutes: int(
    5,
    1,
    10_080,
    'How often subscriptions are moved past messages older than the message TTL.',
  ),
  managedLedgerCacheSizeMB: int(128, 0, 65_536, 'Entry cache for tailing consumers, shared by all topics.'),
  dispatcherMaxReadBatchSize: int(100, 1, 10_000, 'Most entries read from storage per dispatch round.'),
  dispatcherMaxReadSizeBytes: int(
    5 * MiB,
    1024,
    256 * MiB,
    'Most bytes read from storage per dispatch round.',
  ),
  maxUnackedMessagesPerConsumer: int(
    50_000,
    0,
    100_000_000,
    'Stop dispatching to a Shared or Key_Shared consumer with this many unacked messages, until acks bring it to half (0 = no limit).',
  ),
  maxUnackedMessagesPerSubscription: int(
    200_000,
    0,
    1_000_000_000,
    'Stop dispatching on a Shared or Key_Shared subscription with this many unacked messages, until acks bring it to half (0 = no limit).',
  ),
  inflightStuckThresholdSeconds: int(
    300,
    0,
    31_536_000,
    'Magnetar: a message delivered and unacknowledged for longer than this counts as stuck (stats stuckMessages, /metrics, admin inflight?stuck=true).',
  ),
  exposeTopicLevelMetricsInPrometheus: bool(
    true,
    'Expose topic and subscription series in /metrics; when false they are summed per namespace (labels cluster and namespace only).',
  ),
  exposeConsumerLevelMetricsInPrometheus: bool(
    false,
    'Also expose per-consumer series (pulsar_consumer_*) in /metrics; needs exposeTopicLevelMetricsInPrometheus.',
  ),
  acknowledgmentAtBatchIndexLevelEnabled: bool(
    true,
    'Keep acknowledgements of single messages inside a batch (ack_set) and redeliver only the unacked ones.',
  ),
  subscriptionKeySharedConsistentHashingReplicaPoints: int(
    100,
    1,
    10_000,
    'Points per consumer on the Key_Shared consistent-hashing ring.',
  ),
  keySharedLookAheadMsgInReplayThresholdPerConsumer: int(
    2000,
    0,
    100_000_000,
    'Key_Shared: stop reading ahead once held-back messages reach this many per consumer (0 = per-subscription limit only).',
  ),
  keySharedLookAheadMsgInReplayThresholdPerSubscription: int(
    20_000,
    0,
    100_000_000,
    'Key_Shared: stop reading ahead once held-back messages reach this many on the subscription (0 = no such limit).',
  ),
  delayedDeliveryEnabled: bool(
    true,
    'Hold back messages with a delivery time (deliverAt/deliverAfter) on Shared and Key_Shared subscriptions.',
  ),
  delayedDeliveryTickTimeMillis: int(
    1000,
    1,
    3_600_000,
    'Granularity of delayed delivery: the delivery timer fires at most once per tick.',
  ),
  delayedDeliveryMaxDelayInMillis: int(
    0,
    0,
    Number.MAX_SAFE_INTEGER,
    'Longest delay honoured, counted from publish time; later delivery times are brought forward to it (Pulsar refuses such messages instead; 0 = no limit).',
  ),
  delayedDeliveryMinIndexCountPerBucket: int(
    50_000,
    100,
    100_000_000,
    'Delayed messages held in memory before they are sealed into a bucket file under the data directory.',
  ),
  delayedDeliveryMaxIndexesPerBucketSnapshotSegment: int(
    5000,
    10,
    10_000_000,
    'Delayed messages per segment of a bucket file; at most one segment per bucket is in memory.',
  ),
  brokerDeduplicationEnabled: bool(
    false,
    'Store a message once per producer name and sequence id, even when the producer sends it again (namespace deduplicationEnabled overrides).',
  ),
  brokerDeduplicationEntriesInterval: int(
    1000,
    1,
    100_000_000,
    'Deduplication: stored entries between two snapshots of the sequence ids (bounds the replay after a crash).',
  ),
  brokerDeduplicationSnapshotFrequencyInSeconds: int(
    120,
    1,
    86_400,
    'Deduplication: also snapshot the sequence ids this often when entries were stored since the last snapshot.',
  ),
  brokerDeduplicationMaxNumberOfProducers: int(
    10_000,
    1,
    10_000_000,
    'Deduplication: producers whose sequence ids a snapshot keeps.',
  ),
  brokerDeduplicationProducerInactivityTimeoutMinutes: int(
    360,
    1,
    1_000_000,
    'Deduplication: forget the sequence id of a producer disconnected for this long.',
  ),
  maxPendingPublishRequestsPerConnection: int(
    1000,
    1,
    1_000_000,
    'Stop reading from a connection with this many publishes awaiting storage.',
  ),
  maxConnections: int(0, 0, 10_000_000, 'Magnetar: refuse connections beyond this many (0 = no limit).'),
  brokerShutdownTimeoutMs: int(
    30_000,
    0,
    600_000,
    'Longest graceful shutdown before the process exits anyway.',
  ),
  logLevel: {
    kind: 'enum',
    default: 'info',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
    doc: 'Magnetar: log level (pino).',
  } as EnumField<'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'>,
  ...securityConfigSchema,
} as const satisfies Record<string, Field>;

type ValueOf<F> =
  F extends EnumField<infer T> ? T : F extends IntField ? number : F extends BoolField ? boolean : string;

/** A fully resolved configuration: every field present and valid. */
export type BrokerConfig = { -readonly [K in keyof typeof configSchema]: ValueOf<(typeof configSchema)[K]> };

export type ConfigKey = keyof BrokerConfig;

export function defaultConfig(): BrokerConfig {
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(configSchema)) out[k] = f.default;
  return out as BrokerConfig;
}
