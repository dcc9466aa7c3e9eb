/**
 * `--partitions N`: like pulsar-perf, create each topic as a partitioned topic through the admin
 * REST API before the run (PUT /admin/v2/{domain}/{tenant}/{ns}/{topic}/partitions). A topic that
 * already has exactly N partitions is used as it is; any other existing count is an error rather
 * than a silent run against the wrong layout.
 */
import { TopicName } from '@magnetar/protocol';

/** The subset of `fetch` used here, so tests can pass a fake. */
export type FetchLike = (
  url: string,
  init?: { method?: string; body?: string; headers?: Record<string, string> },
) => Promise<{ status: number; text(): Promise<string> }>;

export class PartitionSetupError extends Error {
  override readonly name = 'PartitionSetupError';
}

/** `http://host:port/admin/v2/persistent/tenant/ns/topic/partitions` for any accepted topic form. */
export function partitionsUrl(adminUrl: string, topic: string): string {
  const t = TopicName.parse(topic);
  const base = adminUrl.replace(/\/+$/, '');
  const local = encodeURIComponent(t.localName);
  return `${base}/admin/v2/${t.domain}/${t.namespace}/${local}/partitions`;
}

/** Creates `topic` with `partitions` partitions, or checks that it already has exactly that many. */
export async function ensurePartitioned(
  adminUrl: string,
  topic: string,
  partitions: number,
  fetchFn: FetchLike = fetch,
): Promise<'created' | 'existing'> {
  const url = partitionsUrl(adminUrl, topic);
  const put = await fetchFn(url, {
    method: 'PUT',
    body: String(partitions),
    headers: { 'content-type': 'application/json' },
  });
  if (put.status >= 200 && put.status < 300) return 'created';
  if (put.status !== 409) {
    throw new PartitionSetupError(
      `creating ${topic} with ${partitions} partitions: HTTP ${put.status} ${await put.text()}`,
    );
  }
  const get = await fetchFn(url);
  const body = await get.text();
  const existing = get.status === 200 ? (JSON.parse(body) as { partitions?: number }).partitions : undefined;
  if (existing === partitions) return 'existing';
  throw new PartitionSetupError(
    `${topic} already exists with ${existing ?? 'an unknown number of'} partitions, not ${partitions}`,
  );
}
