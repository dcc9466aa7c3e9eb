import { describe, expect, it } from 'vitest';
import { matchTopics, parseTopicsPattern } from './topics-pattern.js';

describe('topics pattern', () => {
  it('reads the namespace and domain from the pattern', () => {
    expect(parseTopicsPattern('persistent://acme/orders/eu-.*')).toMatchObject({
      namespace: 'acme/orders',
      mode: 0,
      source: 'persistent://acme/orders/eu-.*',
    });
    expect(parseTopicsPattern(/non-persistent:\/\/t\/n\/x.*/)).toMatchObject({ namespace: 't/n', mode: 1 });
    expect(parseTopicsPattern('orders-.*').namespace).toBe('public/default');
    expect(() => parseTopicsPattern('a/b')).toThrow(/tenant\/namespace\/regex/);
    expect(() => parseTopicsPattern('persistent://t/n/(')).toThrow(/regular expression/);
  });

  it('matches whole names, folds partitions into their topic and ignores other namespaces', () => {
    const p = parseTopicsPattern('persistent://public/default/orders-.*');
    const names = [
      'persistent://public/default/orders-eu',
      'persistent://public/default/orders-us-partition-0',
      'persistent://public/default/orders-us-partition-1',
      'persistent://public/default/my-orders-eu', // matches only as a substring
      'persistent://public/other/orders-eu',
      'not a topic name',
    ];
    expect(matchTopics(p, names)).toEqual([
      'persistent://public/default/orders-eu',
      'persistent://public/default/orders-us',
    ]);
  });
});
