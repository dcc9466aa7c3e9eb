import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COALESCE_MAX_FRAME_BYTES, coalesceFrames } from './coalesce.js';

describe('coalesceFrames', () => {
  it('keeps every byte in order, joins runs of small frames and passes large ones through (property)', () => {
    const size = fc.oneof(
      fc.integer({ min: 0, max: 200 }),
      fc.integer({ min: COALESCE_MAX_FRAME_BYTES - 2, max: COALESCE_MAX_FRAME_BYTES + 2 }),
      fc.integer({ min: 20_000, max: 70_000 }),
    );
    fc.assert(
      fc.property(fc.array(size, { maxLength: 30 }), (sizes) => {
        let n = 0;
        const frames = sizes.map((s) => {
          const b = Buffer.alloc(s);
          for (let i = 0; i < s; i++) b[i] = (n + i) & 0xff;
          n += s;
          return b;
        });
        const out = coalesceFrames(frames);
        expect(Buffer.concat(out).equals(Buffer.concat(frames))).toBe(true);
        // Large frames are handed over as they are.
        for (const f of frames) if (f.length > COALESCE_MAX_FRAME_BYTES) expect(out).toContain(f);
        // A run of small frames always becomes one piece: two small pieces are never adjacent.
        for (let i = 1; i < out.length; i++) {
          const bothSmall =
            out[i].length <= COALESCE_MAX_FRAME_BYTES && out[i - 1].length <= COALESCE_MAX_FRAME_BYTES;
          expect(bothSmall).toBe(false);
        }
      }),
    );
  });

  it('returns a lone small frame as it is', () => {
    const one = Buffer.from([1, 2, 3]);
    expect(coalesceFrames([one])[0]).toBe(one);
    expect(coalesceFrames([])).toEqual([]);
  });
});
