import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors.js';
import type { SingleMessageMetadata } from '../schema/types-common.js';
import { parseBatch, serializeBatch } from './batch.js';

const metadataArb: fc.Arbitrary<Omit<SingleMessageMetadata, 'payload_size'>> = fc.record(
  {
    properties: fc.array(fc.record({ key: fc.string(), value: fc.string() }), { minLength: 1, maxLength: 3 }),
    partition_key: fc.string(),
    event_time: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    ordering_key: fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => Buffer.from(b)),
    sequence_id: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    null_value: fc.boolean(),
  },
  { requiredKeys: [] },
);
const messagesArb = fc.array(
  fc.record({ metadata: metadataArb, payload: fc.uint8Array({ maxLength: 100 }) }),
  {
    maxLength: 20,
  },
);

function hex(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)),
  );
}

describe('batches', () => {
  it('round-trip and set payload_size (property)', () => {
    fc.assert(
      fc.property(messagesArb, (messages) => {
        const input = messages.map((m) => ({
          metadata: { ...m.metadata, payload_size: 0 },
          payload: m.payload,
        }));
        const parsed = parseBatch(serializeBatch(input), input.length);
        expect(parsed).toHaveLength(input.length);
        parsed.forEach((m, i) => {
          expect(m.metadata.payload_size).toBe(input[i].payload.length);
          expect(Buffer.from(m.payload)).toEqual(Buffer.from(input[i].payload));
          expect(hex({ ...m.metadata, payload_size: 0, ordering_key: m.metadata.ordering_key })).toEqual(
            hex({ ...input[i].metadata, payload_size: 0 }),
          );
        });
        // The caller's metadata objects are left alone.
        input.forEach((m) => expect(m.metadata.payload_size).toBe(0));
      }),
    );
  });

  it('refuses every truncation and wrong count with MALFORMED_BATCH (property)', () => {
    fc.assert(
      fc.property(
        messagesArb.filter((m) => m.length > 0),
        fc.nat(),
        fc.integer({ min: -2, max: 2 }),
        (messages, cut, delta) => {
          const input = messages.map((m) => ({
            metadata: { ...m.metadata, payload_size: 0 },
            payload: m.payload,
          }));
          const bytes = serializeBatch(input);
          const truncated = bytes.subarray(0, cut % bytes.length);
          expect(() => parseBatch(truncated, input.length)).toThrow(ProtocolError);
          if (delta !== 0) {
            try {
              parseBatch(bytes, input.length + delta);
              expect.unreachable('a wrong count must not parse');
            } catch (err) {
              expect((err as ProtocolError).code).toBe('MALFORMED_BATCH');
            }
          }
        },
      ),
    );
  });

  it('never throws anything but MALFORMED_BATCH on random bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 50 }), (bytes, count) => {
        try {
          parseBatch(Buffer.from(bytes), count);
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
          expect((err as ProtocolError).code).toBe('MALFORMED_BATCH');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a hostile message count before looping', () => {
    expect(() => parseBatch(Buffer.alloc(8), 1e9)).toThrow(/cannot fit/);
    expect(() => parseBatch(Buffer.alloc(8), -1)).toThrow(ProtocolError);
  });
});
