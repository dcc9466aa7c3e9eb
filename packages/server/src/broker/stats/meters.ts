/**
 * Rate meters per broker object (topic, subscription, consumer, producer) and counter, shared by
 * /metrics and the admin stats so that both report the same rates. Rates are computed when read,
 * over the time since the previous read at least a second ago (Pulsar recomputes them on a timer,
 * every statsUpdateFrequencyInSecs); the hot paths only count.
 */
import { RateMeter } from './rate.js';

const meters = new WeakMap<object, Map<string, RateMeter>>();

/** The per-second rate of `counter` (named `key`) of `owner`; 0 on the first read. */
export function rateOf(owner: object, key: string, counter: number, now: () => number): number {
  let byKey = meters.get(owner);
  if (!byKey) meters.set(owner, (byKey = new Map()));
  let meter = byKey.get(key);
  if (!meter) byKey.set(key, (meter = new RateMeter(now, 1000, counter)));
  return meter.rate(counter);
}
