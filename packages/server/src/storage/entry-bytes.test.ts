/** The bound on what an entry's buffer keeps alive (entry-bytes.ts). */
import { describe, expect, it } from 'vitest';
import { MAX_ENTRY_SLACK_BYTES, compactEntry } from './entry-bytes.js';

describe('compactEntry', () => {
  it('keeps a buffer that is (almost) all entry, without copying it', () => {
    const own = Buffer.allocUnsafeSlow(100_000).fill(1);
    expect(compactEntry(own)).toBe(own);
    // A frame that spanned socket reads: the decoder's buffer holds the frame header too.
    const frame = Buffer.allocUnsafeSlow(100_040).fill(2);
    const entry = frame.subarray(40);
    const kept = compactEntry(entry);
    expect(kept.buffer).toBe(frame.buffer);
    expect(kept.byteOffset).toBe(40);
    expect(kept.length).toBe(100_000);
  });

  it('copies a view into a larger shared buffer, so that it pins only its own bytes', () => {
    const chunk = Buffer.allocUnsafeSlow(64 * 1024).fill(3);
    chunk.fill(7, 1000, 1100);
    for (const view of [chunk.subarray(1000, 1100), chunk.subarray(0, 40_000)]) {
      const copy = compactEntry(view);
      expect(copy.buffer).not.toBe(chunk.buffer);
      expect(Buffer.compare(copy, view)).toBe(0);
      expect(copy.buffer.byteLength - copy.length).toBeLessThanOrEqual(MAX_ENTRY_SLACK_BYTES);
    }
  });

  it('accepts a plain Uint8Array and returns a Buffer over the same bytes', () => {
    const u = new Uint8Array([1, 2, 3]);
    const b = compactEntry(u);
    expect(Buffer.isBuffer(b)).toBe(true);
    expect(b.buffer).toBe(u.buffer);
    expect([...b]).toEqual([1, 2, 3]);
  });

  it('never returns a buffer with more slack than the bound, whatever it is given', () => {
    for (const total of [1, 100, 4096, 8192, 8193, 20_000, 70_000]) {
      const backing = Buffer.allocUnsafeSlow(total);
      for (const [from, to] of [
        [0, total],
        [0, 1],
        [Math.floor(total / 2), total],
      ]) {
        const out = compactEntry(backing.subarray(from, to));
        expect(out.buffer.byteLength - out.length).toBeLessThanOrEqual(MAX_ENTRY_SLACK_BYTES);
        expect(Buffer.compare(out, backing.subarray(from, to))).toBe(0);
      }
    }
  });
});
