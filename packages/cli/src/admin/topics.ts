/**
 * `magnetar admin topics ...`: pulsar-admin's topic verbs over the admin REST API (topic arguments
 * as in topics-path.ts). The subscription verbs are in topics-subscriptions.ts.
 */
import type { Command } from 'commander';
import { adminAction, namespaceSegments } from './context.js';
import { adminPath } from './http.js';
import { registerInflightCommands } from './inflight.js';
import { registerTopicPermissionCommands } from './permissions.js';
import { topicPath } from './topics-path.js';
import { lines } from './output.js';
import { showInternalStats, showMessageId, showTopicStats } from './topics-output.js';
import { registerSubscriptionCommands } from './topics-subscriptions.js';

export function registerTopicCommands(admin: Command): void {
  const topics = admin.command('topics').description('manage topics and their subscriptions');

  topics
    .command('list')
    .description('list the persistent topics of a namespace')
    .argument('<namespace>', 'tenant/namespace')
    .action(
      adminAction(async ({ client, print }, ns: string) =>
        print.value(await client.get(adminPath('persistent', ...namespaceSegments(ns))), lines),
      ),
    );

  simple(topics, 'create', 'create a non-partitioned topic', (t) => ['PUT', topicPath(t)]);
  topics
    .command('delete')
    .description('delete a topic (it must have no producers or consumers, unless --force)')
    .argument('<topic>')
    .option('-f, --force', 'close its producers and consumers first')
    .action(
      adminAction(async ({ client }, t: string, flags: { force?: boolean }) => {
        await client.delete(`${topicPath(t)}${flags.force ? '?force=true' : ''}`);
      }),
    );
  simple(topics, 'unload', 'unload a topic (its clients reconnect)', (t) => ['PUT', topicPath(t, 'unload')]);

  shown(topics, 'stats', 'show the stats of a topic', 'stats', showTopicStats);
  shown(topics, 'stats-internal', 'show the internal stats of a topic', 'internalStats', showInternalStats);
  shown(topics, 'last-message-id', 'show the id of the last message', 'lastMessageId', showMessageId);
  shown(topics, 'subscriptions', 'list the subscriptions of a topic', 'subscriptions', lines);

  topics
    .command('terminate')
    .description('terminate a topic: it takes no more messages; prints the last message id')
    .argument('<topic>')
    .action(
      adminAction(async ({ client, print }, t: string) =>
        print.value(await client.post(topicPath(t, 'terminate')), (v) => `terminated at ${showMessageId(v)}`),
      ),
    );

  registerSubscriptionCommands(topics);
  registerInflightCommands(topics);
  registerTopicPermissionCommands(topics);
}

/** A verb that sends one request about a topic and prints nothing on success. */
function simple(
  topics: Command,
  name: string,
  description: string,
  request: (topic: string) => ['PUT' | 'POST' | 'DELETE', string],
): void {
  topics
    .command(name)
    .description(description)
    .argument('<topic>')
    .action(
      adminAction(async ({ client }, t: string) => {
        const [method, path] = request(t);
        await client.request(method, path);
      }),
    );
}

/** A verb that GETs `.../{topic}/{path}` and prints it through `human` (or as JSON with --json). */
function shown(
  topics: Command,
  name: string,
  description: string,
  path: string,
  human: (v: unknown) => string,
) {
  topics
    .command(name)
    .description(description)
    .argument('<topic>')
    .action(
      adminAction(async ({ client, print }, t: string) =>
        print.value(await client.get(topicPath(t, path)), human),
      ),
    );
}
