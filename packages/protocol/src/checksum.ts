import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/**
 * CRC32C (Castagnoli), as Pulsar carries after the 0x0e01 magic. Returns an unsigned 32-bit value.
 * `initial` continues a running checksum over several pieces: crc32c(b, crc32c(a)) equals the
 * checksum of a followed by b.
 */
export function crc32c(data: Uint8Array, initial?: number): number {
  return nativeCrc32c(data, initial ?? 0) >>> 0;
}
