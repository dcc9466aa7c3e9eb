import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { javaStringHash, javaStringHashBytes, murmur3_32, stickyKeyHashSlot, stickyKeyOf } from './hash.js';
import { fixturePath } from '../../../../test/fixtures/fixtures.js';

interface Vector {
  key: string;
  key_utf8_hex: string;
  murmur3_32: number;
  key_shared_slot_consistent_hashing: number;
  key_shared_slot_sticky_ranges: number;
  java_string_hash_java: number;
  java_string_hash_bytes_cpp_go: number;
  partition_of_4_murmur: number;
  partition_of_4_java: number;
  partition_of_7_java: number;
}

const { vectors } = JSON.parse(readFileSync(fixturePath('hash-vectors.json'), 'utf8')) as {
  vectors: Vector[];
};

describe('hash vectors from the official clients', () => {
  it('covers ASCII and non-ASCII keys', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(20);
    expect(vectors.some((v) => Buffer.byteLength(v.key) > v.key.length)).toBe(true);
  });

  it.each(vectors.map((v) => [v.key, v] as const))('%j', (_key, v) => {
    const bytes = Buffer.from(v.key_utf8_hex, 'hex');
    expect(Buffer.from(v.key, 'utf8')).toEqual(bytes);
    expect(murmur3_32(v.key)).toBe(v.murmur3_32);
    expect(murmur3_32(bytes)).toBe(v.murmur3_32);
    expect(stickyKeyHashSlot(murmur3_32(bytes))).toBe(v.key_shared_slot_consistent_hashing);
    expect(murmur3_32(bytes) % 65536).toBe(v.key_shared_slot_sticky_ranges);
    expect(javaStringHash(v.key)).toBe(v.java_string_hash_java);
    expect(javaStringHashBytes(bytes)).toBe(v.java_string_hash_bytes_cpp_go);
    expect(javaStringHashBytes(v.key)).toBe(v.java_string_hash_bytes_cpp_go);
    expect(murmur3_32(bytes) % 4).toBe(v.partition_of_4_murmur);
    expect(javaStringHash(v.key) % 4).toBe(v.partition_of_4_java);
    expect(javaStringHash(v.key) % 7).toBe(v.partition_of_7_java);
  });
});

describe('stickyKeyOf', () => {
  const base = { producer_name: 'p', sequence_id: 0, publish_time: 0 };

  it('prefers ordering_key over partition_key', () => {
    const key = stickyKeyOf({ ...base, ordering_key: Buffer.from([1, 2]), partition_key: 'k' });
    expect(key).toEqual(Buffer.from([1, 2]));
  });

  it('uses partition_key as UTF-8, or base64-decoded when flagged', () => {
    expect(stickyKeyOf({ ...base, partition_key: 'été' })).toEqual(Buffer.from('été'));
    expect(stickyKeyOf({ ...base, partition_key: 'AQID', partition_key_b64_encoded: true })).toEqual(
      Buffer.from([1, 2, 3]),
    );
  });

  it('falls back to NONE_KEY', () => {
    expect(stickyKeyOf(base).toString()).toBe('NONE_KEY');
    const none = vectors.find((v) => v.key === 'NONE_KEY')!;
    expect(stickyKeyHashSlot(murmur3_32(stickyKeyOf(base)))).toBe(none.key_shared_slot_consistent_hashing);
  });

  it('accepts a plain Uint8Array ordering key', () => {
    expect(stickyKeyOf({ ...base, ordering_key: new Uint8Array([9]) })).toEqual(Buffer.from([9]));
  });
});
