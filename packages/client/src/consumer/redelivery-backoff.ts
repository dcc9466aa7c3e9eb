import { InvalidConfigurationError } from '../errors.js';

/**
 * Negative-ack back-off (the Java client's MultiplierRedeliveryBackoff): the n-th redelivery of a
 * message waits minDelayMs × multiplier^n, capped at maxDelayMs, where n is the redelivery count
 * the broker reported with the message. A first delivery (n = 0) waits minDelayMs.
 */
export interface RedeliveryBackoffConfig {
  minDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
}

export type RedeliveryBackoff = (redeliveryCount: number) => number;

export function multiplierBackoff(cfg: RedeliveryBackoffConfig): RedeliveryBackoff {
  const { minDelayMs, maxDelayMs, multiplier } = cfg;
  if (!(minDelayMs >= 0) || !(maxDelayMs >= minDelayMs) || !(multiplier >= 1)) {
    throw new InvalidConfigurationError(
      'negativeAckRedeliveryBackoff needs 0 <= minDelayMs <= maxDelayMs and multiplier >= 1',
    );
  }
  return (redeliveryCount) => {
    if (redeliveryCount <= 0 || minDelayMs === 0) return minDelayMs;
    // Math.pow overflows to Infinity for huge counts, which the cap turns into maxDelayMs.
    return Math.min(Math.floor(minDelayMs * Math.pow(multiplier, redeliveryCount)), maxDelayMs);
  };
}
