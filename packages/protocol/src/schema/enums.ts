/**
 * Enums of PulsarApi.proto as const objects (numbers on the wire, names for logs and tests).
 * Values follow apache/pulsar-client-cpp proto/PulsarApi.proto.
 */

type ValueOf<T> = T[keyof T];

/** BaseCommand.Type: each sub-command's field number in BaseCommand equals its type value. */
export const CommandType = {
  CONNECT: 2,
  CONNECTED: 3,
  SUBSCRIBE: 4,
  PRODUCER: 5,
  SEND: 6,
  SEND_RECEIPT: 7,
  SEND_ERROR: 8,
  MESSAGE: 9,
  ACK: 10,
  FLOW: 11,
  UNSUBSCRIBE: 12,
  SUCCESS: 13,
  ERROR: 14,
  CLOSE_PRODUCER: 15,
  CLOSE_CONSUMER: 16,
  PRODUCER_SUCCESS: 17,
  PING: 18,
  PONG: 19,
  REDELIVER_UNACKNOWLEDGED_MESSAGES: 20,
  PARTITIONED_METADATA: 21,
  PARTITIONED_METADATA_RESPONSE: 22,
  LOOKUP: 23,
  LOOKUP_RESPONSE: 24,
  CONSUMER_STATS: 25,
  CONSUMER_STATS_RESPONSE: 26,
  REACHED_END_OF_TOPIC: 27,
  SEEK: 28,
  GET_LAST_MESSAGE_ID: 29,
  GET_LAST_MESSAGE_ID_RESPONSE: 30,
  ACTIVE_CONSUMER_CHANGE: 31,
  GET_TOPICS_OF_NAMESPACE: 32,
  GET_TOPICS_OF_NAMESPACE_RESPONSE: 33,
  GET_SCHEMA: 34,
  GET_SCHEMA_RESPONSE: 35,
  AUTH_CHALLENGE: 36,
  AUTH_RESPONSE: 37,
  ACK_RESPONSE: 38,
  GET_OR_CREATE_SCHEMA: 39,
  GET_OR_CREATE_SCHEMA_RESPONSE: 40,
  NEW_TXN: 50,
  NEW_TXN_RESPONSE: 51,
  ADD_PARTITION_TO_TXN: 52,
  ADD_PARTITION_TO_TXN_RESPONSE: 53,
  ADD_SUBSCRIPTION_TO_TXN: 54,
  ADD_SUBSCRIPTION_TO_TXN_RESPONSE: 55,
  END_TXN: 56,
  END_TXN_RESPONSE: 57,
  END_TXN_ON_PARTITION: 58,
  END_TXN_ON_PARTITION_RESPONSE: 59,
  END_TXN_ON_SUBSCRIPTION: 60,
  END_TXN_ON_SUBSCRIPTION_RESPONSE: 61,
  TC_CLIENT_CONNECT_REQUEST: 62,
  TC_CLIENT_CONNECT_RESPONSE: 63,
  WATCH_TOPIC_LIST: 64,
  WATCH_TOPIC_LIST_SUCCESS: 65,
  WATCH_TOPIC_UPDATE: 66,
  WATCH_TOPIC_LIST_CLOSE: 67,
  TOPIC_MIGRATED: 68,
} as const;
export type CommandType = ValueOf<typeof CommandType>;

export const ServerError = {
  UnknownError: 0,
  MetadataError: 1,
  PersistenceError: 2,
  AuthenticationError: 3,
  AuthorizationError: 4,
  ConsumerBusy: 5,
  ServiceNotReady: 6,
  ProducerBlockedQuotaExceededError: 7,
  ProducerBlockedQuotaExceededException: 8,
  ChecksumError: 9,
  UnsupportedVersionError: 10,
  TopicNotFound: 11,
  SubscriptionNotFound: 12,
  ConsumerNotFound: 13,
  TooManyRequests: 14,
  TopicTerminatedError: 15,
  ProducerBusy: 16,
  InvalidTopicName: 17,
  IncompatibleSchema: 18,
  ConsumerAssignError: 19,
  TransactionCoordinatorNotFound: 20,
  InvalidTxnStatus: 21,
  NotAllowedError: 22,
  TransactionConflict: 23,
  TransactionNotFound: 24,
  ProducerFenced: 25,
} as const;
export type ServerError = ValueOf<typeof ServerError>;

/** CommandSubscribe.SubType */
export const SubType = { Exclusive: 0, Shared: 1, Failover: 2, Key_Shared: 3 } as const;
export type SubType = ValueOf<typeof SubType>;

/** CommandSubscribe.InitialPosition */
export const InitialPosition = { Latest: 0, Earliest: 1 } as const;
export type InitialPosition = ValueOf<typeof InitialPosition>;

export const CompressionType = { NONE: 0, LZ4: 1, ZLIB: 2, ZSTD: 3, SNAPPY: 4 } as const;
export type CompressionType = ValueOf<typeof CompressionType>;

/** CommandAck.AckType */
export const AckType = { Individual: 0, Cumulative: 1 } as const;
export type AckType = ValueOf<typeof AckType>;

/** CommandAck.ValidationError */
export const ValidationError = {
  UncompressedSizeCorruption: 0,
  DecompressionError: 1,
  ChecksumMismatch: 2,
  BatchDeSerializeError: 3,
  DecryptionError: 4,
} as const;
export type ValidationError = ValueOf<typeof ValidationError>;

export const ProducerAccessMode = {
  Shared: 0,
  Exclusive: 1,
  WaitForExclusive: 2,
  ExclusiveWithFencing: 3,
} as const;
export type ProducerAccessMode = ValueOf<typeof ProducerAccessMode>;

/** CommandLookupTopicResponse.LookupType */
export const LookupType = { Redirect: 0, Connect: 1, Failed: 2 } as const;
export type LookupType = ValueOf<typeof LookupType>;

/** CommandPartitionedTopicMetadataResponse.LookupType (a different enum with the same name in the proto). */
export const PartitionedMetadataResponseType = { Success: 0, Failed: 1 } as const;
export type PartitionedMetadataResponseType = ValueOf<typeof PartitionedMetadataResponseType>;

export const KeySharedMode = { AUTO_SPLIT: 0, STICKY: 1 } as const;
export type KeySharedMode = ValueOf<typeof KeySharedMode>;

/** Schema.Type */
export const SchemaType = {
  None: 0,
  String: 1,
  Json: 2,
  Protobuf: 3,
  Avro: 4,
  Bool: 5,
  Int8: 6,
  Int16: 7,
  Int32: 8,
  Int64: 9,
  Float: 10,
  Double: 11,
  Date: 12,
  Time: 13,
  Timestamp: 14,
  KeyValue: 15,
  Instant: 16,
  LocalDate: 17,
  LocalTime: 18,
  LocalDateTime: 19,
  ProtobufNative: 20,
  AutoConsume: 21,
  External: 22,
} as const;
export type SchemaType = ValueOf<typeof SchemaType>;

/** CommandGetTopicsOfNamespace.Mode */
export const TopicDomainMode = { PERSISTENT: 0, NON_PERSISTENT: 1, ALL: 2 } as const;
export type TopicDomainMode = ValueOf<typeof TopicDomainMode>;
export const GetTopicsOfNamespaceMode = TopicDomainMode;

export const AuthMethod = { AuthMethodNone: 0, AuthMethodYcaV1: 1, AuthMethodAthens: 2 } as const;
export type AuthMethod = ValueOf<typeof AuthMethod>;

export const TxnAction = { COMMIT: 0, ABORT: 1 } as const;
export type TxnAction = ValueOf<typeof TxnAction>;

/** CommandTopicMigrated.ResourceType */
export const ResourceType = { Producer: 0, Consumer: 1 } as const;
export type ResourceType = ValueOf<typeof ResourceType>;

/** Every enum by the name the schema files use in their `ref`. */
export const ENUMS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  CommandType,
  ServerError,
  SubType,
  InitialPosition,
  CompressionType,
  AckType,
  ValidationError,
  ProducerAccessMode,
  LookupType,
  PartitionedMetadataResponseType,
  KeySharedMode,
  SchemaType,
  TopicDomainMode,
  AuthMethod,
  TxnAction,
  ResourceType,
};

const commandNames: string[] = [];
for (const [name, value] of Object.entries(CommandType)) commandNames[value] = name;

/** The proto name of a command type for logs, e.g. 6 → "SEND"; unknown values → "UNKNOWN(n)". */
export function commandTypeName(type: number): string {
  return commandNames[type] ?? `UNKNOWN(${type})`;
}

/** Reverse lookup for any enum in ENUMS (used for logs and for the captured-frame tests). */
export function enumName(enumRef: string, value: number): string | undefined {
  const e = ENUMS[enumRef];
  if (e === undefined) return undefined;
  for (const [k, v] of Object.entries(e)) if (v === value) return k;
  return undefined;
}
