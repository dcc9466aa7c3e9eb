import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors.js';
import { NamespaceName, TopicName } from './topic-name.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ProtocolError ? err.code : 'NOT_A_PROTOCOL_ERROR';
  }
  return undefined;
}

describe('TopicName.parse', () => {
  it('expands a short name into public/default', () => {
    const t = TopicName.parse('my-topic');
    expect(t.toString()).toBe('persistent://public/default/my-topic');
    expect([t.domain, t.tenant, t.namespace, t.localName, t.partitionIndex]).toEqual([
      'persistent',
      'public',
      'public/default',
      'my-topic',
      -1,
    ]);
  });

  it('reads tenant/ns/topic as persistent', () => {
    expect(TopicName.parse('acme/orders/created').toString()).toBe('persistent://acme/orders/created');
  });

  it('keeps non-persistent topics', () => {
    const t = TopicName.parse('non-persistent://acme/ns/t');
    expect(t.domain).toBe('non-persistent');
    expect(t.isPersistent).toBe(false);
  });

  it('understands partitions', () => {
    const t = TopicName.parse('persistent://public/default/orders-partition-3');
    expect(t.isPartition).toBe(true);
    expect(t.partitionIndex).toBe(3);
    expect(t.partitionedTopicName).toBe('persistent://public/default/orders');
    const base = TopicName.parse('orders');
    expect(base.partitionedTopicName).toBe('persistent://public/default/orders');
    expect(base.partition(5).toString()).toBe('persistent://public/default/orders-partition-5');
    expect(t.partition(0).toString()).toBe('persistent://public/default/orders-partition-0');
    expect(TopicName.parse('x-partition-abc').partitionIndex).toBe(-1);
  });

  it.each([
    '',
    'http://a/b/c',
    'persistent://a/b',
    'persistent://a/b/c/d',
    'persistent://a//c',
    'persistent://a/b/',
    'persistent:///b/c',
    'a/b',
    'ten ant/ns/t',
    'tenant/n$s/t',
  ])('refuses %j with INVALID_TOPIC_NAME', (name) => {
    expect(code(() => TopicName.parse(name))).toBe('INVALID_TOPIC_NAME');
  });

  it('parses its own output back to the same name (property)', () => {
    const entity = fc.stringMatching(/^[-=:.\w]{1,12}$/);
    const local = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes('/'));
    fc.assert(
      fc.property(fc.constantFrom('persistent', 'non-persistent'), entity, entity, local, (d, t, n, l) => {
        const name = `${d}://${t}/${n}/${l}`;
        const parsed = TopicName.parse(name);
        expect(parsed.toString()).toBe(name);
        expect(TopicName.parse(parsed.toString()).toString()).toBe(name);
      }),
    );
  });

  it('throws only ProtocolError on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        const c = code(() => TopicName.parse(name));
        if (c !== undefined) expect(c).toBe('INVALID_TOPIC_NAME');
      }),
    );
  });
});

describe('NamespaceName.parse', () => {
  it('splits tenant and namespace', () => {
    const ns = NamespaceName.parse('public/default');
    expect([ns.tenant, ns.localName, ns.toString()]).toEqual(['public', 'default', 'public/default']);
  });

  it.each(['public', 'a/b/c', '/b', 'a/', 'a b/c'])('refuses %j', (name) => {
    expect(code(() => NamespaceName.parse(name))).toBe('INVALID_TOPIC_NAME');
  });
});
