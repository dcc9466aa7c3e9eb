import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeBaseCommand,
  decodeBrokerEntryMetadata,
  decodeMessageIdData,
  decodeMessageMetadata,
  decodeSingleMessageMetadata,
  encodeBaseCommand,
  encodeBrokerEntryMetadata,
  encodeMessageIdData,
  encodeMessageMetadata,
  encodeSingleMessageMetadata,
} from './messages.js';
import { CommandType, ENUMS, commandTypeName } from './schema/enums.js';
import { descriptorOf } from './schema/registry.js';
import type { MessageDescriptor } from './wire/descriptor.js';
import { K } from './wire/descriptor.js';
import { messageArbitrary } from './wire/testing/arbitrary.js';

/**
 * The typed codec entry points, checked against frames captured from the official C++ client and
 * from pulsar-flex (test/fixtures/frames/captured.jsonl): the command and metadata sections
 * of every frame must decode to the capture's own `decoded` JSON and re-encode to the same bytes.
 * Framing, checksums and batches have their own tests in frame/, batch and compression.
 */

interface Captured {
  client: string;
  scenario: string;
  command: string;
  frame_hex: string;
  decoded: Record<string, unknown>;
}

const CAPTURED: Captured[] = readFileSync(
  new URL('../../../test/fixtures/frames/captured.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Captured);

/** Turns the capture's JSON conventions (enum names, hex bytes, big uint64 strings) into ours. */
function expected(desc: MessageDescriptor, json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(json)) {
    const f = desc.fields.find((x) => x.name === key);
    if (f === undefined) throw new Error(`${desc.name} has no field ${key}`);
    const convert = (v: unknown): unknown => {
      if (f.kind === K.message) return expected(f.message!, v as Record<string, unknown>);
      if (f.kind === K.enum && typeof v === 'string') return ENUMS[f.ref!][v];
      if (f.kind === K.bytes) return Buffer.from(v as string, 'hex');
      if (typeof v === 'string' && f.kind !== K.string) return Number(BigInt.asIntN(64, BigInt(v)));
      return v;
    };
    out[key] = f.repeated ? (raw as unknown[]).map(convert) : convert(raw);
  }
  return out;
}

function sections(frameHex: string) {
  const frame = Buffer.from(frameHex, 'hex');
  const commandSize = frame.readUInt32BE(4);
  const command = frame.subarray(8, 8 + commandSize);
  const rest = frame.subarray(8 + commandSize);
  if (rest.length === 0) return { command };
  const metaStart = rest.readUInt16BE(0) === 0x0e01 ? 6 : 0;
  const metadataSize = rest.readUInt32BE(metaStart);
  return { command, metadata: rest.subarray(metaStart + 4, metaStart + 4 + metadataSize) };
}

const BASE = descriptorOf('BaseCommand');

describe('captured client frames (codec sections)', () => {
  it('the fixture holds every captured frame', () => {
    expect(CAPTURED.length).toBe(148);
  });

  it.each(CAPTURED.map((c, i) => [i, c.client.slice(0, 12), c.scenario, c.command, c] as const))(
    '#%i %s %s %s',
    (_i, _client, _scenario, command, c) => {
      const { command: commandBytes, metadata } = sections(c.frame_hex);
      const decoded = decodeBaseCommand(commandBytes);
      const field = BASE.byNumber[decoded.type]!.name;
      expect(commandTypeName(decoded.type)).toBe(command);
      const wanted = expected(BASE, { type: c.decoded.type, [field]: c.decoded[field] });
      expect(decoded).toEqual(wanted);
      // Both clients write fields in field-number order, so our encoding reproduces their bytes.
      expect(encodeBaseCommand(decoded).toString('hex')).toBe(commandBytes.toString('hex'));
      if (metadata !== undefined) {
        const meta = decodeMessageMetadata(metadata);
        const metaJson = c.decoded.metadata as Record<string, unknown>;
        expect(meta).toEqual(expected(descriptorOf('MessageMetadata'), metaJson));
        expect(encodeMessageMetadata(meta).equals(metadata)).toBe(true);
      }
    },
  );

  it('reads the C++ reader’s start_message_id (uint64 max) as -1/-1, i.e. MessageId.earliest', () => {
    const reader = CAPTURED.find((c) => c.command === 'SUBSCRIBE' && c.scenario.startsWith('A9'))!;
    const decoded = decodeBaseCommand(sections(reader.frame_hex).command);
    expect(decoded.subscribe?.start_message_id).toEqual({ ledgerId: -1, entryId: -1 });
  });
});

describe('typed entry points', () => {
  const byType = Object.entries(CommandType).map(([name, type]) => [name, type] as const);

  it.each(byType)('BaseCommand %s round-trips with its sub-command', (_name, type) => {
    const field = BASE.byNumber[type]!;
    fc.assert(
      fc.property(messageArbitrary(field.message!), (sub) => {
        const cmd = { type, [field.name]: sub };
        expect(decodeBaseCommand(encodeBaseCommand(cmd))).toEqual(cmd);
      }),
      { numRuns: 25 },
    );
  });

  it('MessageMetadata, SingleMessageMetadata, BrokerEntryMetadata and MessageIdData round-trip', () => {
    const pairs = [
      ['MessageMetadata', encodeMessageMetadata, decodeMessageMetadata],
      ['SingleMessageMetadata', encodeSingleMessageMetadata, decodeSingleMessageMetadata],
      ['BrokerEntryMetadata', encodeBrokerEntryMetadata, decodeBrokerEntryMetadata],
      ['MessageIdData', encodeMessageIdData, decodeMessageIdData],
    ] as const;
    for (const [name, encode, decode] of pairs) {
      fc.assert(
        fc.property(messageArbitrary(descriptorOf(name)), (value) => {
          // The casts are safe: the arbitrary is generated from the same schema as the types.
          const bytes = (encode as (v: unknown) => Buffer)(value);
          expect((decode as (b: Buffer) => unknown)(bytes)).toEqual(value);
        }),
        { numRuns: 200 },
      );
    }
  });

  it('decodes a sub-range of a larger buffer without reading outside it', () => {
    const flow = encodeBaseCommand({
      type: CommandType.FLOW,
      flow: { consumer_id: 7, messagePermits: 1000 },
    });
    const padded = Buffer.concat([Buffer.from([0xff, 0xff]), flow, Buffer.from([0xff])]);
    expect(decodeBaseCommand(padded, 2, 2 + flow.length)).toEqual({
      type: CommandType.FLOW,
      flow: { consumer_id: 7, messagePermits: 1000 },
    });
  });
});
