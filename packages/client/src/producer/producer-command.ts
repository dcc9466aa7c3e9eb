import { wireSchema } from '../schema/schema.js';
import { toKeyValues } from './message-metadata.js';
import type { ResolvedProducerConfig } from './types.js';

/**
 * The body of CommandProducer for one partition producer (`topic` is the partition's name). `producerName` is the name the broker
 * gave on an earlier connect, if any, so a re-created producer keeps its name and, with
 * deduplication, its sequence ids.
 */
export function producerCommand(
  topic: string,
  cfg: ResolvedProducerConfig,
  producerId: number,
  producerName: string | undefined,
  requestId: number,
): Record<string, unknown> {
  const producer: Record<string, unknown> = {
    topic,
    producer_id: producerId,
    request_id: requestId,
    user_provided_producer_name: cfg.producerName !== undefined,
    producer_access_mode: cfg.accessMode,
  };
  if (producerName !== undefined) producer.producer_name = producerName;
  if (cfg.initialSubscriptionName !== undefined) {
    producer.initial_subscription_name = cfg.initialSubscriptionName;
  }
  const metadata = toKeyValues(cfg.properties);
  if (metadata) producer.metadata = metadata;
  if (cfg.schema) producer.schema = wireSchema(cfg.schema);
  return producer;
}
