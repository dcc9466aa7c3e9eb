import { parseTopicName } from '../connection/wire.js';
import { InvalidConfigurationError } from '../errors.js';

/** CommandGetTopicsOfNamespace.Mode */
const MODE_PERSISTENT = 0;
const MODE_NON_PERSISTENT = 1;

/**
 * A topics pattern for a multi-topic consumer, as Java's PatternMultiTopicsConsumerImpl reads one:
 * the part up to the namespace is literal (`persistent://tenant/ns/`, or nothing for
 * public/default), the rest is a regular expression that must match a whole topic name.
 */
export interface TopicsPattern {
  /** "tenant/namespace" the topics are listed from. */
  namespace: string;
  /** CommandGetTopicsOfNamespace.mode for the pattern's domain. */
  mode: number;
  /** The pattern as sent to the broker (GET_TOPICS_OF_NAMESPACE topics_pattern). */
  source: string;
  /** Matches a topic name without its `domain://` prefix, whole-name. */
  regex: RegExp;
}

export function parseTopicsPattern(pattern: RegExp | string): TopicsPattern {
  // RegExp.source escapes every '/', which in a topic pattern only separates name parts.
  const source = typeof pattern === 'string' ? pattern : pattern.source.replace(/\\\//g, '/');
  const scheme = /^(persistent|non-persistent):\/\//.exec(source);
  const rest = scheme ? source.slice(scheme[0].length) : source;
  const parts = rest.split('/');
  let namespace = 'public/default';
  if (parts.length >= 3) namespace = `${parts[0]}/${parts[1]}`;
  else if (parts.length !== 1)
    throw new InvalidConfigurationError(`topicsPattern ${source}: expected tenant/namespace/regex`);
  try {
    parseTopicName(`persistent://${namespace}/x`);
  } catch {
    throw new InvalidConfigurationError(`topicsPattern ${source}: bad namespace ${namespace}`);
  }
  const local = parts.length >= 3 ? parts.slice(2).join('/') : rest;
  const flags = typeof pattern === 'string' ? '' : pattern.flags.replace(/[gy]/g, '');
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${namespace.replace(/[.]/g, '\\.')}/(?:${local}))$`, flags);
  } catch (err) {
    throw new InvalidConfigurationError(
      `topicsPattern ${source} is not a valid regular expression: ${String(err)}`,
    );
  }
  const mode = scheme?.[1] === 'non-persistent' ? MODE_NON_PERSISTENT : MODE_PERSISTENT;
  return { namespace, mode, source, regex };
}

/**
 * The topics a pattern subscribes to, from a GET_TOPICS_OF_NAMESPACE answer: partitions are folded
 * into their partitioned topic (the consumer expands them again), and a name counts when the whole
 * of it, without the domain, matches (Java's TopicList.filterTopics).
 */
export function matchTopics(pattern: TopicsPattern, names: readonly string[]): string[] {
  const out = new Set<string>();
  for (const name of names) {
    let base: string;
    try {
      base = parseTopicName(name).partitioned;
    } catch {
      continue;
    }
    if (pattern.regex.test(base.replace(/^[a-z-]+:\/\//, ''))) out.add(base);
  }
  return [...out].sort();
}
