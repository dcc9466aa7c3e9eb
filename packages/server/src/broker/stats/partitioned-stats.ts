/**
 * PartitionedTopicStats: the stats of every partition added up, as Pulsar's
 * `GET .../{topic}/partitioned-stats` answers them. Counters and rates are summed, publishers
 * listed together, subscriptions of the same name merged (their numbers summed, their consumers
 * listed together), and with `perPartition` each partition's own TopicStats kept under `partitions`.
 */
import type { TopicStatsJson } from './stats-json.js';

export interface PartitionedTopicStatsJson extends Record<string, unknown> {
  metadata: { partitions: number };
  partitions: Record<string, TopicStatsJson>;
}

type Json = Record<string, unknown>;

/** Adds `b` into `a`: numbers summed, arrays concatenated, objects merged key by key; other values keep `a`'s. */
function mergeInto(a: Json, b: Json): void {
  for (const [k, v] of Object.entries(b)) {
    const cur = a[k];
    if (typeof v === 'number' && typeof cur === 'number') a[k] = cur + v;
    else if (Array.isArray(v) && Array.isArray(cur)) a[k] = [...(cur as unknown[]), ...v];
    else if (v && typeof v === 'object' && cur && typeof cur === 'object' && !Array.isArray(v)) {
      mergeInto(cur as Json, v as Json);
    } else if (cur === undefined) a[k] = structuredClone(v);
  }
}

export function partitionedStats(
  partitions: number,
  byPartition: ReadonlyMap<string, TopicStatsJson>,
  perPartition: boolean,
): PartitionedTopicStatsJson {
  const total: Json = {};
  for (const stats of byPartition.values()) mergeInto(total, stats as unknown as Json);
  // Sums of averages are not averages: recompute the one Pulsar reports from its parts.
  const msgIn = typeof total.msgInCounter === 'number' ? total.msgInCounter : 0;
  const bytesIn = typeof total.bytesInCounter === 'number' ? total.bytesInCounter : 0;
  if ('averageMsgSize' in total) total.averageMsgSize = msgIn > 0 ? bytesIn / msgIn : 0;
  return {
    ...total,
    metadata: { partitions },
    partitions: perPartition ? Object.fromEntries(byPartition) : {},
  };
}
