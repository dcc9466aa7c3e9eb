import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors.js';
import { parseEntry } from './payload.js';

describe('parseEntry on hostile input (property)', () => {
  it('returns a section or throws ProtocolError for any bytes', () => {
    const magic = fc.constantFrom([], [0x0e, 0x01], [0x0e, 0x02]);
    fc.assert(
      fc.property(magic, fc.uint8Array({ maxLength: 300 }), (prefix, bytes) => {
        try {
          const section = parseEntry(Buffer.from([...prefix, ...bytes]));
          expect(section.payload.length).toBeLessThanOrEqual(bytes.length);
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses an empty entry', () => {
    expect(() => parseEntry(Buffer.alloc(0))).toThrow(ProtocolError);
  });
});
