import { describe, expect, it } from 'vitest';
import { parseBatch } from '@magnetar/protocol';
import { ChunkMessageId, MessageId } from '../message-id.js';
import { chunkCallbacks, chunkCapacity, chunkMetadata, splitPayload } from './chunking.js';
import { resolveProducerConfig } from './config.js';
import { KeyBasedBatchContainer } from './key-based-batch-container.js';
import type { SendCallback } from './types.js';

const noop: SendCallback = { resolve: () => undefined, reject: () => undefined };

describe('chunking', () => {
  it('cuts a payload into views of at most the chunk size, in order', () => {
    const body = Buffer.from('abcdefghijk');
    expect(splitPayload(body, 4).map(String)).toEqual(['abcd', 'efgh', 'ijk']);
    expect(splitPayload(body, 11).map(String)).toEqual(['abcdefghijk']);
    expect(chunkCapacity(5 * 1024 * 1024, 100)).toBe(5 * 1024 * 1024 - 164);
  });

  it('adds the chunk fields to the message metadata', () => {
    const base = { producer_name: 'p', sequence_id: 7, publish_time: 1, partition_key: 'k' };
    expect(chunkMetadata(base, 'p-7', 2, 3, 99)).toEqual({
      ...base,
      uuid: 'p-7',
      chunk_id: 2,
      num_chunks_from_msg: 3,
      total_chunk_msg_size: 99,
    });
  });

  it('resolves the message once, with a chunk id naming every chunk, or rejects at the first failure', () => {
    const settled: unknown[] = [];
    const cbs = chunkCallbacks(3, { resolve: (id) => settled.push(id), reject: (e) => settled.push(e) });
    cbs.forEach((cb, i) => cb.resolve(new MessageId(4, 10 + i)));
    expect(settled).toHaveLength(1);
    const id = settled[0] as ChunkMessageId;
    expect(id).toBeInstanceOf(ChunkMessageId);
    expect(id.toString()).toBe('4:10:-1:-1-4:12:-1:-1');
    expect(id.entries().map(String)).toEqual(['4:10:-1:-1', '4:11:-1:-1', '4:12:-1:-1']);

    const failed: unknown[] = [];
    const more = chunkCallbacks(2, { resolve: (v) => failed.push(v), reject: (e) => failed.push(e) });
    more[0].reject(new Error('timeout'));
    more[1].resolve(new MessageId(1, 1));
    more[1].reject(new Error('again'));
    expect(failed).toHaveLength(1);
    expect(String(failed[0])).toMatch(/timeout/);
  });

  it('refuses batching together with chunking and turns batching off by default', () => {
    expect(resolveProducerConfig({ topic: 't', chunkingEnabled: true }).batchingEnabled).toBe(false);
    expect(() => resolveProducerConfig({ topic: 't', chunkingEnabled: true, batchingEnabled: true })).toThrow(
      /batching and chunking/,
    );
  });
});

describe('KeyBasedBatchContainer', () => {
  it('keeps one batch per key, frames them in sequence order and sets the entry key', () => {
    const c = new KeyBasedBatchContainer(100, 10_000);
    c.add({ data: Buffer.from('a0'), partitionKey: 'a' }, 0, noop);
    c.add({ data: Buffer.from('b1'), orderingKey: 'b' }, 1, noop);
    c.add({ data: Buffer.from('a2'), partitionKey: 'a' }, 2, noop);
    c.add({ data: Buffer.from('n3') }, 3, noop);
    c.add({ data: Buffer.from('b4'), partitionKey: 'b' }, 4, noop); // same sticky key as ordering key b
    expect(c.size).toBe(5);
    expect(c.keys).toBe(3);
    const built = c.buildAll('prod', 1);
    expect(c.isEmpty()).toBe(true);
    expect(built.map((b) => b.sequenceId)).toEqual([0, 1, 3]);
    const bodies = built.map((b) => parseBatch(b.payload, b.numMessages).map((m) => m.payload.toString()));
    expect(bodies).toEqual([['a0', 'a2'], ['b1', 'b4'], ['n3']]);
    expect(built[0].metadata.partition_key).toBe('a');
    expect(Buffer.from(built[1].metadata.ordering_key!).toString()).toBe('b');
    expect(built[2].metadata.partition_key).toBeUndefined();
  });

  it('applies the count and byte limits to all keys together', () => {
    const c = new KeyBasedBatchContainer(3, 10);
    c.add({ data: Buffer.alloc(4), partitionKey: 'x' }, 0, noop);
    c.add({ data: Buffer.alloc(4), partitionKey: 'y' }, 1, noop);
    expect(c.hasRoomFor({ data: Buffer.alloc(3), partitionKey: 'z' })).toBe(false);
    expect(c.hasRoomFor({ data: Buffer.alloc(2), partitionKey: 'z' })).toBe(true);
    c.add({ data: Buffer.alloc(1), partitionKey: 'z' }, 2, noop);
    expect(c.isFull()).toBe(true);
  });
});
