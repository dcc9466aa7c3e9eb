import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageId } from '../message-id.js';
import {
  ChunkAssembler,
  type ChunkAction,
  type ChunkAssemblerOptions,
  type ChunkInfo,
} from './chunk-assembler.js';

function assembler(over: Partial<ChunkAssemblerOptions> = {}, clock = { now: 0 }) {
  return new ChunkAssembler({
    maxPendingMessages: 10,
    autoAckOldestOnFull: true,
    expireMs: 1000,
    now: () => clock.now,
    brokenChunks: () => 'ack',
    ...over,
  });
}

/** The chunks of one message: `payload` cut into `sizes`-long pieces, stored at entries from `firstEntry`. */
function chunksOf(uuid: string, payload: Buffer, size: number, firstEntry: number): ChunkInfo[] {
  const n = Math.max(1, Math.ceil(payload.length / size));
  return Array.from({ length: n }, (_, i) => ({
    uuid,
    chunkId: i,
    numChunks: n,
    totalSize: payload.length,
    id: new MessageId(1, firstEntry + i),
    payload: payload.subarray(i * size, (i + 1) * size),
    publishTime: 0,
  }));
}

const idsOf = (actions: ChunkAction[], type: ChunkAction['type']) =>
  actions.filter((a) => a.type === type).flatMap((a) => a.ids.map(String));

describe('ChunkAssembler', () => {
  it('joins the chunks of a message in order and reports every chunk id', () => {
    const a = assembler();
    const payload = Buffer.from('abcdefghij');
    const chunks = chunksOf('p-1', payload, 4, 10);
    expect(a.add(chunks[0])).toEqual([]);
    expect(a.add(chunks[1])).toEqual([]);
    const [done] = a.add(chunks[2]);
    expect(done).toMatchObject({ type: 'complete' });
    expect(done.type === 'complete' && done.payload.toString()).toBe('abcdefghij');
    expect(done.ids.map(String)).toEqual(['1:10:-1:-1', '1:11:-1:-1', '1:12:-1:-1']);
    expect(a.pendingMessages).toBe(0);
  });

  it('acknowledges a chunk without its first chunk, and a stored duplicate chunk', () => {
    const a = assembler();
    const chunks = chunksOf('p-2', Buffer.from('0123456789'), 4, 0);
    expect(a.add(chunks[1])).toMatchObject([{ type: 'ack', reason: 'chunk without its first chunk' }]);
    a.add(chunks[0]);
    a.add(chunks[1]);
    // The producer resent chunk 1 after a reconnect: a second stored copy, at another entry.
    const copy = { ...chunks[1], id: new MessageId(1, 99) };
    expect(a.add(copy)).toMatchObject([{ type: 'ack', ids: [copy.id] }]);
    // The broker redelivering the entry we hold is not a duplicate to acknowledge.
    expect(a.add(chunks[1])).toEqual([]);
    expect(a.add(chunks[2])[0].type).toBe('complete');
  });

  it('expires an incomplete message after expireMs and acknowledges its chunks', () => {
    const clock = { now: 0 };
    const a = assembler({ expireMs: 500 }, clock);
    const chunks = chunksOf('p-3', Buffer.alloc(30), 10, 5);
    a.add(chunks[0]);
    a.add(chunks[1]);
    clock.now = 499;
    expect(a.expire()).toEqual([]);
    clock.now = 500;
    expect(idsOf(a.expire(), 'ack')).toEqual(['1:5:-1:-1', '1:6:-1:-1']);
    expect(a.pendingMessages).toBe(0);
    // The last chunk arriving late is now an orphan.
    expect(a.add(chunks[2])[0]).toMatchObject({ type: 'ack', ids: [chunks[2].id] });
  });

  it('evicts the oldest message when maxPendingMessages are in progress', () => {
    const acked = assembler({ maxPendingMessages: 2, autoAckOldestOnFull: true });
    const redelivered = assembler({ maxPendingMessages: 2, autoAckOldestOnFull: false });
    for (const a of [acked, redelivered]) {
      a.add(chunksOf('m1', Buffer.alloc(4), 2, 0)[0]);
      a.add(chunksOf('m2', Buffer.alloc(4), 2, 10)[0]);
    }
    expect(acked.add(chunksOf('m3', Buffer.alloc(4), 2, 20)[0])).toMatchObject([
      { type: 'ack', ids: [new MessageId(1, 0)] },
    ]);
    expect(redelivered.add(chunksOf('m3', Buffer.alloc(4), 2, 20)[0])).toMatchObject([
      { type: 'redeliver', ids: [new MessageId(1, 0)] },
    ]);
    expect(acked.pendingMessages).toBe(2);
  });

  it('drops a message with a gap, or whose chunk sizes do not add up', () => {
    const a = assembler({ brokenChunks: () => 'redeliver' });
    const chunks = chunksOf('gap', Buffer.alloc(30), 10, 0);
    a.add(chunks[0]);
    expect(a.add(chunks[2])).toMatchObject([{ type: 'redeliver', reason: 'chunk out of sequence' }]);
    const lying = chunksOf('size', Buffer.alloc(20), 10, 50).map((c) => ({ ...c, totalSize: 25 }));
    a.add(lying[0]);
    expect(a.add(lying[1])).toMatchObject([
      { type: 'ack', reason: 'chunk sizes do not add up to the total' },
    ]);
  });

  /**
   * Conservation: whatever order chunks arrive in (interleaved messages, missing chunks, chunks of
   * unknown messages, time passing), every entry handed in is, in the end, part of exactly one
   * action — delivered, acknowledged or redelivered — so the subscription never keeps an ack hole;
   * and the number of messages in progress never exceeds the limit.
   */
  it('accounts for every chunk exactly once and stays within its limits', () => {
    const message = fc.record({
      size: fc.integer({ min: 1, max: 40 }),
      chunk: fc.integer({ min: 1, max: 12 }),
      keep: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    });
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: 60 }),
        (messages, maxPending, autoAck, order) => {
          const clock = { now: 0 };
          const a = assembler(
            { maxPendingMessages: maxPending, autoAckOldestOnFull: autoAck, expireMs: 50 },
            clock,
          );
          let entry = 0;
          // Each message's chunks, some dropped (a lost chunk 0 makes the rest orphans).
          const streams = messages.map((m, i) =>
            chunksOf(`m${i}`, Buffer.alloc(m.size, i), m.chunk, (entry += 100)).filter(
              (_, c) => m.keep[c % 4] || c > 3,
            ),
          );
          const fed: string[] = [];
          const seen: string[] = [];
          for (const pick of order) {
            const live = streams.filter((s) => s.length > 0);
            if (live.length === 0) break;
            const chunk = live[pick % live.length].shift()!;
            fed.push(chunk.id.toString());
            clock.now += pick % 7;
            for (const act of [...a.add(chunk), ...a.expire()]) seen.push(...act.ids.map(String));
            expect(a.pendingMessages).toBeLessThanOrEqual(maxPending);
          }
          clock.now += 1000;
          for (const act of a.expire()) seen.push(...act.ids.map(String));
          expect(a.pendingMessages).toBe(0);
          expect([...seen].sort()).toEqual([...fed].sort());
        },
      ),
    );
  });

  it('rebuilds every interleaved message byte for byte when nothing is lost', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 64 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 16 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 200 }),
        (payloads, chunkSize, order) => {
          const a = assembler({ maxPendingMessages: payloads.length });
          const streams = payloads.map((p, i) => chunksOf(`u${i}`, Buffer.from(p), chunkSize, i * 1000));
          const rebuilt = new Map<number, Buffer>();
          let k = 0;
          while (streams.some((s) => s.length > 0)) {
            const live = streams.filter((s) => s.length > 0);
            const chunk = live[order[k++ % order.length] % live.length].shift()!;
            for (const act of a.add(chunk)) {
              expect(act.type).toBe('complete');
              if (act.type === 'complete') rebuilt.set(Number(chunk.uuid.slice(1)), act.payload);
            }
          }
          expect(rebuilt.size).toBe(payloads.length);
          payloads.forEach((p, i) => expect(rebuilt.get(i)?.equals(Buffer.from(p))).toBe(true));
        },
      ),
    );
  });
});
