import { describe, expect, it } from 'vitest';
import { ensurePartitioned, partitionsUrl, PartitionSetupError, type FetchLike } from './partitions.js';

/** A fake admin endpoint: answers each call from a script and records what was asked. */
function fakeFetch(answers: { status: number; body?: string }[]) {
  const calls: { url: string; method: string; body?: string }[] = [];
  const fn: FetchLike = async (url, init) => {
    calls.push({ url, method: init?.method ?? 'GET', body: init?.body });
    const a = answers.shift() ?? { status: 500, body: 'no more answers' };
    return { status: a.status, text: async () => a.body ?? '' };
  };
  return { fn, calls };
}

describe('partitionsUrl', () => {
  it('maps every topic form onto the admin path', () => {
    expect(partitionsUrl('http://h:8080', 'my-topic')).toBe(
      'http://h:8080/admin/v2/persistent/public/default/my-topic/partitions',
    );
    expect(partitionsUrl('http://h:8080/', 'non-persistent://t/ns/a b')).toBe(
      'http://h:8080/admin/v2/non-persistent/t/ns/a%20b/partitions',
    );
    expect(() => partitionsUrl('http://h', 'a/b')).toThrow();
  });
});

describe('ensurePartitioned', () => {
  it('creates the topic with a PUT of the count', async () => {
    const f = fakeFetch([{ status: 204 }]);
    await expect(ensurePartitioned('http://h', 't', 4, f.fn)).resolves.toBe('created');
    expect(f.calls).toEqual([
      { url: 'http://h/admin/v2/persistent/public/default/t/partitions', method: 'PUT', body: '4' },
    ]);
  });

  it('accepts an existing topic with the same count and refuses another count', async () => {
    const same = fakeFetch([{ status: 409 }, { status: 200, body: '{"partitions":4}' }]);
    await expect(ensurePartitioned('http://h', 't', 4, same.fn)).resolves.toBe('existing');
    expect(same.calls[1].method).toBe('GET');
    const other = fakeFetch([{ status: 409 }, { status: 200, body: '{"partitions":2}' }]);
    await expect(ensurePartitioned('http://h', 't', 4, other.fn)).rejects.toThrow(
      /already exists with 2 partitions, not 4/,
    );
  });

  it('reports any other refusal with its status and reason', async () => {
    const f = fakeFetch([{ status: 404, body: '{"reason":"Namespace does not exist"}' }]);
    const err = await ensurePartitioned('http://h', 't', 3, f.fn).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartitionSetupError);
    expect(String(err)).toMatch(/HTTP 404 .*Namespace does not exist/);
  });
});
