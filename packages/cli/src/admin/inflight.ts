/**
 * `magnetar admin topics inflight` and `key-shared-owners`: Magnetar's in-flight visibility
 * (GET …/subscription/{sub}/inflight and …/inflight/key-shared, extensions Pulsar does not have).
 * `inflight` shows one page, or with --all follows `nextCursor` until the last page.
 */
import { Option, type Command } from 'commander';
import { adminAction, argParser, intArg } from './context.js';
import type { AdminClient } from './http.js';
import { table } from './output.js';
import { topicPath } from './topics-path.js';
import { parseRelativeTimeSeconds } from './units.js';

/** One entry as the broker lists it (broker/inflight/inflight-listing.ts). */
interface InflightEntry {
  messageId: string;
  batchSize: number;
  key: string | null;
  keyBase64: boolean;
  priority: number | null;
  consumerName: string;
  ageMs: number;
  redeliveryCount: number;
}

interface InflightPage {
  total: number | null;
  returned: number;
  nextCursor: string | null;
  entries: InflightEntry[];
}

interface InflightFlags {
  subscription: string;
  consumer?: string;
  key?: string;
  minAge?: number;
  stuck?: boolean;
  limit?: number;
  cursor?: string;
  all?: boolean;
}

/** The most pages --all follows: a guard against a broker whose cursor never ends. */
const MAX_PAGES = 100_000;

const minAgeArg = argParser((text) => {
  const seconds = parseRelativeTimeSeconds(text);
  if (seconds < 0) throw new Error(`invalid age '${text}'`);
  return seconds * 1000;
});
const subOption = () => new Option('-s, --subscription <name>', 'subscription name').makeOptionMandatory();

export function registerInflightCommands(topics: Command): void {
  topics
    .command('inflight')
    .description('list messages delivered to consumers and not yet acknowledged (Magnetar extension)')
    .argument('<topic>')
    .addOption(subOption())
    .option('--consumer <name>', 'only this consumer (name or id)')
    .option('--key <key>', 'only messages with this key (base64 for binary keys)')
    .option('--min-age <time>', 'only messages out at least this long: 30s, 10m, 2h', minAgeArg)
    .option('--stuck', 'only messages out longer than the broker’s stuck threshold')
    .option('--limit <n>', 'entries per page (broker default 100, at most 1000)', intArg(1))
    .option('--cursor <cursor>', 'start after this cursor (nextCursor of a previous page)')
    .option('--all', 'follow the pages to the end')
    .action(
      adminAction(async ({ client, print }, t: string, f: InflightFlags) => {
        const page = f.all ? await allPages(client, t, f) : await onePage(client, t, f, f.cursor);
        print.value(page, () => showInflight(page, f.all === true));
      }),
    );

  topics
    .command('key-shared-owners')
    .description(
      'show which consumer owns which key hashes of a Key_Shared subscription (Magnetar extension)',
    )
    .argument('<topic>')
    .addOption(subOption())
    .action(
      adminAction(async ({ client, print }, t: string, f: { subscription: string }) => {
        const owners = await client.get(
          topicPath(t, 'subscription', f.subscription, 'inflight', 'key-shared'),
        );
        print.value(owners, showOwners);
      }),
    );
}

async function onePage(
  client: AdminClient,
  t: string,
  f: InflightFlags,
  cursor?: string,
): Promise<InflightPage> {
  const q = new URLSearchParams();
  if (f.consumer !== undefined) q.set('consumer', f.consumer);
  if (f.key !== undefined) q.set('key', f.key);
  if (f.minAge !== undefined) q.set('minAgeMs', String(f.minAge));
  if (f.stuck) q.set('stuck', 'true');
  if (f.limit !== undefined) q.set('limit', String(f.limit));
  if (cursor !== undefined) q.set('cursor', cursor);
  const query = q.size > 0 ? `?${q.toString()}` : '';
  return (await client.get(
    `${topicPath(t, 'subscription', f.subscription, 'inflight')}${query}`,
  )) as InflightPage;
}

/** Every page from --cursor (or the start) on, as one page without a next cursor. */
async function allPages(client: AdminClient, t: string, f: InflightFlags): Promise<InflightPage> {
  const entries: InflightEntry[] = [];
  let cursor = f.cursor;
  let first: InflightPage | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await onePage(client, t, f, cursor);
    first ??= page;
    entries.push(...page.entries);
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  return { total: first?.total ?? null, returned: entries.length, nextCursor: null, entries };
}

function showInflight(page: InflightPage, all: boolean): string {
  const rows = [['messageId', 'consumer', 'age', 'redeliveries', 'batch', 'priority', 'key']];
  for (const e of page.entries) {
    rows.push([
      e.messageId,
      e.consumerName,
      age(e.ageMs),
      String(e.redeliveryCount),
      String(e.batchSize),
      e.priority === null ? '-' : String(e.priority),
      e.key === null ? '-' : e.keyBase64 ? `base64:${e.key}` : e.key,
    ]);
  }
  const total = page.total === null ? '' : ` of ${page.total}`;
  const more = !all && page.nextCursor !== null ? `; next page: --cursor ${page.nextCursor}` : '';
  return `${table(rows)}\n${page.returned}${total} entries${more}`;
}

function age(ms: number): string {
  return ms < 1000 ? `${ms}ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.floor(ms / 60_000)}m`;
}

interface Owners {
  keySharedMode: string;
  consumers: {
    consumerName: string;
    consumerId: number;
    hashRanges: [number, number][];
    drainingHashes: { slot: number; pendingMessages: number }[];
    unackedMessages: number;
  }[];
  hotSlots: {
    byPending: { slot: number; consumerName: string; pendingMessages: number; pendingForMs: number }[];
  };
}

function showOwners(v: unknown): string {
  const o = v as Owners;
  const rows = [['consumer', 'id', 'unacked', 'hashRanges', 'draining (slot:pending)']];
  for (const c of o.consumers) {
    rows.push([
      c.consumerName,
      String(c.consumerId),
      String(c.unackedMessages),
      c.hashRanges.map(([s, e]) => `${s}-${e}`).join(',') || '-',
      c.drainingHashes.map((d) => `${d.slot}:${d.pendingMessages}`).join(',') || '-',
    ]);
  }
  const hot = [['slot', 'consumer', 'pending', 'pendingFor']];
  for (const h of o.hotSlots.byPending) {
    hot.push([String(h.slot), h.consumerName, String(h.pendingMessages), age(h.pendingForMs)]);
  }
  return `mode ${o.keySharedMode}\n${table(rows)}\n\nhot slots\n${table(hot)}`;
}
