import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEntry } from '../frame/payload.js';
import { parseFrame } from '../frame/decoder.js';
import { serializePayloadCommand } from '../frame/serialize.js';
import { CommandType } from '../schema/enums.js';
import { descriptorOf } from '../schema/registry.js';
import type { MessageMetadata } from '../schema/types-common.js';
import { messageArbitrary } from '../wire/testing/arbitrary.js';
import { scanEntry } from './entry-scan.js';

/** Any MessageMetadata the schema allows (rare fields included), as a producer's SEND would store it. */
const metadataArb = messageArbitrary(
  descriptorOf('MessageMetadata'),
) as fc.Arbitrary<unknown> as fc.Arbitrary<MessageMetadata>;
const payloadArb = fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u));

function storedEntry(meta: MessageMetadata, payload: Buffer): Buffer {
  const frame = serializePayloadCommand(
    { type: CommandType.SEND, send: { producer_id: 1, sequence_id: 0 } },
    meta,
    payload,
  );
  return Buffer.from(parseFrame(frame).payload!.headersAndPayload);
}

/** What the dispatcher read from the full parse before the scanner existed. */
function viaParse(entry: Buffer) {
  let meta: MessageMetadata;
  try {
    meta = parseEntry(entry).metadata;
  } catch {
    return undefined;
  }
  return {
    numMessages: meta.num_messages_in_batch ?? 1,
    deliverAtTime: meta.deliver_at_time ?? 0,
    publishTime: meta.publish_time ?? 0,
  };
}

describe('scanEntry', () => {
  it('reads what the full parse reads, for any metadata', () => {
    fc.assert(
      fc.property(metadataArb, payloadArb, (meta, payload) => {
        const entry = storedEntry(meta, payload);
        expect(scanEntry(entry)).toEqual(viaParse(entry));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with the full parse wherever it succeeds on damaged bytes, and never throws', () => {
    fc.assert(
      fc.property(
        metadataArb,
        payloadArb,
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        (meta, payload, at, noise) => {
          const entry = storedEntry(meta, payload);
          const cut = entry.subarray(0, at % (entry.length + 1));
          const scribbled = Buffer.from(entry);
          scribbled.set(
            noise.subarray(0, Math.max(0, scribbled.length - (at % scribbled.length))),
            at % scribbled.length,
          );
          for (const bytes of [cut, scribbled]) {
            const full = viaParse(bytes);
            const scan = scanEntry(bytes);
            // The scanner skips fields it does not need without validating them, so it may read
            // an entry the full parse refuses, but never disagrees on one both read.
            if (full !== undefined && scan !== undefined) expect(scan).toEqual(full);
          }
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (u) => {
        expect(() => scanEntry(Buffer.from(u))).not.toThrow();
      }),
    );
  });

  it('reads a batch entry and a delayed one', () => {
    const batch = storedEntry(
      { producer_name: 'p', sequence_id: 1, publish_time: 1234, num_messages_in_batch: 100 },
      Buffer.alloc(10),
    );
    expect(scanEntry(batch)).toEqual({ numMessages: 100, deliverAtTime: 0, publishTime: 1234 });
    const delayed = storedEntry(
      { producer_name: 'p', sequence_id: 2, publish_time: 5, deliver_at_time: 2 ** 41 },
      Buffer.alloc(0),
    );
    expect(scanEntry(delayed)).toEqual({ numMessages: 1, deliverAtTime: 2 ** 41, publishTime: 5 });
    expect(scanEntry(Buffer.alloc(3))).toBeUndefined();
  });
});
