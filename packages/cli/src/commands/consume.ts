/**
 * `magnetar consume <topic> -s SUB`: receives and acknowledges messages, printing each to stdout
 * (text, or hex with --hex) and a one-line progress display to stderr. -n 0 consumes until
 * Ctrl-C / SIGTERM, which closes the consumer cleanly. Credentials, TLS and the listener name are
 * pulsar-client's options (../security-options.ts).
 */
import type { Command } from 'commander';
import type { Client, Consumer, Message, SubscriptionType } from '@magnetar/client';
import {
  addClientSecurityOptions,
  clientSecurityConfig,
  parseClientSecurity,
  type ClientSecurity,
  type ClientSecurityFlags,
} from '../security-options.js';
import { DEFAULT_SERVICE_URL, ProgressLine, runClientCommand } from './produce.js';

const SUBSCRIPTION_TYPES: Record<string, SubscriptionType> = {
  exclusive: 'Exclusive',
  shared: 'Shared',
  failover: 'Failover',
  keyshared: 'KeyShared',
  key_shared: 'KeyShared',
};

export interface ConsumeFlags extends ClientSecurityFlags {
  subscriptionName?: string;
  subscriptionType?: string;
  numMessages?: string;
  position?: string;
  serviceUrl?: string;
  hex?: boolean;
}

export interface ConsumeOptions {
  topic: string;
  subscription: string;
  subscriptionType: SubscriptionType;
  /** 0 means consume until interrupted. */
  count: number;
  initialPosition: 'Earliest' | 'Latest';
  serviceUrl: string;
  hex: boolean;
  security: ClientSecurity;
}

export function parseConsumeOptions(topic: string, flags: ConsumeFlags): ConsumeOptions {
  if (!flags.subscriptionName) throw new Error('-s/--subscription-name is required');
  const type = SUBSCRIPTION_TYPES[(flags.subscriptionType ?? 'Exclusive').toLowerCase()];
  if (!type) throw new Error(`unknown subscription type "${flags.subscriptionType}"`);
  const count = Number(flags.numMessages ?? '1');
  if (!Number.isInteger(count) || count < 0) throw new Error(`-n must be a non-negative integer`);
  const position = (flags.position ?? 'Latest').toLowerCase();
  if (position !== 'earliest' && position !== 'latest') throw new Error('-p must be Earliest or Latest');
  return {
    topic,
    subscription: flags.subscriptionName,
    subscriptionType: type,
    count,
    initialPosition: position === 'earliest' ? 'Earliest' : 'Latest',
    serviceUrl: flags.serviceUrl ?? DEFAULT_SERVICE_URL,
    hex: flags.hex === true,
    security: parseClientSecurity(flags),
  };
}

/** One output line per message: the body as UTF-8 text or hex. */
export function formatMessage(msg: Message, hex: boolean): string {
  return hex ? msg.getData().toString('hex') : msg.getData().toString('utf8');
}

/** Receives, prints and acks until the count is reached or `signal` aborts; returns the count. */
export async function runConsume(
  opts: ConsumeOptions,
  signal: AbortSignal,
  progress: ProgressLine,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const { Client } = await import('@magnetar/client');
  const client: Client = new Client({
    serviceUrl: opts.serviceUrl,
    ...(await clientSecurityConfig(opts.security)),
  });
  let consumer: Consumer | undefined;
  try {
    consumer = await client.subscribe({
      topic: opts.topic,
      subscription: opts.subscription,
      subscriptionType: opts.subscriptionType,
      subscriptionInitialPosition: opts.initialPosition,
    });
    while (!signal.aborted && (opts.count === 0 || progress.total < opts.count)) {
      let msg: Message;
      try {
        msg = await consumer.receive(250);
      } catch (err) {
        if ((err as { code?: string }).code === 'TIMEOUT') continue; // re-check the abort signal
        throw err;
      }
      out.write(`${formatMessage(msg, opts.hex)}\n`);
      await consumer.acknowledge(msg);
      progress.add();
    }
    return progress.total;
  } finally {
    await consumer?.close().catch(() => undefined);
    await client.close();
  }
}

export function registerConsume(program: Command): void {
  const cmd = program
    .command('consume')
    .description('receive and acknowledge messages from a topic')
    .argument('<topic>', 'topic name')
    .requiredOption('-s, --subscription-name <name>', 'subscription name')
    .option('-t, --subscription-type <type>', 'Exclusive, Shared, Failover or KeyShared', 'Exclusive')
    .option('-n, --num-messages <count>', 'messages to consume, 0 = until interrupted', '1')
    .option('-p, --position <pos>', 'initial position of a new subscription: Earliest or Latest', 'Latest')
    .option('--service-url <url>', 'broker service URL', DEFAULT_SERVICE_URL)
    .option('--hex', 'print message bodies as hex');
  addClientSecurityOptions(cmd).action((topic: string, flags: ConsumeFlags) =>
    runClientCommand(
      'consume',
      () => parseConsumeOptions(topic, flags),
      (opts, signal) => {
        const progress = new ProgressLine('consumed');
        return { progress, done: runConsume(opts, signal, progress) };
      },
    ),
  );
}
