import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WriteQueue, type WritableSocket } from './write-queue.js';

/** A socket that records each write (and whether it was corked) and returns `accept()`. */
class FakeSocket extends EventEmitter implements WritableSocket {
  writes: Buffer[] = [];
  corkedWrites = 0;
  destroyed = false;
  private corked = 0;
  accept: () => boolean = () => true;

  write(data: Buffer): boolean {
    this.writes.push(data);
    if (this.corked > 0) this.corkedWrites++;
    return this.accept();
  }
  cork(): void {
    this.corked++;
  }
  uncork(): void {
    this.corked--;
  }
}

const tick = () => new Promise<void>((resolve) => process.nextTick(resolve));

describe('WriteQueue', () => {
  it('sends the frames of one tick as one write, in order', async () => {
    const socket = new FakeSocket();
    const q = new WriteQueue(socket);
    for (let i = 0; i < 100; i++) q.write(Buffer.from([i]));
    expect(socket.writes).toHaveLength(0);
    await tick();
    expect(socket.writes).toHaveLength(1);
    expect([...socket.writes[0]]).toEqual([...Array(100).keys()]);
  });

  it('writes a single frame as it is and large frames without copying them', async () => {
    const socket = new FakeSocket();
    const q = new WriteQueue(socket);
    const one = Buffer.alloc(10, 1);
    q.write(one);
    await tick();
    expect(socket.writes[0]).toBe(one);
    const big1 = Buffer.alloc(40_000, 2);
    const big2 = Buffer.alloc(40_000, 3);
    q.write(Buffer.from([1]));
    q.write(Buffer.from([2]));
    q.write(big1);
    q.write(Buffer.from([3]));
    q.write(big2);
    await tick();
    expect(socket.writes.slice(1)).toHaveLength(4);
    expect([...socket.writes[1]]).toEqual([1, 2]);
    expect(socket.writes[2]).toBe(big1);
    expect([...socket.writes[3]]).toEqual([3]);
    expect(socket.writes[4]).toBe(big2);
    expect(socket.corkedWrites).toBe(4);
  });

  it('writes at once when 64 KiB are queued, without waiting for the tick', async () => {
    const socket = new FakeSocket();
    const q = new WriteQueue(socket);
    const big = Buffer.alloc(100 * 1024, 1);
    q.write(Buffer.from([1]));
    q.write(big);
    expect(socket.writes).toHaveLength(2);
    expect([...socket.writes[0]]).toEqual([1]);
    expect(socket.writes[1]).toBe(big);
    for (let i = 0; i < 500; i++) q.write(Buffer.alloc(200, 2));
    expect(socket.writes.length).toBeGreaterThan(2);
    await tick();
    expect(Buffer.concat(socket.writes).length).toBe(1 + big.length + 500 * 200);
  });

  it('stops handing frames to a full socket until it drains, then sends them together', async () => {
    const socket = new FakeSocket();
    const q = new WriteQueue(socket);
    socket.accept = () => false;
    q.write(Buffer.from([1]));
    await tick();
    expect(socket.writes).toHaveLength(1);
    expect(q.isBlocked).toBe(true);
    q.write(Buffer.from([2]));
    q.write(Buffer.from([3]));
    await tick();
    q.flushNow();
    expect(socket.writes).toHaveLength(1);
    expect(q.pendingFrames).toBe(2);
    socket.accept = () => true;
    socket.emit('drain');
    await tick();
    expect(socket.writes).toHaveLength(2);
    expect([...socket.writes[1]]).toEqual([2, 3]);
    expect(q.isBlocked).toBe(false);
  });

  it('flushNow writes at once; a destroyed socket gets nothing', async () => {
    const socket = new FakeSocket();
    const q = new WriteQueue(socket);
    q.write(Buffer.from([7]));
    q.flushNow();
    expect(socket.writes).toHaveLength(1);
    socket.destroyed = true;
    q.write(Buffer.from([8]));
    await tick();
    expect(socket.writes).toHaveLength(1);
    expect(q.pendingFrames).toBe(0);
  });

  it('delivers every byte in order under any mix of sizes, ticks and back-pressure', async () => {
    const step = fc.oneof(
      fc.record({
        size: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 16_000, max: 70_000 })),
      }),
      fc.constant({ tick: true as const }),
      fc.constant({ drain: true as const }),
      fc.constant({ full: true as const }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        const socket = new FakeSocket();
        let full = false;
        socket.accept = () => !full;
        const q = new WriteQueue(socket);
        const expected: number[] = [];
        let n = 0;
        for (const s of steps) {
          if ('size' in s) {
            const b = Buffer.alloc(s.size);
            for (let i = 0; i < b.length; i++) b[i] = (n + i) & 0xff;
            n += b.length;
            expected.push(...b);
            q.write(b);
          } else if ('tick' in s) await tick();
          else if ('full' in s) full = true;
          else {
            full = false;
            socket.emit('drain');
          }
        }
        full = false;
        socket.emit('drain');
        await tick();
        const got = Buffer.concat(socket.writes);
        expect(got.length).toBe(expected.length);
        expect(got.equals(Buffer.from(expected))).toBe(true);
        expect(q.pendingFrames).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});
