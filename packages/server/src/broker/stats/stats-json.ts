/**
 * The JSON shapes of Pulsar's topic stats (TopicStatsImpl, PublisherStatsImpl,
 * SubscriptionStatsImpl, ConsumerStatsImpl as a 4.x broker writes them) and internal stats
 * (PersistentTopicInternalStats). Field names are Pulsar's, so pulsar-admin, the Go and Java admin
 * clients and dashboards read them unchanged. Fields Pulsar leaves out when null are optional here.
 * Magnetar's additions (marked below) are extra fields, which Pulsar's readers ignore.
 */

export interface PublisherStatsJson {
  accessMode: string;
  msgRateIn: number;
  msgThroughputIn: number;
  averageMsgSize: number;
  chunkedMessageRate: number;
  producerId: number;
  supportsPartialProducer: boolean;
  metadata: Record<string, string>;
  producerName: string;
  address: string;
  connectedSince: string;
  clientVersion: string;
}

export interface DrainingHashJson {
  hash: number;
  unackedMessages: number;
  blockedAttempts: number;
}

export interface ConsumerStatsJson {
  msgRateOut: number;
  msgThroughputOut: number;
  bytesOutCounter: number;
  msgOutCounter: number;
  msgRateRedeliver: number;
  messageAckRate: number;
  chunkedMessageRate: number;
  consumerName: string;
  availablePermits: number;
  unackedMessages: number;
  avgMessagesPerEntry: number;
  blockedConsumerOnUnackedMsgs: boolean;
  drainingHashesCount: number;
  drainingHashesClearedTotal: number;
  drainingHashesUnackedMessages: number;
  drainingHashes?: DrainingHashJson[];
  keyHashRangeArrays?: [number, number][];
  address: string;
  connectedSince: string;
  clientVersion: string;
  lastAckedTimestamp: number;
  lastConsumedTimestamp: number;
  lastConsumedFlowTimestamp: number;
  metadata: Record<string, string>;
  lastAckedTime: string;
  lastConsumedTime: string;
  /** Magnetar: how long the oldest message this consumer holds unacknowledged has been out (ms). */
  oldestUnackedMessageAgeMs?: number;
}

export interface SubscriptionStatsJson {
  msgRateOut: number;
  msgThroughputOut: number;
  bytesOutCounter: number;
  msgOutCounter: number;
  msgRateRedeliver: number;
  messageAckRate: number;
  chunkedMessageRate: number;
  msgBacklog: number;
  backlogSize: number;
  earliestMsgPublishTimeInBacklog: number;
  msgBacklogNoDelayed: number;
  blockedSubscriptionOnUnackedMsgs: boolean;
  msgDelayed: number;
  /** Undelivered entries per priority level ("0"–"9"), on priority-enabled topics only. */
  priorityBacklog?: Record<string, number>;
  msgInReplay: number;
  unackedMessages: number;
  type: string;
  activeConsumerName?: string;
  msgRateExpired: number;
  totalMsgExpired: number;
  lastExpireTimestamp: number;
  lastConsumedFlowTimestamp: number;
  lastConsumedTimestamp: number;
  lastAckedTimestamp: number;
  lastMarkDeleteAdvancedTimestamp: number;
  consumers: ConsumerStatsJson[];
  isDurable: boolean;
  isReplicated: boolean;
  allowOutOfOrderDelivery: boolean;
  keySharedMode?: string;
  consumersAfterMarkDeletePosition: Record<string, string>;
  drainingHashesCount: number;
  drainingHashesClearedTotal: number;
  drainingHashesUnackedMessages: number;
  nonContiguousDeletedMessagesRanges: number;
  nonContiguousDeletedMessagesRangesSerializedSize: number;
  delayedMessageIndexSizeInBytes: number;
  subscriptionProperties: Record<string, string>;
  filterProcessedMsgCount: number;
  filterAcceptedMsgCount: number;
  filterRejectedMsgCount: number;
  filterRescheduledMsgCount: number;
  durable: boolean;
  replicated: boolean;
  /** Magnetar: age of the oldest message delivered and not yet acknowledged (ms). */
  oldestUnackedMessageAgeMs?: number;
  /** Magnetar: messages pending longer than inflightStuckThresholdSeconds (broker/inflight/stuck.ts). */
  stuckMessages: number;
  /** Magnetar, Key_Shared only: busiest and stuck key slots (Subscription.keySharedStats()). */
  hotKeys?: HotKeysJson;
}

/** Magnetar's Key_Shared insight: the slots holding most, longest and most delivered messages. */
export interface HotKeysJson {
  hottestByPending: readonly unknown[];
  oldestPending: readonly unknown[];
  hottestByDelivered: readonly unknown[];
}

export interface TopicStatsJson {
  msgRateIn: number;
  msgThroughputIn: number;
  msgRateOut: number;
  msgThroughputOut: number;
  bytesInCounter: number;
  msgInCounter: number;
  systemTopicBytesInCounter: number;
  bytesOutCounter: number;
  msgOutCounter: number;
  bytesOutInternalCounter: number;
  averageMsgSize: number;
  msgChunkPublished: boolean;
  storageSize: number;
  backlogSize: number;
  backlogQuotaLimitSize: number;
  backlogQuotaLimitTime: number;
  oldestBacklogMessageAgeSeconds: number;
  publishRateLimitedTimes: number;
  earliestMsgPublishTimeInBacklogs: number;
  offloadedStorageSize: number;
  lastOffloadLedgerId: number;
  lastOffloadSuccessTimeStamp: number;
  lastOffloadFailureTimeStamp: number;
  ongoingTxnCount: number;
  abortedTxnCount: number;
  committedTxnCount: number;
  publishers: PublisherStatsJson[];
  waitingPublishers: number;
  subscriptions: Record<string, SubscriptionStatsJson>;
  replication: Record<string, never>;
  deduplicationStatus: string;
  nonContiguousDeletedMessagesRanges: number;
  nonContiguousDeletedMessagesRangesSerializedSize: number;
  delayedMessageIndexSizeInBytes: number;
  compaction: {
    lastCompactionRemovedEventCount: number;
    lastCompactionSucceedTimestamp: number;
    lastCompactionFailedTimestamp: number;
    lastCompactionDurationTimeInMills: number;
  };
  ownerBroker: string;
  topicCreationTimeStamp: number;
  lastPublishTimeStamp: number;
}

export interface LedgerInfoJson {
  ledgerId: number;
  entries: number;
  size: number;
  offloaded: boolean;
  underReplicated: boolean;
}

export interface CursorStatsJson {
  markDeletePosition: string;
  readPosition: string;
  waitingReadOp: boolean;
  pendingReadOps: number;
  messagesConsumedCounter: number;
  cursorLedger: number;
  cursorLedgerLastEntry: number;
  individuallyDeletedMessages: string;
  lastLedgerSwitchTimestamp: string;
  state: string;
  active: boolean;
  numberOfEntriesSinceFirstNotAckedMessage: number;
  totalNonContiguousDeletedMessagesRange: number;
  subscriptionHavePendingRead: boolean;
  subscriptionHavePendingReplayRead: boolean;
  properties: Record<string, number>;
}

export interface InternalStatsJson {
  entriesAddedCounter: number;
  numberOfEntries: number;
  totalSize: number;
  currentLedgerEntries: number;
  currentLedgerSize: number;
  lastLedgerCreatedTimestamp: string;
  waitingCursorsCount: number;
  pendingAddEntriesCount: number;
  lastConfirmedEntry: string;
  state: string;
  ledgers: LedgerInfoJson[];
  cursors: Record<string, CursorStatsJson>;
  schemaLedgers: LedgerInfoJson[];
  compactedLedger: LedgerInfoJson;
}
