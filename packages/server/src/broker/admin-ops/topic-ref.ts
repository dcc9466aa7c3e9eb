/**
 * How the admin operations find what a REST path names: the topic (loaded on demand, as Pulsar's
 * getTopicReference does) and its subscription, with Pulsar's 404 and 412 answers
 * (AdminResource.getTopicNotFoundErrorMessage, getSubNotFoundErrorMessage).
 */
import { ServerError, TopicName, type TopicDomain } from '@magnetar/protocol';
import { methodNotAllowed, notFound, preconditionFailed } from '../../resources/errors.js';
import type { BrokerService } from '../broker-service.js';
import { BrokerError } from '../errors.js';
import type { Subscription } from '../subscription/subscription.js';
import { PersistentTopic } from '../topic/persistent-topic.js';

export const topicNotFound = (topic: string) => notFound(`Topic ${topic} not found`);
export const subscriptionNotFound = (topic: string, sub: string) =>
  notFound(`Subscription ${sub} not found for topic ${topic}`);

/** An error the HTTP layer answers with 503 (the topic is closing or being loaded elsewhere). */
export function serviceUnavailable(reason: string): Error & { statusCode: number } {
  return Object.assign(new Error(reason), { statusCode: 503 });
}

/** The topic a REST path names ({domain}/{tenant}/{namespace}/{topic}); 412 if the name is invalid. */
export function restTopicName(
  domain: TopicDomain,
  tenant: string,
  namespace: string,
  topic: string,
): TopicName {
  try {
    return TopicName.parse(`${domain}://${tenant}/${namespace}/${topic}`);
  } catch {
    throw preconditionFailed('Topic name is not valid');
  }
}

/** The loaded topic, loading it if it exists; 404 "Topic ... not found" otherwise. */
export async function requireTopic(broker: BrokerService, name: TopicName): Promise<PersistentTopic> {
  let topic: unknown;
  try {
    topic = await broker.getTopic(name, false);
  } catch (err) {
    if (err instanceof BrokerError && err.serverError === ServerError.TopicNotFound) {
      throw topicNotFound(name.toString());
    }
    if (err instanceof BrokerError && err.serverError === ServerError.ServiceNotReady) {
      throw serviceUnavailable(err.message);
    }
    throw err;
  }
  if (!(topic instanceof PersistentTopic)) {
    throw methodNotAllowed(`Operation on a non-persistent topic is not allowed: ${name.toString()}`);
  }
  return topic;
}

/**
 * 405 with Pulsar's reason when `name` is a partitioned topic, for the operations Pulsar only does
 * on one partition at a time (peek, skip, reset to a message id, terminate, last message id).
 */
export async function refusePartitioned(broker: BrokerService, name: TopicName, reason: string) {
  if ((await broker.partitions.partitions(name)) > 0) throw methodNotAllowed(reason);
}

/** The topic's subscription (durable or a reader's); 404 "Subscription ... not found for topic ...". */
export function requireSubscription(topic: PersistentTopic, sub: string): Subscription {
  const found = topic.subscriptions.get(sub);
  if (!found) throw subscriptionNotFound(topic.name, sub);
  return found;
}
