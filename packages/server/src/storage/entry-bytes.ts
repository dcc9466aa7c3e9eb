/**
 * The one rule for how an entry's bytes are held once the broker keeps them (append pipeline,
 * entry cache, journal group): a Buffer whose backing ArrayBuffer is at most the entry's own bytes
 * plus `MAX_ENTRY_SLACK_BYTES`. A view into a larger shared buffer (a socket read, the frame
 * decoder's staging buffer) is copied once; anything already compact is kept as it is, so an entry
 * normally costs one copy between the socket and the disk, not three or four.
 */

/**
 * How many bytes beyond its own an entry may keep alive. Node cuts small Buffers (`Buffer.from`,
 * `allocUnsafe` under 4 KiB) out of shared 8 KiB slabs (`Buffer.poolSize`), so any copy of a small
 * entry already pins up to one slab; accepting that much slack means such a copy is never copied
 * again, while a 64 KiB socket chunk or a 16 KiB staging buffer around a small frame is.
 */
export const MAX_ENTRY_SLACK_BYTES = 8 * 1024;

/**
 * `data` as a Buffer holding at most its own bytes plus MAX_ENTRY_SLACK_BYTES: the same memory when
 * it already is (no copy), else a copy. The caller hands the bytes over: nobody may change them
 * afterwards (the frame decoder never writes into memory it has returned a view of).
 */
export function compactEntry(data: Uint8Array): Buffer {
  if (data.buffer.byteLength - data.length > MAX_ENTRY_SLACK_BYTES) return Buffer.from(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
}
