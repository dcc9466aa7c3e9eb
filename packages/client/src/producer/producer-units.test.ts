import { describe, expect, it } from 'vitest';
import { parseBatch } from '@magnetar/protocol';
import { BatchContainer } from './batch-container.js';
import { resolveProducerConfig } from './config.js';
import { entryMetadata } from './message-metadata.js';
import { MessageRouter } from './router.js';
import type { SendCallback } from './types.js';

const noop: SendCallback = { resolve: () => undefined, reject: () => undefined };

describe('BatchContainer', () => {
  it('frames messages with SingleMessageMetadata and sequence ids', () => {
    const b = new BatchContainer(10, 1000);
    b.add({ data: Buffer.from('a'), properties: { p: '1' }, partitionKey: 'k' }, 5, noop);
    b.add({ data: Buffer.from('bb'), eventTimestamp: 42 }, 6, noop);
    const built = b.build('prod', 123);
    expect(b.isEmpty()).toBe(true);
    expect(built.metadata).toMatchObject({
      producer_name: 'prod',
      sequence_id: 5,
      publish_time: 123,
      num_messages_in_batch: 2,
    });
    expect(built.highestSequenceId).toBe(6);
    const parsed = parseBatch(built.payload, 2);
    expect(parsed.map((m) => m.payload.toString())).toEqual(['a', 'bb']);
    expect(parsed[0].metadata).toMatchObject({ partition_key: 'k', sequence_id: 5, payload_size: 1 });
    expect(parsed[1].metadata).toMatchObject({ event_time: 42, sequence_id: 6 });
  });

  it('reports when it is full by count or by bytes', () => {
    const b = new BatchContainer(2, 10);
    expect(b.hasRoomFor({ data: Buffer.alloc(50) })).toBe(true); // an empty batch takes anything
    b.add({ data: Buffer.alloc(6) }, 0, noop);
    expect(b.hasRoomFor({ data: Buffer.alloc(5) })).toBe(false);
    expect(b.hasRoomFor({ data: Buffer.alloc(4) })).toBe(true);
    b.add({ data: Buffer.alloc(4) }, 1, noop);
    expect(b.isFull()).toBe(true);
  });
});

describe('MessageRouter', () => {
  const base = {
    batchingEnabled: true,
    batchingMaxMessages: 3,
    batchingMaxPublishDelayMs: 1000,
    random: () => 0,
  };

  it('routes keys by JavaStringHash or Murmur3 and ignores the mode for keyed messages', () => {
    const java = new MessageRouter(
      { ...base, mode: 'RoundRobinPartition', hashingScheme: 'JavaStringHash' },
      7,
    );
    // Java String.hashCode: h = 31 * h + c over the characters.
    const h = [...'key-1'].reduce((acc, c) => (Math.imul(acc, 31) + c.charCodeAt(0)) | 0, 0) & 0x7fffffff;
    expect(java.choose({ data: Buffer.alloc(0), partitionKey: 'key-1' }, 7)).toBe(h % 7);
    const murmur = new MessageRouter(
      { ...base, mode: 'SinglePartition', hashingScheme: 'Murmur3_32Hash' },
      7,
    );
    const p = murmur.choose({ data: Buffer.alloc(0), partitionKey: 'key-1' }, 7);
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(7);
  });

  it('round-robins unkeyed messages one batch at a time', () => {
    const now = 0;
    const r = new MessageRouter(
      { ...base, mode: 'RoundRobinPartition', hashingScheme: 'JavaStringHash', now: () => now },
      3,
    );
    const picks = Array.from({ length: 9 }, () => r.choose({ data: Buffer.alloc(0) }, 3));
    expect(picks).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
  });

  it('sticks to one partition in SinglePartition mode', () => {
    const r = new MessageRouter(
      { ...base, mode: 'SinglePartition', hashingScheme: 'JavaStringHash', random: () => 0.5 },
      4,
    );
    const picks = new Set(Array.from({ length: 20 }, () => r.choose({ data: Buffer.alloc(0) }, 4)));
    expect([...picks]).toEqual([2]);
  });
});

describe('resolveProducerConfig', () => {
  it('applies the documented defaults and rejects bad values', () => {
    const cfg = resolveProducerConfig({ topic: 't' });
    expect(cfg).toMatchObject({
      sendTimeoutMs: 30_000,
      maxPendingMessages: 1000,
      blockIfQueueFull: true,
      batchingEnabled: true,
      batchingMaxMessages: 1000,
      batchingMaxAllowedSizeInBytes: 131072,
      batchingMaxPublishDelayMs: 10,
      compressionType: 0,
    });
    expect(() => resolveProducerConfig({ topic: 't', maxPendingMessages: 0 })).toThrow(/maxPendingMessages/);
    expect(() => resolveProducerConfig({ topic: '' })).toThrow(/topic/);
  });
});

describe('entryMetadata', () => {
  it('sets deliver_at_time from deliverAfter or deliverAt', () => {
    const after = entryMetadata({ data: Buffer.alloc(1), deliverAfter: 5000 }, 'p', 3, 1_000);
    expect(after).toMatchObject({
      producer_name: 'p',
      sequence_id: 3,
      publish_time: 1_000,
      deliver_at_time: 6_000,
    });
    expect(entryMetadata({ data: Buffer.alloc(1), deliverAt: 42 }, 'p', 0, 1).deliver_at_time).toBe(42);
    expect(entryMetadata({ data: Buffer.alloc(1) }, 'p', 0, 1).deliver_at_time).toBeUndefined();
  });
});
