/**
 * TypeScript shapes of the messages in schema/commands.ts (transactions), property names exactly as the proto field names.
 * Written to match the descriptors field for field (a test checks the names). Required fields are
 * non-optional here because every writer must set them; a decoded message from a peer that omitted
 * one still has it undefined (the decoder tolerates that, as old clients omit some).
 * 64-bit integers are numbers (exact below 2^53); bytes decode to Buffer views of the frame.
 */
import type { Subscription } from './types-common.js';

export interface CommandTcClientConnectRequest {
  request_id: number; // uint64
  tc_id: number; // uint64
}

export interface CommandTcClientConnectResponse {
  request_id: number; // uint64
  error?: number; // enum ServerError
  message?: string;
}

export interface CommandNewTxn {
  request_id: number; // uint64
  txn_ttl_seconds?: number; // uint64
  tc_id?: number; // uint64
}

export interface CommandNewTxnResponse {
  request_id: number; // uint64
  txnid_least_bits?: number; // uint64
  txnid_most_bits?: number; // uint64
  error?: number; // enum ServerError
  message?: string;
}

export interface CommandAddPartitionToTxn {
  request_id: number; // uint64
  txnid_least_bits?: number; // uint64
  txnid_most_bits?: number; // uint64
  partitions?: string[];
}

export interface CommandAddPartitionToTxnResponse {
  request_id: number; // uint64
  txnid_least_bits?: number; // uint64
  txnid_most_bits?: number; // uint64
  error?: number; // enum ServerError
  message?: string;
}

export interface CommandAddSubscriptionToTxn {
  request_id: number; // uint64
  txnid_least_bits?: number; // uint64
  txnid_most_bits?: number; // uint64
  subscription?: Subscription[];
}

export interface CommandAddSubscriptionToTxnResponse {
  request_id: number; // uint64
  txnid_least_bits?: number; // uint64
  txnid_most_bits?: number; // uint64
  error?: number; // enum ServerError
  message?: string;
}

export interface CommandEndTxn {
  request_id: number; // uint64
  txnid_least_bits?: number; // uint64
  txnid_most_bits?: number; // uint64
  txn_action?: number; // enum TxnAction
}

export interface CommandEndTxnResponse {
  request_id: number; // uint64
  txnid_least_bits?: number; // uint64
  txnid_most_bits?: number; // uint64
  error?: number; // enum ServerError
  message?: string;
}

export interface CommandEndTxnOnPartition {
  request_id: number; // uint64
  txnid_least_bits?: number; // uint64
  txnid_most_bits?: number; // uint64
  topic?: string;
  txn_action?: number; // enum TxnAction
  txnid_least_bits_of_low_watermark?: number; // uint64
}

export interface CommandEndTxnOnPartitionResponse {
  request_id: number; // uint64
  txnid_least_bits?: number; // uint64
  txnid_most_bits?: number; // uint64
  error?: number; // enum ServerError
  message?: string;
}

export interface CommandEndTxnOnSubscription {
  request_id: number; // uint64
  txnid_least_bits?: number; // uint64
  txnid_most_bits?: number; // uint64
  subscription?: Subscription;
  txn_action?: number; // enum TxnAction
  txnid_least_bits_of_low_watermark?: number; // uint64
}

export interface CommandEndTxnOnSubscriptionResponse {
  request_id: number; // uint64
  txnid_least_bits?: number; // uint64
  txnid_most_bits?: number; // uint64
  error?: number; // enum ServerError
  message?: string;
}
