import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../checksum.js';
import { encodeBrokerEntryMetadata, encodeMessageMetadata } from '../messages.js';
import { CommandType } from '../schema/enums.js';
import type { MessageMetadata } from '../schema/types-common.js';
import { FrameDecoder, parseFrame } from './decoder.js';
import { parseEntry } from './payload.js';
import { serializeCommand, serializeCommandHeader, serializePayloadCommand } from './serialize.js';

const safeId = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const metadataArb: fc.Arbitrary<MessageMetadata> = fc.record(
  {
    producer_name: fc.string({ maxLength: 20 }),
    sequence_id: safeId,
    publish_time: safeId,
    properties: fc.array(fc.record({ key: fc.string(), value: fc.string() }), { maxLength: 3 }),
    partition_key: fc.string(),
    compression: fc.integer({ min: 0, max: 4 }),
    uncompressed_size: fc.integer({ min: 0, max: 0xffffffff }),
    num_messages_in_batch: fc.integer({ min: 1, max: 1000 }),
    ordering_key: fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b)),
    deliver_at_time: fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER }),
  },
  { requiredKeys: ['producer_name', 'sequence_id', 'publish_time'] },
);

function normalize(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))
        .map(([k, v]) => [k, normalize(v)]),
    );
  }
  return value;
}

function decodeOne(bytes: Buffer) {
  const decoder = new FrameDecoder();
  decoder.push(bytes);
  const frame = decoder.next();
  expect(decoder.bufferedBytes).toBe(0);
  return frame!;
}

describe('serializeCommand', () => {
  it('writes [totalSize][commandSize][command]', () => {
    const frame = serializeCommand({
      type: CommandType.FLOW,
      flow: { consumer_id: 3, messagePermits: 1000 },
    });
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    expect(frame.readUInt32BE(4)).toBe(frame.length - 8);
    expect(decodeOne(frame).command).toEqual({
      type: CommandType.FLOW,
      flow: { consumer_id: 3, messagePermits: 1000 },
    });
  });
});

describe('serializePayloadCommand', () => {
  it('round-trips any metadata and payload, with and without checksum (property)', () => {
    fc.assert(
      fc.property(
        safeId,
        safeId,
        metadataArb,
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
        fc.boolean(),
        (producerId, sequenceId, metadata, payload, checksum, preEncoded) => {
          const cmd = { type: CommandType.SEND, send: { producer_id: producerId, sequence_id: sequenceId } };
          const meta = preEncoded ? encodeMessageMetadata(metadata) : metadata;
          const bytes = serializePayloadCommand(cmd, meta, payload, { checksum });
          const frame = decodeOne(bytes);
          expect(frame.command).toEqual(cmd);
          const p = frame.payload!;
          expect(p.checksumValid).toBe(true);
          expect(p.checksum === undefined).toBe(!checksum);
          expect(normalize(p.metadata)).toEqual(normalize(metadata));
          expect(Buffer.from(p.payload)).toEqual(Buffer.from(payload));
          expect(p.metadataBytes).toEqual(encodeMessageMetadata(metadata));
          // The checksum covers metadataSize + metadata + payload.
          if (checksum) expect(p.checksum).toBe(crc32c(p.headersAndPayload.subarray(6)));
          // What the broker stores parses back to the same section.
          const entry = parseEntry(Buffer.from(p.headersAndPayload));
          expect(entry.checksum).toBe(p.checksum);
          expect(normalize(entry.metadata)).toEqual(normalize(p.metadata));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('serializeCommandHeader', () => {
  it('plus a stored entry equals a whole MESSAGE frame', () => {
    const send = serializePayloadCommand(
      { type: CommandType.SEND, send: { producer_id: 1, sequence_id: 7 } },
      { producer_name: 'p-1', sequence_id: 7, publish_time: 1795659413886 },
      Buffer.from('stored exactly as framed'),
    );
    const entry = decodeOne(send).payload!.headersAndPayload;
    const message = {
      type: CommandType.MESSAGE,
      message: { consumer_id: 4, message_id: { ledgerId: 12, entryId: 34 }, redelivery_count: 1 },
    };
    const header = serializeCommandHeader(message, entry.length);
    const frame = decodeOne(Buffer.concat([header, entry]));
    expect(frame.command).toEqual(message);
    expect(frame.payload!.checksumValid).toBe(true);
    expect(frame.payload!.payload.toString()).toBe('stored exactly as framed');
    expect(Buffer.concat([header, entry])).toEqual(
      serializePayloadCommand(
        message,
        decodeOne(send).payload!.metadataBytes,
        Buffer.from('stored exactly as framed'),
      ),
    );
  });

  it('refuses a negative payload length', () => {
    expect(() => serializeCommandHeader({ type: CommandType.PING, ping: {} }, -1)).toThrow(RangeError);
  });
});

describe('broker entry metadata (0x0e02)', () => {
  it('is parsed and left out of headersAndPayload', () => {
    const send = serializePayloadCommand(
      { type: CommandType.SEND, send: { producer_id: 1, sequence_id: 7 } },
      { producer_name: 'p', sequence_id: 7, publish_time: 5 },
      Buffer.from('x'),
    );
    const entry = parseFrame(send).payload!.headersAndPayload;
    const bem = encodeBrokerEntryMetadata({ broker_timestamp: 1795659413999, index: 41 });
    const prefix = Buffer.alloc(6);
    prefix.writeUInt16BE(0x0e02, 0);
    prefix.writeUInt32BE(bem.length, 2);
    const withBem = Buffer.concat([prefix, bem, entry]);
    const message = {
      type: CommandType.MESSAGE,
      message: { consumer_id: 1, message_id: { ledgerId: 1, entryId: 2 } },
    };
    const frame = decodeOne(Buffer.concat([serializeCommandHeader(message, withBem.length), withBem]));
    const p = frame.payload!;
    expect(p.brokerEntryMetadata).toEqual({ broker_timestamp: 1795659413999, index: 41 });
    expect(p.headersAndPayload).toEqual(entry);
    expect(p.checksumValid).toBe(true);
    expect(parseEntry(withBem).brokerEntryMetadata).toEqual({ broker_timestamp: 1795659413999, index: 41 });
  });
});
