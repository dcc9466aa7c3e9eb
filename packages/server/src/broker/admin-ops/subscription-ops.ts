/**
 * Admin operations on a topic's subscriptions (PersistentTopicsBase): create at a position, delete,
 * skip, clear backlog, expire, reset the cursor by time or message id. Each answers with Pulsar's
 * status and reason on refusal; a reset disconnects the consumers so that they resubscribe from the
 * new position, as Pulsar's resetCursor does.
 */
import { InitialPosition, ServerError, type TopicName } from '@magnetar/protocol';
import { badRequest, conflict, preconditionFailed } from '../../resources/errors.js';
import type { Position } from '../../storage/types.js';
import type { BrokerService } from '../broker-service.js';
import { BrokerError } from '../errors.js';
import { expireOlderThan, publishTimeOf } from '../policies/message-ttl.js';
import type { Subscription } from '../subscription/subscription.js';
import { PersistentTopic } from '../topic/persistent-topic.js';
import { nthUnacked } from './positions.js';
import { refusePartitioned, requireSubscription, requireTopic } from './topic-ref.js';
import { requireNamespace } from './topic-ops.js';

/** A MessageId request body (createSubscription, resetCursor's ResetCursorData). */
export interface MessageIdBody {
  ledgerId: number;
  entryId: number;
  /** ResetCursorData.isExcluded: start after the message instead of at it. */
  isExcluded?: boolean;
}

/** Reads a MessageId body; undefined when there is none, 400 when it is not one. */
export function parseMessageIdBody(body: unknown): MessageIdBody | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  const b = body as Partial<Record<'ledgerId' | 'entryId' | 'isExcluded', unknown>>;
  if (typeof body !== 'object' || typeof b.ledgerId !== 'number' || typeof b.entryId !== 'number') {
    throw badRequest('Invalid message id: expected {"ledgerId": ..., "entryId": ...}');
  }
  return { ledgerId: b.ledgerId, entryId: b.entryId, isExcluded: b.isExcluded === true };
}

/**
 * PUT /{topic}/subscription/{sub}: a durable subscription at `id` (latest when absent). The topic is
 * created when the namespace allows auto-creation, else 412; 409 if the subscription exists.
 */
export async function createSubscription(
  broker: BrokerService,
  name: TopicName,
  sub: string,
  id: MessageIdBody | undefined,
): Promise<void> {
  const topic = await topicOrAutoCreate(broker, name);
  if (topic.subscriptions.has(sub)) throw conflict('Subscription already exists for topic');
  await topic.createSubscription(sub, id ? targetOf(topic, id) : topic.ledger.nextPosition());
}

/** DELETE /{topic}/subscription/{sub}: 412 while consumers are connected, unless `force`. */
export async function deleteSubscription(
  broker: BrokerService,
  name: TopicName,
  sub: string,
  force: boolean,
): Promise<void> {
  const topic = await requireTopic(broker, name);
  const s = requireSubscription(topic, sub);
  if (s.consumers.length > 0) {
    if (!force) throw preconditionFailed('Subscription has active connected consumers');
    s.disconnectConsumers();
  }
  // A reader's subscription goes away with its last consumer.
  if (topic.subscriptions.get(sub) === s) await topic.deleteSubscription(s);
}

/** POST /{topic}/subscription/{sub}/skip/{n}: acknowledges the next `n` unacknowledged entries. */
export async function skipMessages(broker: BrokerService, name: TopicName, sub: string, n: number) {
  if (!Number.isSafeInteger(n) || n < 0) throw preconditionFailed(`Invalid number of messages to skip: ${n}`);
  await refusePartitioned(broker, name, 'Skip messages on a partitioned topic is not allowed');
  const topic = await requireTopic(broker, name);
  const s = requireSubscription(topic, sub);
  if (n === 0) return;
  const upTo = nthUnacked(topic.ledger, s.cursor, n) ?? topic.ledger.lastConfirmed();
  if (upTo) s.skipTo(upTo);
}

/** POST /{topic}/subscription/{sub}/skip_all: clears the backlog, delayed messages included. */
export async function clearBacklog(broker: BrokerService, name: TopicName, sub: string): Promise<void> {
  const topic = await requireTopic(broker, name);
  requireSubscription(topic, sub).resetTo(topic.ledger.nextPosition());
}

/**
 * POST /{topic}/subscription/{sub}/expireMessages/{seconds}: acknowledges the messages published
 * more than `seconds` ago. Resolves with how many were expired.
 */
export async function expireMessages(
  broker: BrokerService,
  name: TopicName,
  sub: string,
  seconds: number,
): Promise<number> {
  checkSeconds(seconds);
  const topic = await requireTopic(broker, name);
  return expireOlderThan(topic, requireSubscription(topic, sub), seconds);
}

/** POST /{topic}/all_subscription/expireMessages/{seconds}: every subscription of the topic. */
export async function expireAllSubscriptions(broker: BrokerService, name: TopicName, seconds: number) {
  checkSeconds(seconds);
  const topic = await requireTopic(broker, name);
  for (const s of [...topic.subscriptions.values()]) await expireOlderThan(topic, s, seconds);
}

/** POST /{topic}/subscription/{sub}/resetcursor/{timestamp}: to the first message published at or after it. */
export async function resetCursorToTime(
  broker: BrokerService,
  name: TopicName,
  sub: string,
  timestamp: number,
): Promise<void> {
  if (!Number.isSafeInteger(timestamp)) throw badRequest(`Invalid timestamp: ${timestamp}`);
  const topic = await requireTopic(broker, name);
  const s = requireSubscription(topic, sub);
  const found = await topic.ledger.findFirst((e) => publishTimeOf(e) >= timestamp);
  resetAndDisconnect(s, found ?? topic.ledger.nextPosition());
}

/** POST /{topic}/subscription/{sub}/resetcursor with a MessageId body. */
export async function resetCursorToId(
  broker: BrokerService,
  name: TopicName,
  sub: string,
  id: MessageIdBody,
): Promise<void> {
  await refusePartitioned(broker, name, 'Reset-cursor at position is not allowed for partitioned-topic');
  const topic = await requireTopic(broker, name);
  resetAndDisconnect(requireSubscription(topic, sub), targetOf(topic, id));
}

/** Where a subscription given this message id starts; earliest and latest as in CommandSubscribe. */
function targetOf(topic: PersistentTopic, id: MessageIdBody): Position {
  const at = topic.startPosition(id, InitialPosition.Latest);
  return id.isExcluded && id.ledgerId >= 0 ? topic.ledger.after(at) : at;
}

function resetAndDisconnect(s: Subscription, target: Position): void {
  s.resetTo(target);
  // As Pulsar: consumers are closed and resubscribe, receiving from the new position.
  s.disconnectConsumers();
}

async function topicOrAutoCreate(broker: BrokerService, name: TopicName): Promise<PersistentTopic> {
  await requireNamespace(broker, name.namespace);
  try {
    const topic: unknown = await broker.getTopic(name, true);
    if (topic instanceof PersistentTopic) return topic;
  } catch (err) {
    if (!(err instanceof BrokerError && err.serverError === ServerError.TopicNotFound)) throw err;
  }
  throw preconditionFailed('Topic does not exist and cannot be auto-created');
}

function checkSeconds(seconds: number): void {
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw badRequest(`Invalid expire time: ${seconds}`);
}
