/**
 * Micro-benchmarks of whole frames on the hot path: a producer writing a SEND frame (command,
 * metadata, CRC32C over 1 KiB), the broker cutting 100 such frames out of one socket chunk, the
 * broker writing a MESSAGE header in front of a stored entry, and batch/compression round trips.
 * Run with `npx vitest bench --run packages/protocol`; figures are ops/s (hz).
 */
import { bench, describe } from 'vitest';
import type { BaseCommand, MessageMetadata } from '../src/index.js';
import {
  CommandType,
  CompressionType,
  FrameDecoder,
  compress,
  crc32c,
  decompress,
  parseBatch,
  parseFrame,
  serializeBatch,
  serializeCommandHeader,
  serializePayloadCommand,
} from '../src/index.js';

const send: BaseCommand = { type: CommandType.SEND, send: { producer_id: 3, sequence_id: 1_234_567 } };
const metadata: MessageMetadata = {
  producer_name: 'standalone-0-42',
  sequence_id: 1_234_567,
  publish_time: 1_795_659_413_886,
  partition_key: 'key-7',
};
const payload = Buffer.alloc(1024, 'lorem ipsum ');
const frame = serializePayloadCommand(send, metadata, payload);
const hundredFrames = Buffer.concat(Array.from({ length: 100 }, () => frame));
const entry = parseFrame(frame).payload!.headersAndPayload;
const message: BaseCommand = {
  type: CommandType.MESSAGE,
  message: { consumer_id: 9, message_id: { ledgerId: 17, entryId: 123_456 } },
};
const batch = serializeBatch(
  Array.from({ length: 10 }, (_, i) => ({
    metadata: { payload_size: 0, sequence_id: i },
    payload: payload.subarray(0, 100),
  })),
);
const lz4Batch = compress(CompressionType.LZ4, batch);

describe('frames', () => {
  bench('serializePayloadCommand SEND + 1 KiB (with CRC32C)', () => {
    serializePayloadCommand(send, metadata, payload);
  });
  bench('FrameDecoder: 100 SEND frames from one chunk (per chunk)', () => {
    const decoder = new FrameDecoder();
    decoder.push(hundredFrames);
    while (decoder.next() !== null);
  });
  bench('serializeCommandHeader MESSAGE', () => {
    serializeCommandHeader(message, entry.length);
  });
  bench('crc32c 1 KiB', () => {
    crc32c(payload);
  });
});

describe('batches and compression', () => {
  bench('parseBatch 10 x 100 B', () => {
    parseBatch(batch, 10);
  });
  bench('LZ4 decompress 10-message batch', () => {
    decompress(CompressionType.LZ4, lz4Batch, batch.length);
  });
});
