/**
 * The MetadataStore conformance suite (STYLE.md: one suite per interface, run against every
 * implementation). Call `metadataStoreConformance(name, make)` from a test file; `make` builds a
 * fresh, empty store on the given clock, and `reopen` closes the store and opens it again on the
 * same data (a new session, for the memory store).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../util/clock.js';
import { BadVersionError, NotFoundError } from './types.js';
import type { MetadataStore, WatchEvent } from './types.js';

export interface ConformanceTarget {
  readonly store: MetadataStore;
  /** Closes `store` and opens the same data again. */
  reopen(): Promise<MetadataStore>;
  /** Removes whatever the target created (temp directories). */
  cleanup(): Promise<void>;
}

const b = (s: string) => Buffer.from(s);

export function metadataStoreConformance(
  name: string,
  make: (clock: ManualClock) => Promise<ConformanceTarget>,
): void {
  describe(`MetadataStore conformance: ${name}`, () => {
    let clock: ManualClock;
    let target: ConformanceTarget;
    let store: MetadataStore;

    beforeEach(async () => {
      clock = new ManualClock(1_000);
      target = await make(clock);
      store = target.store;
    });

    afterEach(async () => {
      await store.close();
      await target.cleanup();
    });

    describe('get/put/versions', () => {
      it('creates at version 0, bumps on each put and keeps createdMs', async () => {
        expect(await store.get('/a/b')).toBeNull();
        const s0 = await store.put('/a/b', b('one'));
        expect(s0).toMatchObject({ version: 0, createdMs: 1_000, modifiedMs: 1_000, ephemeral: false });
        clock.advance(5);
        const s1 = await store.put('/a/b', b('two'));
        expect(s1).toMatchObject({ version: 1, createdMs: 1_000, modifiedMs: 1_005 });
        const got = await store.get('/a/b');
        expect(got!.value.toString()).toBe('two');
        expect(got!.stat).toEqual(s1);
        expect(await store.exists('/a/b')).toBe(true);
        expect(await store.exists('/a')).toBe(false);
      });

      it('keeps its own copy of the value', async () => {
        const v = b('abc');
        await store.put('/k', v);
        v[0] = 0x7a;
        expect((await store.get('/k'))!.value.toString()).toBe('abc');
      });

      it('rejects invalid paths', async () => {
        for (const p of ['', 'a', '/a/', '//a', '/a//b'])
          await expect(store.put(p, b('x'))).rejects.toThrow(/invalid/);
        await expect(store.get('no-slash')).rejects.toThrow(/invalid/);
      });
    });

    describe('compare-and-set', () => {
      it('honours expectedVersion -1 and n', async () => {
        await store.put('/c', b('1'), { expectedVersion: -1 });
        await expect(store.put('/c', b('2'), { expectedVersion: -1 })).rejects.toBeInstanceOf(
          BadVersionError,
        );
        await expect(store.put('/c', b('2'), { expectedVersion: 3 })).rejects.toMatchObject({
          code: 'BAD_VERSION',
          expected: 3,
          actual: 0,
        });
        expect((await store.put('/c', b('2'), { expectedVersion: 0 })).version).toBe(1);
        await expect(store.put('/missing', b('x'), { expectedVersion: 0 })).rejects.toBeInstanceOf(
          NotFoundError,
        );
        expect((await store.get('/c'))!.value.toString()).toBe('2');
      });

      it('lets exactly one of several racing creators win', async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => store.put('/leader', b(String(i)), { expectedVersion: -1 })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      });
    });

    describe('delete', () => {
      it('is a no-op for a missing key and checks versions when asked', async () => {
        await store.delete('/nothing');
        await expect(store.delete('/nothing', 0)).rejects.toBeInstanceOf(NotFoundError);
        await store.put('/d', b('x'));
        await expect(store.delete('/d', 1)).rejects.toBeInstanceOf(BadVersionError);
        await store.delete('/d', 0);
        expect(await store.get('/d')).toBeNull();
        expect((await store.put('/d', b('again'))).version).toBe(0);
      });
    });

    describe('children', () => {
      it('lists direct children sorted, with implicit parents', async () => {
        await store.put('/t/b', b(''));
        await store.put('/t/a/deep/er', b(''));
        await store.put('/t/c', b(''));
        await store.put('/other', b(''));
        expect(await store.children('/t')).toEqual(['a', 'b', 'c']);
        expect(await store.children('/')).toEqual(['other', 't']);
        expect(await store.children('/t/a')).toEqual(['deep']);
        expect(await store.children('/none')).toEqual([]);
        await store.delete('/t/a/deep/er');
        expect(await store.children('/t')).toEqual(['b', 'c']);
      });
    });

    describe('watch', () => {
      it('reports changes to a key and below it, after the change is visible', async () => {
        const events: WatchEvent[] = [];
        const off = store.watch('/w', (e) => events.push(e));
        await store.put('/w', b('1'));
        await store.put('/w/x', b('1'));
        await store.put('/w/x', b('2'));
        await store.put('/wz', b('sibling, not below'));
        await store.delete('/w/x');
        expect(events).toEqual([
          { type: 'created', path: '/w' },
          { type: 'created', path: '/w/x' },
          { type: 'modified', path: '/w/x' },
          { type: 'deleted', path: '/w/x' },
        ]);
        off();
        await store.put('/w', b('3'));
        expect(events).toHaveLength(4);
      });

      it('survives a throwing listener', async () => {
        const seen: string[] = [];
        store.watch('/', () => {
          throw new Error('boom');
        });
        store.watch('/', (e) => seen.push(e.path));
        await store.put('/x', b(''));
        expect(seen).toEqual(['/x']);
      });
    });

    describe('ephemeral', () => {
      it('drops ephemeral keys when the session ends and keeps persistent ones', async () => {
        const s = await store.put('/e/mine', b('owner'), { ephemeral: true });
        expect(s.ephemeral).toBe(true);
        await store.put('/e/kept', b('persistent'));
        await store.put('/e/flip', b('persistent first'));
        await store.put('/e/flip', b('now ephemeral'), { ephemeral: true });
        expect(await store.children('/e')).toEqual(['flip', 'kept', 'mine']);
        store = await target.reopen();
        expect(await store.get('/e/mine')).toBeNull();
        expect(await store.get('/e/flip')).toBeNull();
        expect(await store.children('/e')).toEqual(['kept']);
      });
    });

    describe('reopen', () => {
      it('keeps values and versions', async () => {
        await store.put('/r/a', b('1'));
        await store.put('/r/a', b('2'));
        await store.put('/r/b', b('x'));
        await store.delete('/r/b');
        store = await target.reopen();
        const got = await store.get('/r/a');
        expect(got!.value.toString()).toBe('2');
        expect(got!.stat.version).toBe(1);
        expect(await store.get('/r/b')).toBeNull();
        await expect(store.put('/r/a', b('3'), { expectedVersion: 0 })).rejects.toBeInstanceOf(
          BadVersionError,
        );
      });

      it('answers a thousand concurrent puts', async () => {
        const stats = await Promise.all(
          Array.from({ length: 1000 }, (_, i) => store.put(`/many/${i}`, b(String(i)))),
        );
        expect(stats.every((s) => s.version === 0)).toBe(true);
        store = await target.reopen();
        expect(await store.children('/many')).toHaveLength(1000);
      });
    });

    describe('model', () => {
      it('matches a map model under random puts, deletes and reopens', async () => {
        const keyArb = fc.constantFrom('/m/a', '/m/b', '/m/a/c', '/n');
        const opArb = fc.oneof(
          fc.record({
            kind: fc.constant('put' as const),
            key: keyArb,
            value: fc.string({ maxLength: 4 }),
            expected: fc.option(fc.integer({ min: -1, max: 3 }), { nil: undefined }),
          }),
          fc.record({
            kind: fc.constant('delete' as const),
            key: keyArb,
            expected: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
          }),
          fc.record({ kind: fc.constant('reopen' as const) }),
        );
        await fc.assert(
          fc.asyncProperty(fc.array(opArb, { maxLength: 25 }), async (ops) => {
            for (const k of ['/m/a', '/m/b', '/m/a/c', '/n']) await store.delete(k);
            const model = new Map<string, { value: string; version: number }>();
            for (const op of ops) {
              if (op.kind === 'reopen') {
                store = await target.reopen();
                continue;
              }
              const cur = model.get(op.key);
              const result = await (
                op.kind === 'put'
                  ? store.put(op.key, b(op.value), { expectedVersion: op.expected })
                  : store.delete(op.key, op.expected)
              ).then(
                () => 'ok',
                (e: { code?: string }) => e.code,
              );
              const expected = expectedOutcome(cur?.version, op.expected, op.kind === 'put');
              expect(result).toBe(expected);
              if (expected !== 'ok') continue;
              if (op.kind === 'put')
                model.set(op.key, { value: op.value, version: cur ? cur.version + 1 : 0 });
              else model.delete(op.key);
            }
            for (const k of ['/m/a', '/m/b', '/m/a/c', '/n']) {
              const got = await store.get(k);
              const want = model.get(k);
              expect(got ? { value: got.value.toString(), version: got.stat.version } : undefined).toEqual(
                want,
              );
            }
            const mChildren = [
              ...new Set([...model.keys()].filter((k) => k.startsWith('/m/')).map((k) => k.split('/')[2])),
            ];
            expect(await store.children('/m')).toEqual(mChildren.sort());
          }),
          { numRuns: 40 },
        );
      });
    });
  });
}

function expectedOutcome(version: number | undefined, expected: number | undefined, isPut: boolean): string {
  if (expected === undefined) return 'ok';
  if (isPut && expected === -1) return version === undefined ? 'ok' : 'BAD_VERSION';
  if (version === undefined) return 'NOT_FOUND';
  return version === expected ? 'ok' : 'BAD_VERSION';
}
