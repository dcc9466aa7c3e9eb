/**
 * TypeScript shapes of the messages in schema/commands.ts (BaseCommand), property names exactly as the proto field names.
 * Written to match the descriptors field for field (a test checks the names). Required fields are
 * non-optional here because every writer must set them; a decoded message from a peer that omitted
 * one still has it undefined (the decoder tolerates that, as old clients omit some).
 * 64-bit integers are numbers (exact below 2^53); bytes decode to Buffer views of the frame.
 */
import type * as C from './types-commands.js';
import type * as T from './types-txn.js';

export interface BaseCommand {
  type: number; // enum CommandType
  connect?: C.CommandConnect;
  connected?: C.CommandConnected;
  subscribe?: C.CommandSubscribe;
  producer?: C.CommandProducer;
  send?: C.CommandSend;
  send_receipt?: C.CommandSendReceipt;
  send_error?: C.CommandSendError;
  message?: C.CommandMessage;
  ack?: C.CommandAck;
  flow?: C.CommandFlow;
  unsubscribe?: C.CommandUnsubscribe;
  success?: C.CommandSuccess;
  error?: C.CommandError;
  close_producer?: C.CommandCloseProducer;
  close_consumer?: C.CommandCloseConsumer;
  producer_success?: C.CommandProducerSuccess;
  ping?: C.CommandPing;
  pong?: C.CommandPong;
  redeliverUnacknowledgedMessages?: C.CommandRedeliverUnacknowledgedMessages;
  partitionMetadata?: C.CommandPartitionedTopicMetadata;
  partitionMetadataResponse?: C.CommandPartitionedTopicMetadataResponse;
  lookupTopic?: C.CommandLookupTopic;
  lookupTopicResponse?: C.CommandLookupTopicResponse;
  consumerStats?: C.CommandConsumerStats;
  consumerStatsResponse?: C.CommandConsumerStatsResponse;
  reachedEndOfTopic?: C.CommandReachedEndOfTopic;
  seek?: C.CommandSeek;
  getLastMessageId?: C.CommandGetLastMessageId;
  getLastMessageIdResponse?: C.CommandGetLastMessageIdResponse;
  active_consumer_change?: C.CommandActiveConsumerChange;
  getTopicsOfNamespace?: C.CommandGetTopicsOfNamespace;
  getTopicsOfNamespaceResponse?: C.CommandGetTopicsOfNamespaceResponse;
  getSchema?: C.CommandGetSchema;
  getSchemaResponse?: C.CommandGetSchemaResponse;
  authChallenge?: C.CommandAuthChallenge;
  authResponse?: C.CommandAuthResponse;
  ackResponse?: C.CommandAckResponse;
  getOrCreateSchema?: C.CommandGetOrCreateSchema;
  getOrCreateSchemaResponse?: C.CommandGetOrCreateSchemaResponse;
  newTxn?: T.CommandNewTxn;
  newTxnResponse?: T.CommandNewTxnResponse;
  addPartitionToTxn?: T.CommandAddPartitionToTxn;
  addPartitionToTxnResponse?: T.CommandAddPartitionToTxnResponse;
  addSubscriptionToTxn?: T.CommandAddSubscriptionToTxn;
  addSubscriptionToTxnResponse?: T.CommandAddSubscriptionToTxnResponse;
  endTxn?: T.CommandEndTxn;
  endTxnResponse?: T.CommandEndTxnResponse;
  endTxnOnPartition?: T.CommandEndTxnOnPartition;
  endTxnOnPartitionResponse?: T.CommandEndTxnOnPartitionResponse;
  endTxnOnSubscription?: T.CommandEndTxnOnSubscription;
  endTxnOnSubscriptionResponse?: T.CommandEndTxnOnSubscriptionResponse;
  tcClientConnectRequest?: T.CommandTcClientConnectRequest;
  tcClientConnectResponse?: T.CommandTcClientConnectResponse;
  watchTopicList?: C.CommandWatchTopicList;
  watchTopicListSuccess?: C.CommandWatchTopicListSuccess;
  watchTopicUpdate?: C.CommandWatchTopicUpdate;
  watchTopicListClose?: C.CommandWatchTopicListClose;
  topicMigrated?: C.CommandTopicMigrated;
}
