/**
 * Namespace policies about keeping messages: retention, message TTL, backlog quotas, plus
 * deduplication and schema compatibility. Verbs and flags are pulsar-admin's.
 */
import { Option, type Command } from 'commander';
import { adminAction, argParser } from './context.js';
import { nsPath } from './namespaces.js';
import { NOT_SET, keyValues, table } from './output.js';
import {
  formatSeconds,
  formatSize,
  parseRelativeTimeSeconds,
  parseSize,
  secondsToMinutes,
  sizeToMB,
} from './units.js';

export const sizeArg = argParser(parseSize);
export const timeArg = argParser(parseRelativeTimeSeconds);

/**
 * `get-<name>` and `remove-<name>` for one policy endpoint. A GET answered with 204 means the
 * namespace does not set the policy; people see NOT_SET, --json prints null.
 */
export function getAndRemove(
  ns: Command,
  name: string,
  path: string,
  what: string,
  human: (v: unknown) => string,
): void {
  ns.command(`get-${name}`)
    .description(`show the ${what} of a namespace`)
    .argument('<namespace>', 'tenant/namespace')
    .action(
      adminAction(async ({ client, print }, namespace: string) =>
        print.value(await client.get(nsPath(namespace, path)), (v) => (v === undefined ? NOT_SET : human(v))),
      ),
    );
  ns.command(`remove-${name}`)
    .description(`remove the ${what} of a namespace (the broker default applies again)`)
    .argument('<namespace>', 'tenant/namespace')
    .action(
      adminAction(async ({ client }, namespace: string) => {
        await client.delete(nsPath(namespace, path));
      }),
    );
}

/** Enable/disable pair: exactly one must be given. */
export function enabledFlag(flags: { enable?: boolean; disable?: boolean }): boolean {
  if (flags.enable === flags.disable) throw new Error('give exactly one of --enable or --disable');
  return flags.enable === true;
}

interface Retention {
  retentionTimeInMinutes: number;
  retentionSizeInMB: number;
}

interface Quota {
  limitSize: number;
  limitTime: number;
  policy: string;
}

function showRetention(v: unknown): string {
  const r = v as Retention;
  const minutes = r.retentionTimeInMinutes;
  return table([
    ['time', minutes < 0 ? 'unlimited' : `${minutes} minutes (${formatSeconds(minutes * 60)})`],
    [
      'size',
      r.retentionSizeInMB < 0
        ? 'unlimited'
        : `${r.retentionSizeInMB} MB (${formatSize(r.retentionSizeInMB * 1024 ** 2)})`,
    ],
  ]);
}

function showQuotas(v: unknown): string {
  const entries = Object.entries(v as Record<string, Quota>);
  if (entries.length === 0) return NOT_SET;
  const rows = entries.map(([type, q]) => [
    type,
    formatSize(q.limitSize),
    formatSeconds(q.limitTime),
    q.policy,
  ]);
  return table([['type', 'limitSize', 'limitTime', 'policy'], ...rows]);
}

export function registerNamespacePolicyCommands(ns: Command): void {
  registerRetentionCommands(ns);
  registerBacklogQuotaCommands(ns);
  registerDeduplicationAndSchemaCommands(ns);
}

function registerRetentionCommands(ns: Command): void {
  ns.command('set-retention')
    .description('keep acknowledged messages for up to --time and --size')
    .argument('<namespace>', 'tenant/namespace')
    .requiredOption('--size <size>', 'retention size limit, e.g. 10M, 5G, -1 for none', sizeArg)
    .requiredOption('--time <time>', 'retention time limit, e.g. 30m, 2h, 3d, -1 for none', timeArg)
    .action(
      adminAction(async ({ client }, namespace: string, f: { size: number; time: number }) => {
        const body = {
          retentionTimeInMinutes: secondsToMinutes(f.time),
          retentionSizeInMB: sizeToMB(f.size),
        };
        await client.post(nsPath(namespace, 'retention'), body);
      }),
    );
  getAndRemove(ns, 'retention', 'retention', 'retention', showRetention);

  ns.command('set-message-ttl')
    .description('expire unacknowledged messages after --ttl')
    .argument('<namespace>', 'tenant/namespace')
    .requiredOption('--ttl <ttl>', 'time to live, in seconds or e.g. 1h, 3d', timeArg)
    .action(
      adminAction(async ({ client }, namespace: string, f: { ttl: number }) => {
        await client.post(nsPath(namespace, 'messageTTL'), f.ttl);
      }),
    );
  getAndRemove(ns, 'message-ttl', 'messageTTL', 'message TTL', (v) => `${String(v)} seconds`);
}

function registerBacklogQuotaCommands(ns: Command): void {
  ns.command('set-backlog-quota')
    .description('limit the backlog of each topic by size or age')
    .argument('<namespace>', 'tenant/namespace')
    .option('-l, --limit <size>', 'size limit, e.g. 10G, -1 for none', sizeArg, -1)
    .option('--limitTime <time>', 'age limit in seconds or e.g. 3600, 1h, -1 for none', timeArg, -1)
    .addOption(
      new Option('-p, --policy <policy>', 'what to do when the quota is exceeded')
        .choices(['producer_request_hold', 'producer_exception', 'consumer_backlog_eviction'])
        .makeOptionMandatory(),
    )
    .addOption(new Option('-t, --type <type>', 'quota type').choices(['destination_storage', 'message_age']))
    .action(
      adminAction(
        async (
          { client },
          namespace: string,
          f: { limit: number; limitTime: number; policy: string; type?: string },
        ) => {
          const query = f.type ? `?backlogQuotaType=${f.type}` : '';
          const body = { limitSize: f.limit, limitTime: f.limitTime, policy: f.policy };
          await client.post(`${nsPath(namespace, 'backlogQuota')}${query}`, body);
        },
      ),
    );
  ns.command('get-backlog-quotas')
    .description('show the backlog quotas of a namespace')
    .argument('<namespace>', 'tenant/namespace')
    .action(
      adminAction(async ({ client, print }, namespace: string) =>
        print.value(await client.get(nsPath(namespace, 'backlogQuotaMap')), showQuotas),
      ),
    );
  ns.command('remove-backlog-quota')
    .description('remove a backlog quota of a namespace')
    .argument('<namespace>', 'tenant/namespace')
    .addOption(new Option('-t, --type <type>', 'quota type').choices(['destination_storage', 'message_age']))
    .action(
      adminAction(async ({ client }, namespace: string, f: { type?: string }) => {
        await client.delete(
          `${nsPath(namespace, 'backlogQuota')}${f.type ? `?backlogQuotaType=${f.type}` : ''}`,
        );
      }),
    );
}

function registerDeduplicationAndSchemaCommands(ns: Command): void {
  ns.command('set-deduplication')
    .description('turn broker-side deduplication on or off for the namespace')
    .argument('<namespace>', 'tenant/namespace')
    .option('-e, --enable', 'enable deduplication')
    .option('-d, --disable', 'disable deduplication')
    .action(
      adminAction(async ({ client }, namespace: string, f: { enable?: boolean; disable?: boolean }) => {
        await client.post(nsPath(namespace, 'deduplication'), enabledFlag(f));
      }),
    );
  getAndRemove(ns, 'deduplication', 'deduplication', 'deduplication setting', (v) =>
    v ? 'enabled' : 'disabled',
  );

  ns.command('set-schema-compatibility-strategy')
    .description('set the schema compatibility strategy of the namespace')
    .argument('<namespace>', 'tenant/namespace')
    .addOption(
      new Option('-c, --compatibility <strategy>', 'strategy')
        .choices([
          'ALWAYS_INCOMPATIBLE',
          'ALWAYS_COMPATIBLE',
          'BACKWARD',
          'FORWARD',
          'FULL',
          'BACKWARD_TRANSITIVE',
          'FORWARD_TRANSITIVE',
          'FULL_TRANSITIVE',
          'UNDEFINED',
        ])
        .makeOptionMandatory(),
    )
    .action(
      adminAction(async ({ client }, namespace: string, f: { compatibility: string }) => {
        await client.put(nsPath(namespace, 'schemaCompatibilityStrategy'), f.compatibility);
      }),
    );
  ns.command('get-schema-compatibility-strategy')
    .description('show the schema compatibility strategy of the namespace')
    .argument('<namespace>', 'tenant/namespace')
    .action(
      adminAction(async ({ client, print }, namespace: string) =>
        print.value(await client.get(nsPath(namespace, 'schemaCompatibilityStrategy')), keyValuesOrString),
      ),
    );
}

function keyValuesOrString(v: unknown): string {
  return typeof v === 'string' ? v : keyValues(v);
}
