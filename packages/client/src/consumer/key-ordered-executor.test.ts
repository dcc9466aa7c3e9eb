import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deferred, type Deferred } from '../util/deferred.js';
import { KeyOrderedExecutor } from './key-ordered-executor.js';
import { processingKeyOf } from './process-by-key.js';
import { Message } from './message.js';
import { MessageId } from '../message-id.js';

const settle = () => new Promise((r) => setImmediate(r));

describe('KeyOrderedExecutor', () => {
  /**
   * Whatever the keys and whichever running task finishes first: tasks of one key start in
   * submission order and never overlap, at most `concurrency` run at once, at most `maxQueued`
   * wait, and every task runs.
   */
  it('keeps per-key order, bounds concurrency and queueing, and runs everything', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 50 }),
        async (keys, concurrency, maxQueued, picks) => {
          const exec = new KeyOrderedExecutor(concurrency, maxQueued);
          const running: { key: number; index: number; done: Deferred<void> }[] = [];
          const started: { key: number; index: number }[] = [];
          const violations: string[] = [];
          let finished = 0;
          const submitting = (async () => {
            for (let i = 0; i < keys.length; i++) {
              const key = keys[i];
              await exec.submit(String(key), async () => {
                // Recorded, not thrown: the executor swallows task errors by design.
                if (running.some((r) => r.key === key)) violations.push(`key ${key} overlapped`);
                const done = deferred<void>();
                running.push({ key, index: i, done });
                started.push({ key, index: i });
                if (running.length > concurrency) violations.push(`${running.length} running`);
                await done.promise;
                finished++;
              });
              expect(exec.waitingTasks).toBeLessThanOrEqual(maxQueued);
            }
          })();
          for (let step = 0; finished < keys.length; step++) {
            if (step > 10_000) throw new Error(`stuck: ${finished} of ${keys.length} finished`);
            await settle();
            if (running.length === 0) continue;
            const [next] = running.splice(picks[step % picks.length] % running.length, 1);
            next.done.resolve();
          }
          await submitting;
          await exec.idle();
          expect(violations).toEqual([]);
          expect(started).toHaveLength(keys.length);
          for (const k of new Set(keys)) {
            const order = started.filter((s) => s.key === k).map((s) => s.index);
            expect(order).toEqual([...order].sort((a, b) => a - b));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('runs different keys at the same time and survives a failing task', async () => {
    const exec = new KeyOrderedExecutor(2, 10);
    const gates = [deferred<void>(), deferred<void>()];
    const log: string[] = [];
    await exec.submit('a', async () => {
      log.push('a1');
      await gates[0].promise;
      throw new Error('boom');
    });
    await exec.submit('a', async () => {
      log.push('a2');
    });
    await exec.submit('b', async () => {
      log.push('b1');
      await gates[1].promise;
    });
    await settle();
    expect(log).toEqual(['a1', 'b1']); // a2 waits for a1; b runs beside it
    gates[0].resolve();
    gates[1].resolve();
    await exec.idle();
    expect(log).toEqual(['a1', 'b1', 'a2']);
  });
});

describe('processingKeyOf', () => {
  const msg = (partitionKey?: string, orderingKey?: Uint8Array) =>
    new Message({
      topic: 't',
      id: new MessageId(1, 1),
      data: Buffer.alloc(0),
      properties: undefined,
      partitionKey,
      orderingKey,
      publishTime: 0,
      eventTime: 0,
      redeliveryCount: 0,
      producerName: 'p',
    });

  it('uses the ordering key, else the partition key, as Key_Shared does', () => {
    expect(processingKeyOf(msg('a'))).toBe(processingKeyOf(msg(undefined, Buffer.from('a'))));
    expect(processingKeyOf(msg('a', Buffer.from('b')))).toBe(processingKeyOf(msg('b')));
    expect(processingKeyOf(msg())).toBe('');
  });
});
