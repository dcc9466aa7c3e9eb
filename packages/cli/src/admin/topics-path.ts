/**
 * Topic arguments of `magnetar admin topics`, taken as pulsar-admin takes them:
 * `persistent://tenant/ns/topic`, `non-persistent://tenant/ns/topic`, `tenant/ns/topic`
 * (persistent), or a bare `topic` in public/default.
 */
import { adminPath } from './http.js';

/** /admin/v2/{domain}/{tenant}/{ns}/{topic}[/...rest] for a topic argument. */
export function topicPath(topic: string, ...rest: string[]): string {
  let domain = 'persistent';
  let name = topic;
  const sep = topic.indexOf('://');
  if (sep >= 0) {
    domain = topic.slice(0, sep);
    name = topic.slice(sep + 3);
    if (domain !== 'persistent' && domain !== 'non-persistent') {
      throw new Error(`unknown topic domain '${domain}' in '${topic}'`);
    }
  } else if (!topic.includes('/')) {
    name = `public/default/${topic}`;
  }
  const parts = name.split('/');
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    throw new Error(`topic must be given as [persistent://]tenant/namespace/topic, got '${topic}'`);
  }
  return adminPath(domain, ...parts, ...rest);
}
