/**
 * Admin operations on one persistent topic (PersistentTopicsBase): list, create, delete, unload,
 * terminate, last message id, list subscriptions. Refusals carry Pulsar's status and reason; the
 * REST routes only parse paths and bodies.
 */
import { parseEntry, type TopicName } from '@magnetar/protocol';
import { conflict, notFound, preconditionFailed } from '../../resources/errors.js';
import { NAMESPACE_NOT_FOUND } from '../../resources/namespace-resources.js';
import type { Position } from '../../storage/types.js';
import type { BrokerService } from '../broker-service.js';
import { PersistentTopic } from '../topic/persistent-topic.js';
import { refusePartitioned, requireTopic, topicNotFound } from './topic-ref.js';

/** A MessageId as Pulsar's admin API writes it (Jackson's view of MessageIdImpl). */
export interface MessageIdJson {
  ledgerId: number;
  entryId: number;
  partitionIndex: number;
  batchIndex?: number;
}

export function messageIdJson(p: Position, partitionIndex: number, batchIndex?: number): MessageIdJson {
  const id: MessageIdJson = { ledgerId: p.ledgerId, entryId: p.entryId, partitionIndex };
  if (batchIndex !== undefined) id.batchIndex = batchIndex;
  return id;
}

/** 404 "Namespace does not exist" unless the namespace exists (always true without a PolicyService). */
export async function requireNamespace(broker: BrokerService, namespace: string): Promise<void> {
  if (broker.policies && !(await broker.policies.namespaceExists(namespace))) {
    throw notFound(NAMESPACE_NOT_FOUND);
  }
}

/**
 * GET /{tenant}/{namespace}: the namespace's persistent topics that exist, partitions included
 * (Pulsar lists its managed ledgers here, so partitions not created yet are left out).
 */
export async function listTopics(broker: BrokerService, namespace: string): Promise<string[]> {
  await requireNamespace(broker, namespace);
  const names = await broker.topicsOfNamespace(namespace, true);
  return names.filter((t) => t.startsWith('persistent://'));
}

/**
 * PUT /{topic}: creates a non-partitioned topic whatever the namespace's auto-creation policy says
 * (as Pulsar's createNonPartitionedTopic); 409 "This topic already exists".
 */
export async function createTopic(broker: BrokerService, name: TopicName): Promise<void> {
  await requireNamespace(broker, name.namespace);
  // topicExists also answers for a partitioned topic of this name (its metadata).
  if (await broker.topicExists(name)) throw conflict('This topic already exists');
  // Loads the topic with creation forced, whatever auto-creation says (the admin path partitions
  // are created by, too).
  await broker.createPartition(name);
}

/**
 * DELETE /{topic}: 412 "Topic has active producers/subscriptions" while producers or consumers are
 * attached, unless `force`, which closes them first (clients that reconnect may create it again).
 */
export async function deleteTopic(broker: BrokerService, name: TopicName, force: boolean): Promise<void> {
  const topic = await requireTopic(broker, name);
  if (!force && (topic.producers.size > 0 || topic.consumerCount > 0)) {
    throw preconditionFailed('Topic has active producers/subscriptions');
  }
  await topic.delete();
  broker.removeTopic(topic);
}

/** PUT /{topic}/unload: closes the loaded topic; its clients reconnect and load it again. */
export async function unloadTopic(broker: BrokerService, name: TopicName): Promise<void> {
  const topic = loadedTopic(broker, name);
  if (!topic) {
    if (!(await broker.topicExists(name))) throw topicNotFound(name.toString());
    return;
  }
  await topic.close();
  broker.removeTopic(topic);
}

/** POST /{topic}/terminate: the last message id; afterwards the topic takes no more messages. */
export async function terminateTopic(broker: BrokerService, name: TopicName): Promise<MessageIdJson> {
  await refusePartitioned(broker, name, 'Termination of a partitioned topic is not allowed');
  const topic = await requireTopic(broker, name);
  return messageIdJson(await topic.terminate(), name.partitionIndex);
}

/**
 * GET /{topic}/lastMessageId: the last stored message, with the batch index of a batch's last
 * message; (current ledger, -1) for an empty topic.
 */
export async function lastMessageId(broker: BrokerService, name: TopicName): Promise<MessageIdJson> {
  await refusePartitioned(broker, name, 'GetLastMessageId on a partitioned topic is not allowed');
  const topic = await requireTopic(broker, name);
  const last = topic.lastMessagePosition();
  if (last.entryId < 0) return messageIdJson(last, name.partitionIndex);
  const [entry] = await topic.ledger.read(last, 1, Number.MAX_SAFE_INTEGER);
  const inBatch = entry ? parseEntry(entry.data).metadata.num_messages_in_batch : undefined;
  return messageIdJson(last, name.partitionIndex, inBatch === undefined ? undefined : inBatch - 1);
}

/** GET /{topic}/subscriptions: durable subscriptions and those of connected readers. */
export async function listSubscriptions(broker: BrokerService, name: TopicName): Promise<string[]> {
  return [...(await requireTopic(broker, name)).subscriptions.keys()];
}

function loadedTopic(broker: BrokerService, name: TopicName): PersistentTopic | undefined {
  const key = name.toString();
  for (const t of broker.loadedTopics()) {
    if (t instanceof PersistentTopic && t.name === key && t.state === 'open') return t;
  }
  return undefined;
}
