import { describe, expect, it } from 'vitest';
import { GroupCommitter } from './group-commit.js';

describe('GroupCommitter', () => {
  it('batches records queued together and completes them in order', async () => {
    const batches: number[] = [];
    const gc = new GroupCommitter(
      {
        write: (frames) => {
          batches.push(frames.length);
          return new Promise((r) => setTimeout(r, 5));
        },
        between: () => Promise.resolve(),
      },
      () => undefined,
    );
    const done: number[] = [];
    const all = Array.from(
      { length: 10 },
      (_, i) => new Promise<void>((r) => gc.submit(Buffer.from([i]), () => (done.push(i), r()))),
    );
    await Promise.all(all);
    const late = new Promise<void>((r) => gc.submit(Buffer.from([10]), () => (done.push(10), r())));
    await late;
    expect(batches).toEqual([10, 1]);
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('fails the batch, everything queued and everything later when a write fails (fail-stop)', async () => {
    let fatal: Error | null = null;
    let calls = 0;
    const gc = new GroupCommitter(
      {
        write: () => (++calls === 2 ? Promise.reject(new Error('EIO')) : Promise.resolve()),
        between: () => Promise.resolve(),
      },
      (err) => (fatal = err),
    );
    const outcome = (i: number) =>
      new Promise<string>((r) => gc.submit(Buffer.from([i]), (err) => r(err ? err.message : 'ok')));
    expect(await outcome(1)).toBe('ok');
    expect(await Promise.all([outcome(2), outcome(3)])).toEqual(['EIO', 'EIO']);
    expect(await outcome(4)).toBe('EIO');
    expect(fatal).not.toBeNull();
    expect(gc.failed?.message).toBe('EIO');
    await gc.whenIdle();
  });
});
