// CommandGetTopicsOfNamespace → CommandGetTopicsOfNamespaceResponse (topics, filtered by topics_pattern).
import { CommandType, NamespaceName } from '@magnetar/protocol';
import { notAllowed } from '../errors.js';
import type { Handler } from './types.js';

/** Longest regex accepted from a client, to bound the cost of compiling and matching it. */
const MAX_PATTERN_LENGTH = 1024;

export const handleGetTopicsOfNamespace: Handler = async (conn, cmd) => {
  const r = cmd.getTopicsOfNamespace!;
  const ns = NamespaceName.parse(r.namespace);
  let topics = await conn.broker.topicsOfNamespace(ns.toString());
  let filtered = false;
  if (r.topics_pattern) {
    if (r.topics_pattern.length > MAX_PATTERN_LENGTH) throw notAllowed('topics_pattern too long');
    // Java clients send the pattern against the full topic name, without its domain part.
    const re = new RegExp(r.topics_pattern.replace(/^persistent:\/\//, ''));
    topics = topics.filter((t) => re.test(t.replace(/^persistent:\/\//, '')));
    filtered = true;
  }
  conn.send({
    type: CommandType.GET_TOPICS_OF_NAMESPACE_RESPONSE,
    getTopicsOfNamespaceResponse: { request_id: r.request_id, topics, filtered, changed: true },
  });
};
