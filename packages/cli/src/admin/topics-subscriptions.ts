/**
 * `magnetar admin topics` verbs on subscriptions, with pulsar-admin's names and flags:
 * create-subscription, unsubscribe, peek-messages, reset-cursor, skip, clear-backlog,
 * expire-messages, expire-messages-all-subscriptions.
 */
import { Option, type Command } from 'commander';
import { adminAction, argParser, intArg } from './context.js';
import { peekedJson, peekMessages, showPeeked } from './topics-peek.js';
import { topicPath } from './topics-path.js';
import { parseRelativeTimeSeconds } from './units.js';

interface MessageId {
  ledgerId: number;
  entryId: number;
}

/** "ledgerId:entryId", or with `allowNamed` also "earliest" / "latest" (null: the broker's default). */
function parseMessageId(text: string, allowNamed: boolean): MessageId | null {
  if (allowNamed && text === 'earliest') return { ledgerId: -1, entryId: -1 };
  if (allowNamed && text === 'latest') return null;
  const m = /^(-?\d+):(-?\d+)$/.exec(text.trim());
  if (!m) {
    throw new Error(
      `invalid message id '${text}'; expected ledgerId:entryId${allowNamed ? ', earliest or latest' : ''}`,
    );
  }
  return { ledgerId: Number(m[1]), entryId: Number(m[2]) };
}

const timeArg = argParser((text) => {
  const seconds = parseRelativeTimeSeconds(text);
  if (seconds < 0) throw new Error(`invalid time '${text}'`);
  return seconds;
});
const subOption = () => new Option('-s, --subscription <name>', 'subscription name').makeOptionMandatory();
const subPath = (topic: string, sub: string, ...rest: string[]) =>
  topicPath(topic, 'subscription', sub, ...rest);

export function registerSubscriptionCommands(topics: Command): void {
  topics
    .command('create-subscription')
    .description('create a subscription at a position (default: latest)')
    .argument('<topic>')
    .addOption(subOption())
    .option('-m, --messageId <id>', 'where it starts: latest, earliest or ledgerId:entryId', 'latest')
    .action(
      adminAction(async ({ client }, t: string, f: { subscription: string; messageId: string }) => {
        const id = parseMessageId(f.messageId, true);
        await client.put(subPath(t, f.subscription), id ?? undefined);
      }),
    );

  topics
    .command('unsubscribe')
    .description('delete a subscription (it must have no consumers, unless --force)')
    .argument('<topic>')
    .addOption(subOption())
    .option('-f, --force', 'disconnect its consumers first')
    .action(
      adminAction(async ({ client }, t: string, f: { subscription: string; force?: boolean }) => {
        await client.delete(`${subPath(t, f.subscription)}${f.force ? '?force=true' : ''}`);
      }),
    );

  topics
    .command('peek-messages')
    .description("show a subscription's next messages without consuming them")
    .argument('<topic>')
    .addOption(subOption())
    .option('-n, --count <n>', 'number of messages', intArg(1), 1)
    .action(
      adminAction(async ({ client, print }, t: string, f: { subscription: string; count: number }) => {
        const messages = await peekMessages(client, subPath(t, f.subscription), f.count);
        print.value(messages.map(peekedJson), () => showPeeked(messages));
      }),
    );

  registerCursorCommands(topics);
}

/** The verbs that move a subscription's cursor: reset-cursor, skip, clear-backlog, expire-messages. */
function registerCursorCommands(topics: Command): void {
  topics
    .command('reset-cursor')
    .description('move a subscription back or forward, by time or to a message id')
    .argument('<topic>')
    .addOption(subOption())
    .addOption(new Option('-t, --time <time>', 'this long ago: 30s, 10m, 2h, 3d, 1w').conflicts('messageId'))
    .option('-m, --messageId <id>', 'ledgerId:entryId to reset to')
    .option('-e, --exclude-reset-position', 'start after the message id rather than at it')
    .action(
      adminAction(async ({ client }, t: string, f: ResetFlags) => {
        if (f.time !== undefined) {
          const since = Date.now() - parseRelativeTimeSeconds(f.time) * 1000;
          await client.post(subPath(t, f.subscription, 'resetcursor', String(since)));
        } else if (f.messageId !== undefined) {
          const id = parseMessageId(f.messageId, false)!;
          await client.post(subPath(t, f.subscription, 'resetcursor'), {
            ...id,
            isExcluded: f.excludeResetPosition === true,
          });
        } else {
          throw new Error('give either --time or --messageId');
        }
      }),
    );

  topics
    .command('skip')
    .description('skip (acknowledge) the next messages of a subscription')
    .argument('<topic>')
    .addOption(subOption())
    .requiredOption('-n, --count <n>', 'number of messages', intArg(0))
    .action(
      adminAction(async ({ client }, t: string, f: { subscription: string; count: number }) => {
        await client.post(subPath(t, f.subscription, 'skip', String(f.count)));
      }),
    );

  topics
    .command('clear-backlog')
    .description('skip every message of a subscription')
    .argument('<topic>')
    .addOption(subOption())
    .action(
      adminAction(async ({ client }, t: string, f: { subscription: string }) => {
        await client.post(subPath(t, f.subscription, 'skip_all'));
      }),
    );

  topics
    .command('expire-messages')
    .description('expire the messages of a subscription older than a time')
    .argument('<topic>')
    .addOption(subOption())
    .requiredOption('-t, --expireTime <time>', 'age in seconds, or 10m, 2h, 3d, 1w', timeArg)
    .action(
      adminAction(async ({ client }, t: string, f: { subscription: string; expireTime: number }) => {
        await client.post(subPath(t, f.subscription, 'expireMessages', String(f.expireTime)));
      }),
    );

  topics
    .command('expire-messages-all-subscriptions')
    .description('expire the messages of every subscription older than a time')
    .argument('<topic>')
    .requiredOption('-t, --expireTime <time>', 'age in seconds, or 10m, 2h, 3d, 1w', timeArg)
    .action(
      adminAction(async ({ client }, t: string, f: { expireTime: number }) => {
        await client.post(topicPath(t, 'all_subscription', 'expireMessages', String(f.expireTime)));
      }),
    );
}

interface ResetFlags {
  subscription: string;
  time?: string;
  messageId?: string;
  excludeResetPosition?: boolean;
}
