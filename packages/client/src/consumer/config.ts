import { randomBytes } from 'node:crypto';
import { InvalidConfigurationError } from '../errors.js';
import type { Schema } from '../schema/schema.js';
import { multiplierBackoff } from './redelivery-backoff.js';
import type { ConsumerConfig, ResolvedConsumerConfig, SubscriptionType } from './types.js';

/** CommandSubscribe.subType wire values. */
export const SUB_TYPES: Record<SubscriptionType, number> = {
  Exclusive: 0,
  Shared: 1,
  Failover: 2,
  KeyShared: 3,
};
const INITIAL_POSITIONS = { Latest: 0, Earliest: 1 } as const;

export function randomName(): string {
  return randomBytes(5).toString('hex');
}

export function resolveConsumerConfig<T>(cfg: ConsumerConfig<T>): ResolvedConsumerConfig {
  if (!cfg.subscription) throw new InvalidConfigurationError('subscription is required');
  const subType = SUB_TYPES[cfg.subscriptionType ?? 'Exclusive'];
  if (subType === undefined)
    throw new InvalidConfigurationError(`unknown subscriptionType ${cfg.subscriptionType}`);
  const initialPosition = INITIAL_POSITIONS[cfg.subscriptionInitialPosition ?? 'Latest'];
  if (initialPosition === undefined) {
    throw new InvalidConfigurationError(
      `unknown subscriptionInitialPosition ${cfg.subscriptionInitialPosition}`,
    );
  }
  const receiverQueueSize = cfg.receiverQueueSize ?? 1000;
  if (!Number.isInteger(receiverQueueSize) || receiverQueueSize < 1) {
    throw new InvalidConfigurationError('receiverQueueSize must be a positive integer');
  }
  const maxPendingChunkedMessage = cfg.maxPendingChunkedMessage ?? 10;
  if (!Number.isInteger(maxPendingChunkedMessage) || maxPendingChunkedMessage < 1) {
    throw new InvalidConfigurationError('maxPendingChunkedMessage must be a positive integer');
  }
  const expireChunksMs = cfg.expireTimeOfIncompleteChunkedMessageMs ?? 60_000;
  if (!(expireChunksMs >= 0)) {
    throw new InvalidConfigurationError('expireTimeOfIncompleteChunkedMessageMs must be >= 0');
  }
  const backoff = cfg.negativeAckRedeliveryBackoff;
  return {
    subscription: cfg.subscription,
    subType,
    initialPosition,
    receiverQueueSize,
    consumerName: cfg.consumerName ?? randomName(),
    ackTimeoutMs: cfg.ackTimeoutMs ?? 0,
    nAckRedeliverTimeoutMs: cfg.nAckRedeliverTimeoutMs ?? 60_000,
    nackBackoff: backoff === undefined ? undefined : multiplierBackoff(backoff),
    maxPendingChunkedMessage,
    autoAckOldestChunkedMessageOnQueueFull: cfg.autoAckOldestChunkedMessageOnQueueFull ?? false,
    expireTimeOfIncompleteChunkedMessageMs: expireChunksMs,
    priorityLevel: cfg.priorityLevel,
    readCompacted: cfg.readCompacted ?? false,
    ackGroupingTimeMs: cfg.ackGroupingTimeMs ?? 100,
    properties: cfg.properties ?? {},
    durable: true,
    startMessageId: undefined,
    schema: cfg.schema as Schema<unknown> | undefined,
  };
}
