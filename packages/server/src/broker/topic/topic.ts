import type { NonPersistentTopic } from './non-persistent/non-persistent-topic.js';
import type { PersistentTopic } from './persistent-topic.js';

/** A topic loaded on this broker: persistent (stored in a managed ledger) or non-persistent. */
export type Topic = PersistentTopic | NonPersistentTopic;

/**
 * MessageIdData answered for a SEND recognised as a duplicate of a message already stored
 * (Pulsar's -1:-1): the client completes the send without a new id.
 */
export const DUPLICATE_MESSAGE_ID = { ledgerId: -1, entryId: -1 } as const;
