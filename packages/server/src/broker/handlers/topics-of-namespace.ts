// CommandGetTopicsOfNamespace (namespace, mode, topics_pattern) → CommandGetTopicsOfNamespaceResponse
// (topics, filtered): the namespace's topics of the asked domain(s), partitions listed one by one.
import { CommandType, NamespaceName, TopicDomainMode, TopicName } from '@magnetar/protocol';
import { notAllowed } from '../errors.js';
import { authorizeNamespace } from './authorize.js';
import type { Handler } from './types.js';

/** Longest regex accepted from a client, to bound the cost of compiling and matching it. */
const MAX_PATTERN_LENGTH = 1024;
const SCHEME = /^(non-)?persistent:\/\//;

export const handleGetTopicsOfNamespace: Handler = async (conn, cmd) => {
  const r = cmd.getTopicsOfNamespace!;
  const ns = NamespaceName.parse(r.namespace);
  // Refused with CommandError(AuthorizationError), as Pulsar.
  await authorizeNamespace(conn, ns.toString());
  if (conn.isClosed()) return;
  const mode = r.mode ?? TopicDomainMode.PERSISTENT;
  let topics = (await conn.broker.topicsOfNamespace(ns.toString(), false, true)).filter((t) =>
    inMode(t, mode),
  );
  let filtered = false;
  if (r.topics_pattern) {
    if (r.topics_pattern.length > MAX_PATTERN_LENGTH) throw notAllowed('topics_pattern too long');
    // As Pulsar's TopicList.filterTopics: the pattern, without its domain part, must match the
    // whole name of the topic's partitioned topic, without its domain part.
    const re = new RegExp(`^(?:${r.topics_pattern.replace(SCHEME, '')})$`);
    topics = topics.filter((t) => re.test(TopicName.parse(t).partitionedTopicName.replace(SCHEME, '')));
    filtered = true;
  }
  conn.send({
    type: CommandType.GET_TOPICS_OF_NAMESPACE_RESPONSE,
    getTopicsOfNamespaceResponse: { request_id: r.request_id, topics, filtered, changed: true },
  });
};

function inMode(topic: string, mode: number): boolean {
  if (mode === TopicDomainMode.ALL) return true;
  const persistent = topic.startsWith('persistent://');
  return mode === TopicDomainMode.NON_PERSISTENT ? !persistent : persistent;
}
