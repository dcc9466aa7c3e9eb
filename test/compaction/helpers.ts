/** Shared steps of the compaction tests: publish keyed messages, compact, read the compacted view. */
import { expect } from 'vitest';
import { MessageId, type Client, type Producer } from '@magnetar/client';
import { api, type Api } from '../admin/http.js';
import type { TestBroker } from '../helpers/broker.js';

/** One write: a value, or null for a tombstone (null_value). */
export interface Write {
  key: string;
  value: string | null;
}

export function restPath(topic: string): string {
  return `/persistent/public/default/${topic}`;
}

/** Publishes writes in order; `batched` ones go through a batching producer, the rest one by one. */
export async function publish(producer: Producer, writes: readonly Write[]): Promise<void> {
  const sends = writes.map((w) =>
    producer.send(
      w.value === null
        ? { data: Buffer.alloc(0), partitionKey: w.key, nullValue: true }
        : { data: Buffer.from(w.value), partitionKey: w.key },
    ),
  );
  await producer.flush();
  await Promise.all(sends);
}

/** PUT .../compaction, then polls GET .../compaction until it is no longer RUNNING. */
export async function compact(a: Api, topic: string): Promise<{ status: string; lastError: string }> {
  const put = await a.put(`${restPath(topic)}/compaction`);
  expect(put.status).toBe(204);
  for (;;) {
    const got = await a.get(`${restPath(topic)}/compaction`);
    expect(got.status).toBe(200);
    const body = got.body as { status: string; lastError: string };
    if (body.status !== 'RUNNING') return body;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Everything a read_compacted reader from the earliest message sees, as [key, value|null] pairs. */
export async function readCompacted(client: Client, topic: string): Promise<[string, string | null][]> {
  const reader = await client.createReader({
    topic,
    startMessageId: MessageId.earliest(),
    readCompacted: true,
  });
  const out: [string, string | null][] = [];
  try {
    while (await reader.hasNext()) {
      const m = await reader.readNext(5_000);
      out.push([m.getPartitionKey() ?? '', m.isNullValue() ? null : m.getData().toString()]);
    }
  } finally {
    await reader.close();
  }
  return out;
}

/** The last write per key, tombstones removing keys; keys in the order of their last write. */
export function expectedView(writes: readonly Write[]): Map<string, string> {
  const last = new Map<string, { value: string | null; at: number }>();
  writes.forEach((w, at) => last.set(w.key, { value: w.value, at }));
  const live = [...last.entries()].filter(([, v]) => v.value !== null && v.value !== '');
  live.sort((x, y) => x[1].at - y[1].at);
  return new Map(live.map(([k, v]) => [k, v.value!]));
}

export function adminOf(broker: TestBroker): Api {
  return api(broker.webServiceUrl);
}
