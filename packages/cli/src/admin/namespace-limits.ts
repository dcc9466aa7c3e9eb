/**
 * Namespace policies about producers, consumers and topics: per-topic limits, automatic topic
 * creation, delayed delivery, publish and dispatch rates, replication clusters.
 */
import { Option, type Command } from 'commander';
import { adminAction, intArg, listArg } from './context.js';
import { nsPath } from './namespaces.js';
import { enabledFlag, getAndRemove, timeArg } from './namespace-policies.js';
import { keyValues, lines } from './output.js';

/** `set-<name> <ns> <flag> N` plus get-/remove-, for the "max ... per ..." limits (0 = no limit). */
function limitCommands(ns: Command, name: string, path: string, flag: string, what: string): void {
  const key = flag.replace(/^-\w, --/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  ns.command(`set-${name}`)
    .description(`set the ${what} (0 = no limit)`)
    .argument('<namespace>', 'tenant/namespace')
    .requiredOption(`${flag} <n>`, what, intArg(0))
    .action(
      adminAction(async ({ client }, namespace: string, f: Record<string, number>) => {
        await client.post(nsPath(namespace, path), f[key]);
      }),
    );
  getAndRemove(ns, name, path, what, String);
}

interface AutoTopicFlags {
  enable?: boolean;
  disable?: boolean;
  type: string;
  numPartitions?: number;
}

interface RateFlags {
  msgRate: number;
  byteRate: number;
  period?: number;
  relativeToPublishRate?: boolean;
}

export function registerNamespaceLimitCommands(ns: Command): void {
  registerLimitCommands(ns);
  registerRateCommands(ns);
}

function registerLimitCommands(ns: Command): void {
  limitCommands(
    ns,
    'max-producers-per-topic',
    'maxProducersPerTopic',
    '-p, --max-producers-per-topic',
    'maximum producers per topic',
  );
  limitCommands(
    ns,
    'max-consumers-per-topic',
    'maxConsumersPerTopic',
    '-c, --max-consumers-per-topic',
    'maximum consumers per topic',
  );
  limitCommands(
    ns,
    'max-consumers-per-subscription',
    'maxConsumersPerSubscription',
    '-c, --max-consumers-per-subscription',
    'maximum consumers per subscription',
  );

  ns.command('set-auto-topic-creation')
    .description("override the broker's automatic topic creation for the namespace")
    .argument('<namespace>', 'tenant/namespace')
    .option('-e, --enable', 'allow automatic topic creation')
    .option('-d, --disable', 'forbid automatic topic creation')
    .addOption(
      new Option('-t, --type <type>', 'type of created topics')
        .choices(['partitioned', 'non-partitioned'])
        .default('non-partitioned'),
    )
    .option('-n, --num-partitions <n>', 'partitions of created partitioned topics', intArg(1))
    .action(
      adminAction(async ({ client }, namespace: string, f: AutoTopicFlags) => {
        const allow = enabledFlag(f);
        const body: Record<string, unknown> = { allowAutoTopicCreation: allow, topicType: f.type };
        if (f.numPartitions !== undefined) body.defaultNumPartitions = f.numPartitions;
        await client.post(nsPath(namespace, 'autoTopicCreation'), body);
      }),
    );
  getAndRemove(
    ns,
    'auto-topic-creation',
    'autoTopicCreation',
    'automatic topic creation override',
    keyValues,
  );
}

function registerRateCommands(ns: Command): void {
  ns.command('set-delayed-delivery')
    .description('turn delayed delivery on or off for the namespace')
    .argument('<namespace>', 'tenant/namespace')
    .option('-e, --enable', 'enable delayed delivery')
    .option('-d, --disable', 'disable delayed delivery')
    .option('-t, --time <tickTime>', 'tick time of the delayed-delivery tracker, e.g. 1s', timeArg, 1)
    .action(
      adminAction(
        async ({ client }, namespace: string, f: { enable?: boolean; disable?: boolean; time: number }) => {
          const body = { active: enabledFlag(f), tickTime: f.time * 1000 };
          await client.post(nsPath(namespace, 'delayedDelivery'), body);
        },
      ),
    );
  getAndRemove(ns, 'delayed-delivery', 'delayedDelivery', 'delayed delivery policy', keyValues);

  ns.command('set-publish-rate')
    .description('throttle publishing on each topic of the namespace (-1 = no limit)')
    .argument('<namespace>', 'tenant/namespace')
    .option('-m, --msg-rate <n>', 'messages per second', intArg(-1), -1)
    .option('-b, --byte-rate <n>', 'bytes per second', intArg(-1), -1)
    .action(
      adminAction(async ({ client }, namespace: string, f: RateFlags) => {
        const body = { publishThrottlingRateInMsg: f.msgRate, publishThrottlingRateInByte: f.byteRate };
        await client.post(nsPath(namespace, 'publishRate'), body);
      }),
    );
  getAndRemove(ns, 'publish-rate', 'publishRate', 'publish rate', keyValues);

  ns.command('set-dispatch-rate')
    .description('throttle dispatching on each topic of the namespace (-1 = no limit)')
    .argument('<namespace>', 'tenant/namespace')
    .option('-m, --msg-rate <n>', 'messages per period', intArg(-1), -1)
    .option('-b, --byte-rate <n>', 'bytes per period', intArg(-1), -1)
    .option('--period <seconds>', 'length of a period in seconds', intArg(1), 1)
    .option('--relative-to-publish-rate', 'rates are relative to the publish rate')
    .action(
      adminAction(async ({ client }, namespace: string, f: RateFlags) => {
        const body = {
          dispatchThrottlingRateInMsg: f.msgRate,
          dispatchThrottlingRateInByte: f.byteRate,
          ratePeriodInSecond: f.period ?? 1,
          relativeToPublishRate: f.relativeToPublishRate === true,
        };
        await client.post(nsPath(namespace, 'dispatchRate'), body);
      }),
    );
  getAndRemove(ns, 'dispatch-rate', 'dispatchRate', 'dispatch rate', keyValues);

  ns.command('set-clusters')
    .description('set the replication clusters of the namespace')
    .argument('<namespace>', 'tenant/namespace')
    .requiredOption('-c, --clusters <clusters>', 'comma-separated cluster names', listArg)
    .action(
      adminAction(async ({ client }, namespace: string, f: { clusters: string[] }) => {
        await client.post(nsPath(namespace, 'replication'), f.clusters);
      }),
    );
  ns.command('get-clusters')
    .description('show the replication clusters of the namespace')
    .argument('<namespace>', 'tenant/namespace')
    .action(
      adminAction(async ({ client, print }, namespace: string) =>
        print.value(await client.get(nsPath(namespace, 'replication')), lines),
      ),
    );
}
