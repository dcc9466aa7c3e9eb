/**
 * maxProducersPerTopic, maxConsumersPerTopic and maxConsumersPerSubscription (0 = no limit), with
 * the codes and texts of Pulsar's AbstractTopic and dispatchers, so that clients react as they do
 * to Pulsar: ProducerBusy and ConsumerBusy, which a client reports rather than retries forever.
 */
import type { EffectivePolicies } from '../../resources/policies/effective.js';
import { consumerBusy, producerBusy } from '../errors.js';

interface Counts {
  readonly producerCount: number;
  readonly consumerCount: number;
}

/** Throws ProducerBusy when one more producer would pass maxProducersPerTopic. */
export function checkProducerLimit(topic: Counts, policies: EffectivePolicies | null | undefined): void {
  const max = policies?.maxProducersPerTopic ?? 0;
  if (max > 0 && topic.producerCount >= max) throw producerBusy('Topic reached max producers limit');
}

/**
 * Throws ConsumerBusy when one more consumer would pass maxConsumersPerTopic or, on a subscription
 * that already has `subscriptionConsumers`, maxConsumersPerSubscription.
 */
export function checkConsumerLimits(
  topic: Counts,
  subscriptionConsumers: number,
  policies: EffectivePolicies | null | undefined,
): void {
  const perTopic = policies?.maxConsumersPerTopic ?? 0;
  if (perTopic > 0 && topic.consumerCount >= perTopic)
    throw consumerBusy('Topic reached max consumers limit');
  const perSub = policies?.maxConsumersPerSubscription ?? 0;
  if (perSub > 0 && subscriptionConsumers >= perSub) {
    throw consumerBusy('Subscription reached max consumers limit');
  }
}
