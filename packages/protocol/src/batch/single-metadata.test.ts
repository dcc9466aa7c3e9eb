/**
 * The hand-written SingleMessageMetadata codec against the generic descriptor codec (STYLE.md:
 * hand-written hot-path codecs stay behind one interface with the generic one, and agree with it):
 * the same bytes for every value, the same decoded object or the same refusal for any input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors.js';
import {
  SINGLE_MESSAGE_METADATA_DESCRIPTOR,
  decodeSingleMessageMetadata,
  encodeSingleMessageMetadata,
} from '../messages.js';
import type { SingleMessageMetadata } from '../schema/types-common.js';
import { messageArbitrary } from '../wire/testing/arbitrary.js';
import { readSingleMetadata, singleMetadataSize, writeSingleMetadata } from './single-metadata.js';

const metadataArb = messageArbitrary(
  SINGLE_MESSAGE_METADATA_DESCRIPTOR,
) as unknown as fc.Arbitrary<SingleMessageMetadata>;

function handEncode(m: SingleMessageMetadata): Buffer {
  const size = singleMetadataSize(m, m.payload_size);
  const buf = Buffer.alloc(size + 3, 0xaa);
  const end = writeSingleMetadata(m, m.payload_size, buf, 2);
  expect(end).toBe(2 + size);
  // Nothing written outside the promised range.
  expect([buf[0], buf[1], buf[end]]).toEqual([0xaa, 0xaa, 0xaa]);
  return buf.subarray(2, end);
}

/** Decodes with both codecs: the same object, or both refuse with MALFORMED_PROTOBUF. */
function decodeBoth(buf: Buffer): void {
  let generic: unknown;
  let genericErr: unknown;
  try {
    generic = decodeSingleMessageMetadata(buf, 0, buf.length);
  } catch (err) {
    genericErr = err;
  }
  if (genericErr !== undefined) {
    expect(genericErr).toBeInstanceOf(ProtocolError);
    let handErr: unknown;
    try {
      readSingleMetadata(buf, 0, buf.length);
    } catch (err) {
      handErr = err;
    }
    expect(handErr).toBeInstanceOf(ProtocolError);
    expect((handErr as ProtocolError).code).toBe((genericErr as ProtocolError).code);
    return;
  }
  expect(readSingleMetadata(buf, 0, buf.length)).toStrictEqual(generic);
}

describe('SingleMessageMetadata hand codec', () => {
  it("writes the generic codec's bytes (property)", () => {
    fc.assert(
      fc.property(metadataArb, (m) => {
        expect(handEncode(m).toString('hex')).toBe(encodeSingleMessageMetadata(m).toString('hex'));
      }),
      { numRuns: 500 },
    );
  });

  it('writes a given payload size instead of the one in the object, leaving the object alone', () => {
    const m: SingleMessageMetadata = { payload_size: 0, sequence_id: 7 };
    const buf = Buffer.alloc(singleMetadataSize(m, 1000));
    writeSingleMetadata(m, 1000, buf, 0);
    expect(decodeSingleMessageMetadata(buf)).toEqual({ payload_size: 1000, sequence_id: 7 });
    expect(m.payload_size).toBe(0);
  });

  it('decodes what the generic codec decodes, from its encodings (property)', () => {
    fc.assert(
      fc.property(metadataArb, (m) => decodeBoth(encodeSingleMessageMetadata(m))),
      { numRuns: 500 },
    );
  });

  it('agrees with the generic decoder on random and damaged bytes (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u)),
          fc.tuple(metadataArb, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([m, at, byte]) => {
            const b = Buffer.from(encodeSingleMessageMetadata(m));
            if (b.length > 0) b[at % b.length] = byte;
            return b;
          }),
          fc.tuple(metadataArb, fc.nat()).map(([m, cut]) => {
            const b = encodeSingleMessageMetadata(m);
            return b.subarray(0, cut % (b.length + 1));
          }),
        ),
        decodeBoth,
      ),
      { numRuns: 2000 },
    );
  });

  it('skips unknown fields and keeps the last value of a repeated scalar field', () => {
    // field 3 (payload_size) = 5, unknown field 15 (varint) = 1, field 3 again = 9, unknown 16 bytes "ab"
    const buf = Buffer.from([0x18, 5, 0x78, 1, 0x18, 9, 0x82, 0x01, 2, 0x61, 0x62]);
    decodeBoth(buf);
    expect(readSingleMetadata(buf, 0, buf.length)).toEqual({ payload_size: 9 });
  });
});
