import { parseTopicName } from '../connection/wire.js';
import type { DeadLetterPolicy } from '../consumer/types.js';
import { InvalidConfigurationError } from '../errors.js';

/** Suffixes of the default topic names (Go retry_router.go, Java RetryMessageUtil). */
export const DLQ_TOPIC_SUFFIX = '-DLQ';
export const RETRY_TOPIC_SUFFIX = '-RETRY';
/** maxRedeliverCount when retryEnable is on without a policy (Java and Go MAX_RECONSUMETIMES). */
export const DEFAULT_MAX_RECONSUME_TIMES = 16;

/** Message properties the dead-letter and retry paths set (names as in Java and Go). */
export const RETRY_PROPERTIES = {
  realTopic: 'REAL_TOPIC',
  originMessageId: 'ORIGIN_MESSAGE_ID',
  reconsumeTimes: 'RECONSUMETIMES',
  delayTime: 'DELAY_TIME',
  retryTopic: 'RETRY_TOPIC',
} as const;

export interface ResolvedDeadLetterPolicy {
  maxRedeliverCount: number;
  /** Undefined: each source topic dead-letters to its own `<topic>-<subscription>-DLQ`. */
  deadLetterTopic: string | undefined;
  retryLetterTopic: string | undefined;
  initialSubscriptionName: string | undefined;
}

/** `<topic>-<subscription><suffix>`, `<topic>` being the full name without a partition suffix. */
export function letterTopicName(topic: string, subscription: string, suffix: string): string {
  return `${parseTopicName(topic).partitioned}-${subscription}${suffix}`;
}

/**
 * Fills in the dead-letter policy as Pulsar 2.10+ clients do. With retryEnable, both topics are
 * named after the consumer's first topic, so a message that comes back through the retry topic
 * still dead-letters next to where it started; without it, a dead-letter topic left unset is
 * chosen per source topic when a message needs it.
 */
export function resolveDeadLetterPolicy(
  firstTopic: string | undefined,
  subscription: string,
  policy: DeadLetterPolicy | undefined,
  retryEnable: boolean,
): ResolvedDeadLetterPolicy | undefined {
  if (!policy && !retryEnable) return undefined;
  const maxRedeliverCount = policy?.maxRedeliverCount ?? DEFAULT_MAX_RECONSUME_TIMES;
  if (!Number.isInteger(maxRedeliverCount) || maxRedeliverCount < 1) {
    throw new InvalidConfigurationError('deadLetterPolicy.maxRedeliverCount must be a positive integer');
  }
  let deadLetterTopic = policy?.deadLetterTopic || undefined;
  let retryLetterTopic = policy?.retryLetterTopic || undefined;
  if (retryEnable) {
    if (firstTopic === undefined) {
      throw new InvalidConfigurationError('retryEnable needs topic or topics (not topicsPattern)');
    }
    deadLetterTopic ??= letterTopicName(firstTopic, subscription, DLQ_TOPIC_SUFFIX);
    retryLetterTopic ??= letterTopicName(firstTopic, subscription, RETRY_TOPIC_SUFFIX);
  }
  return {
    maxRedeliverCount,
    deadLetterTopic,
    retryLetterTopic: retryEnable ? retryLetterTopic : undefined,
    initialSubscriptionName: policy?.initialSubscriptionName,
  };
}
