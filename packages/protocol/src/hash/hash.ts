import type { MessageMetadata } from '../schema/types-common.js';

/**
 * Hashes Pulsar clients and brokers agree on (facts file §2; hash-vectors.json checks them all).
 */

const encoder = new TextEncoder();

function bytesOf(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? encoder.encode(data) : data;
}

/**
 * MurmurHash3 x86_32 with seed 0, masked to 31 bits as Pulsar's Murmur3_32Hash does. Used for
 * Key_Shared slots and the Murmur3_32Hash partition routing.
 */
export function murmur3_32(data: Uint8Array | string): number {
  const bytes = bytesOf(data);
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = 0;
  const blocks = bytes.length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = bytes.length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2] << 16;
    if (tail >= 2) k ^= bytes[blocks + 1] << 8;
    k ^= bytes[blocks];
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & 0x7fffffff;
}

/** Java's String.hashCode over UTF-16 code units, & 0x7fffffff (the Java client's JavaStringHash). */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h & 0x7fffffff;
}

/**
 * The same formula over UTF-8 bytes taken as signed chars, as the C++ client computes it
 * (lib/JavaStringHash.cc). Equal to javaStringHash for ASCII keys only.
 */
export function javaStringHashBytes(data: Uint8Array | string): number {
  const bytes = bytesOf(data);
  let h = 0;
  for (let i = 0; i < bytes.length; i++) h = (Math.imul(31, h) + ((bytes[i] << 24) >> 24)) | 0;
  return h & 0x7fffffff;
}

/**
 * The Key_Shared slot of a murmur hash in Pulsar 4.x's consistent-hashing selector, range
 * [1, 65535] (StickyKeyConsumerSelectorUtils.makeStickyKeyHash). Sticky ranges use murmur % 65536.
 */
export function stickyKeyHashSlot(murmur: number): number {
  return (murmur % 65535) + 1;
}

const NONE_KEY = Buffer.from('NONE_KEY', 'latin1');

/**
 * The sticky key of an entry (Commands.peekStickyKey): ordering_key, else partition_key
 * (base64-decoded when partition_key_b64_encoded), else the bytes "NONE_KEY".
 */
export function stickyKeyOf(metadata: MessageMetadata): Buffer {
  const ordering = metadata.ordering_key;
  if (ordering !== undefined) {
    return Buffer.isBuffer(ordering)
      ? ordering
      : Buffer.from(ordering.buffer, ordering.byteOffset, ordering.length);
  }
  const key = metadata.partition_key;
  if (key !== undefined) {
    return metadata.partition_key_b64_encoded === true
      ? Buffer.from(key, 'base64')
      : Buffer.from(key, 'utf8');
  }
  return NONE_KEY;
}
