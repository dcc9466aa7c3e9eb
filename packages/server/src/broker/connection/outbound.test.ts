import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Outbound } from './outbound.js';

/** A socket that records writes; `accept` says what write() returns, `buffered` is writableLength. */
class FakeSocket extends EventEmitter {
  writes: Buffer[] = [];
  destroyed = false;
  writableEnded = false;
  writableLength = 0;
  accept = true;
  write(b: Buffer): boolean {
    this.writes.push(b);
    return this.accept;
  }
  cork(): void {}
  uncork(): void {}
}

const tick = () => new Promise<void>((resolve) => process.nextTick(resolve));

function outbound(socket: FakeSocket, onOverflow = () => {}): Outbound {
  return new Outbound(socket as unknown as Socket, 1000, onOverflow);
}

describe('Outbound', () => {
  it('writes the frames of one tick together, small ones joined, in order', async () => {
    const socket = new FakeSocket();
    const out = outbound(socket);
    for (let i = 0; i < 50; i++) out.write(Buffer.from([i]));
    const big = Buffer.alloc(20_000, 7);
    out.write(big);
    out.write(Buffer.from([99]));
    expect(socket.writes).toHaveLength(0);
    await tick();
    expect(socket.writes).toHaveLength(3);
    expect([...socket.writes[0]]).toEqual([...Array(50).keys()]);
    expect(socket.writes[1]).toBe(big);
    expect([...socket.writes[2]]).toEqual([99]);
  });

  it('writes at once when 64 KiB are queued, and checks the overflow limit only at the tick', async () => {
    const socket = new FakeSocket();
    let overflows = 0;
    const out = outbound(socket, () => overflows++);
    socket.writableLength = 5000;
    out.write(Buffer.alloc(70 * 1024));
    expect(socket.writes).toHaveLength(1);
    expect(overflows).toBe(0);
    await tick();
    expect(overflows).toBe(1);
  });

  it('turns unwritable when the socket is full and writable again on drain', async () => {
    const socket = new FakeSocket();
    const out = outbound(socket);
    const drains: number[] = [];
    out.onDrain(() => drains.push(1));
    socket.accept = false;
    out.write(Buffer.from([1]));
    await tick();
    expect(out.writable).toBe(false);
    socket.emit('drain');
    expect(out.writable).toBe(true);
    expect(drains).toEqual([1]);
  });

  it('writes nothing to an ended socket, and an empty flush does not re-check the limit', async () => {
    const socket = new FakeSocket();
    let overflows = 0;
    const out = outbound(socket, () => {
      overflows++;
      out.flushNow(); // what ServerConnection.close does: must not recurse
    });
    socket.writableLength = 5000;
    out.write(Buffer.from([1]));
    out.flushNow();
    expect(overflows).toBe(1);
    socket.writableEnded = true;
    out.write(Buffer.from([2]));
    await tick();
    expect(socket.writes).toHaveLength(1);
  });
});
