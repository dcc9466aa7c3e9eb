import type { Subscription } from '../subscription/subscription.js';
import { BucketStore, delayedDir } from './bucket-store.js';
import { DelayedDeliveryTracker } from './delayed-tracker.js';

/**
 * The delayed-message index of a subscription, configured from the broker's settings (the tick from
 * the namespace policy when it sets one). A durable
 * subscription spills to `<dataDir>/delayed/<topic>/<subscription>/` and finds its index there
 * after a restart; a non-durable one keeps everything in memory and loses it with the subscription.
 */
export function openDelayedTracker(sub: Subscription, tickMs?: number): DelayedDeliveryTracker {
  const broker = sub.topic.broker;
  const c = broker.config;
  const tracker = new DelayedDeliveryTracker({
    clock: broker.clock,
    scheduler: broker.scheduler,
    tickMs: tickMs !== undefined && tickMs > 0 ? tickMs : c.delayedDeliveryTickTimeMillis,
    bucketSize: c.delayedDeliveryMinIndexCountPerBucket,
    segmentSize: c.delayedDeliveryMaxIndexesPerBucketSnapshotSegment,
    store: sub.durable ? new BucketStore(delayedDir(c.dataDir, sub.topic.name, sub.name)) : undefined,
    log: sub.log.child({ component: 'delayed-delivery' }),
  });
  // Both callbacks go to whichever dispatcher the subscription has when they fire.
  tracker.onDue = () => sub.dispatcher?.wake();
  tracker.onLost = () => sub.dispatcher?.rewindToCursor();
  return tracker;
}
