import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBatch } from '../batch/batch.js';
import { decompress } from '../compression/compression.js';
import { descriptorOf } from '../schema/registry.js';
import { ENUMS } from '../schema/enums.js';
import type { MessageDescriptor } from '../wire/descriptor.js';
import { FrameDecoder } from './decoder.js';
import { serializeCommand, serializePayloadCommand } from './serialize.js';
import type { Frame } from './types.js';
import { fixturePath } from '../../../../test/fixtures/fixtures.js';

/**
 * Every client→broker frame captured from the official C++ client and pulsar-flex
 * (test/fixtures/frames) must decode to the fields the capture recorded, through the
 * same FrameDecoder the broker uses, however the stream is chunked.
 */

interface Captured {
  client: string;
  scenario: string;
  command: string;
  frame_hex: string;
  decoded: Record<string, unknown>;
}

const FIXTURE = fixturePath('frames/captured.jsonl');
const captured: Captured[] = readFileSync(FIXTURE, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Captured);
const frameBytes = captured.map((c) => Buffer.from(c.frame_hex, 'hex'));

/** Keys of `decoded` that describe the payload rather than BaseCommand fields. */
const PAYLOAD_KEYS = new Set([
  'metadata',
  'checksum_ok',
  'checksum_hex',
  'payload_size',
  'payload_hex',
  'batch',
]);

/** Turns the capture's JSON value of one field into what our decoder yields. */
function expectedScalar(desc: MessageDescriptor, name: string, json: unknown): unknown {
  const f = desc.fields.find((x) => x.name === name);
  if (f === undefined) throw new Error(`${desc.name} has no field ${name}`);
  if (f.kindName === 'enum') return ENUMS[f.ref!][json as string];
  if (f.kindName === 'bytes') return Buffer.from(json as string, 'hex');
  if (f.kindName === 'message') return expectedMessage(f.message!, json as Record<string, unknown>);
  // 64-bit values beyond 2^53 are decimal strings in the capture; we read them as signed.
  if (typeof json === 'string' && /^(int|uint|sint|fixed|sfixed)64$/.test(f.kindName)) {
    return Number(BigInt.asIntN(64, BigInt(json)));
  }
  return json;
}

function expectedMessage(desc: MessageDescriptor, json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(json)) {
    out[name] = Array.isArray(value)
      ? value.map((v) => expectedScalar(desc, name, v))
      : expectedScalar(desc, name, value);
  }
  return out;
}

/** Decoded bytes are Buffers; compare them as Buffers, everything else structurally. */
function normalize(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}

const BASE = descriptorOf('BaseCommand');
const METADATA = descriptorOf('MessageMetadata');
const SINGLE = descriptorOf('SingleMessageMetadata');

function commandJson(c: Captured): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c.decoded).filter(([k]) => !PAYLOAD_KEYS.has(k)));
}

function checkFrame(c: Captured, frame: Frame): void {
  expect(normalize(frame.command)).toEqual(expectedMessage(BASE, commandJson(c)));
  const d = c.decoded;
  if (d.metadata === undefined) {
    expect(frame.payload).toBeUndefined();
    return;
  }
  const p = frame.payload!;
  expect(normalize(p.metadata)).toEqual(expectedMessage(METADATA, d.metadata as Record<string, unknown>));
  expect(p.checksumValid).toBe(d.checksum_ok);
  expect(p.checksum).toBe(parseInt(d.checksum_hex as string, 16));
  expect(p.payload.length).toBe(d.payload_size);
  expect(p.payload.subarray(0, 256).toString('hex')).toBe(d.payload_hex);
}

function decodeAll(chunks: Buffer[]): Frame[] {
  const decoder = new FrameDecoder();
  const frames: Frame[] = [];
  for (const chunk of chunks) {
    decoder.push(chunk);
    for (let f = decoder.next(); f !== null; f = decoder.next()) frames.push(f);
  }
  expect(decoder.bufferedBytes).toBe(0);
  return frames;
}

describe('captured client frames', () => {
  it('has the fixture', () => {
    expect(captured.length).toBeGreaterThan(100);
  });

  it.each(captured.map((c, i) => [i, c.scenario, c.command] as const))(
    'frame %i (%s %s) decodes to the captured fields',
    (i) => {
      const frames = decodeAll([frameBytes[i]]);
      expect(frames).toHaveLength(1);
      expect(frames[0].frameSize).toBe(frameBytes[i].length);
      checkFrame(captured[i], frames[0]);
    },
  );

  it('every SEND carries a valid CRC32C', () => {
    const sends = captured.filter((c) => c.command === 'SEND');
    expect(sends.length).toBe(13);
    for (const c of sends) expect(c.decoded.checksum_ok).toBe(true);
    const frames = decodeAll(sends.map((c) => Buffer.from(c.frame_hex, 'hex')));
    for (const f of frames) expect(f.payload!.checksumValid).toBe(true);
  });

  it('re-encodes every frame to the same bytes', () => {
    // Both clients write fields in field-number order, so protoc-style encoding reproduces them,
    // including the C++ reader's start_message_id of uint64 -1 (10-byte varints).
    const frames = decodeAll(frameBytes);
    frames.forEach((frame, i) => {
      const again =
        frame.payload === undefined
          ? serializeCommand(frame.command)
          : serializePayloadCommand(frame.command, frame.payload.metadataBytes, frame.payload.payload, {
              checksum: frame.payload.checksum !== undefined,
            });
      expect(again.toString('hex'), `frame ${i} ${captured[i].command}`).toBe(captured[i].frame_hex);
    });
  });

  it('decompresses and splits every batch as the capture recorded', () => {
    const batches = captured.filter((c) => c.decoded.batch !== undefined);
    expect(batches.length).toBeGreaterThanOrEqual(6);
    for (const c of batches) {
      const [frame] = decodeAll([Buffer.from(c.frame_hex, 'hex')]);
      const { metadata, payload } = frame.payload!;
      const raw = decompress(
        metadata.compression ?? 0,
        payload,
        metadata.uncompressed_size ?? payload.length,
      );
      const batch = c.decoded.batch as { uncompressed_size: number; messages: Record<string, unknown>[] };
      expect(raw.length).toBe(batch.uncompressed_size);
      const messages = parseBatch(raw, metadata.num_messages_in_batch ?? 1);
      expect(messages).toHaveLength(batch.messages.length);
      messages.forEach((m, j) => {
        const want = batch.messages[j];
        expect(normalize(m.metadata)).toEqual(
          expectedMessage(SINGLE, want.single_metadata as Record<string, unknown>),
        );
        expect(m.payload.toString('hex')).toBe(want.payload_hex);
      });
    }
  });
});

describe('captured stream chunking', () => {
  const stream = Buffer.concat(frameBytes);

  it('yields the same frames when fed one byte at a time', () => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) chunks.push(stream.subarray(i, i + 1));
    const frames = decodeAll(chunks);
    expect(frames).toHaveLength(captured.length);
    frames.forEach((f, i) => checkFrame(captured[i], f));
  });

  it('yields the same frames at random split points', () => {
    let seed = 12345;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 20; round++) {
      const chunks: Buffer[] = [];
      for (let pos = 0; pos < stream.length;) {
        const len = 1 + random(round % 2 === 0 ? 64 : 4096);
        chunks.push(stream.subarray(pos, pos + len));
        pos += len;
      }
      const frames = decodeAll(chunks);
      expect(frames).toHaveLength(captured.length);
      frames.forEach((f, i) => checkFrame(captured[i], f));
    }
  });

  it('yields every frame from one chunk holding the whole stream', () => {
    const frames = decodeAll([stream]);
    expect(frames.map((f) => f.frameSize)).toEqual(frameBytes.map((b) => b.length));
  });
});
