/**
 * The hand-written codecs of the hot commands against the generic descriptor codec (STYLE.md:
 * hand-written hot-path codecs stay behind one interface with the generic one, and agree with it):
 * the same bytes for every command they accept, the same decoded object (or a hand-over to the
 * generic decoder) for valid, truncated, damaged and random input, and the generic result through
 * the public serialize/parse functions whichever codec ran.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFrame } from '../frame/decoder.js';
import { serializeCommand, serializeCommandHeader, serializePayloadCommand } from '../frame/serialize.js';
import { decodeBaseCommand, encodeBaseCommand } from '../messages.js';
import { CommandType } from '../schema/enums.js';
import { descriptorOf } from '../schema/registry.js';
import type { BaseCommand } from '../schema/types-base.js';
import { messageArbitrary } from '../wire/testing/arbitrary.js';
import { decodeHotCommand } from './decode.js';
import { hotCommandSize, writeHotCommand } from './encode.js';

const HOT: [number, string, string][] = [
  [CommandType.SEND, 'send', 'CommandSend'],
  [CommandType.SEND_RECEIPT, 'send_receipt', 'CommandSendReceipt'],
  [CommandType.MESSAGE, 'message', 'CommandMessage'],
  [CommandType.ACK, 'ack', 'CommandAck'],
  [CommandType.FLOW, 'flow', 'CommandFlow'],
];

/** Any hot command, its sub-command drawn from the whole schema (rare fields included). */
const hotCommandArb: fc.Arbitrary<BaseCommand> = fc.oneof(
  ...HOT.map(([type, field, name]) =>
    messageArbitrary(descriptorOf(name)).map((sub) => ({ type, [field]: sub }) as unknown as BaseCommand),
  ),
);

/** The same, shaped as our broker and client send them: only the fields the hand codec takes. */
const id = fc.record(
  {
    ledgerId: fc.nat(),
    entryId: fc.nat(),
    partition: fc.integer({ min: -1, max: 100 }),
    batch_index: fc.integer({ min: -1, max: 1000 }),
    ack_set: fc.array(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), {
      maxLength: 3,
    }),
    batch_size: fc.nat(1000),
  },
  { requiredKeys: ['ledgerId', 'entryId'] },
);
const u64 = fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constant(-1));
const commonArb: fc.Arbitrary<BaseCommand> = fc.oneof(
  fc
    .record(
      {
        producer_id: u64,
        sequence_id: u64,
        num_messages: fc.nat(),
        highest_sequence_id: u64,
        is_chunk: fc.boolean(),
      },
      { requiredKeys: ['producer_id', 'sequence_id'] },
    )
    .map((send) => ({ type: CommandType.SEND, send }) as BaseCommand),
  fc
    .record(
      { producer_id: u64, sequence_id: u64, message_id: id, highest_sequence_id: u64 },
      { requiredKeys: ['producer_id', 'sequence_id'] },
    )
    .map((send_receipt) => ({ type: CommandType.SEND_RECEIPT, send_receipt }) as BaseCommand),
  fc
    .record(
      {
        consumer_id: u64,
        message_id: id,
        redelivery_count: fc.nat(),
        ack_set: fc.array(u64, { maxLength: 3 }),
      },
      { requiredKeys: ['consumer_id', 'message_id'] },
    )
    .map((message) => ({ type: CommandType.MESSAGE, message }) as BaseCommand),
  fc
    .record(
      { consumer_id: u64, ack_type: fc.nat(1), message_id: fc.array(id, { maxLength: 5 }), request_id: u64 },
      { requiredKeys: ['consumer_id', 'ack_type'] },
    )
    .map((ack) => ({ type: CommandType.ACK, ack }) as BaseCommand),
  fc
    .record({ consumer_id: u64, messagePermits: fc.nat() })
    .map((flow) => ({ type: CommandType.FLOW, flow }) as BaseCommand),
);

/** The hand encoding of `cmd`, or undefined when it hands the command to the generic codec. */
function handEncode(cmd: BaseCommand): Buffer | undefined {
  const size = hotCommandSize(cmd);
  if (size < 0) return undefined;
  const buf = Buffer.alloc(size + 3, 0xaa);
  const end = writeHotCommand(buf, 2);
  expect(end).toBe(2 + size);
  expect([buf[0], buf[1], buf[end]]).toEqual([0xaa, 0xaa, 0xaa]);
  return buf.subarray(2, end);
}

/** Whatever the hand decoder returns must be what the generic decoder returns. */
function decodeAgrees(buf: Buffer, start = 0, end = buf.length): 'hand' | 'generic' {
  const hand = decodeHotCommand(buf, start, end);
  if (hand === undefined) return 'generic';
  expect(hand).toStrictEqual(decodeBaseCommand(buf, start, end));
  return 'hand';
}

/** The frame the generic codec alone would write. */
function genericFrame(cmd: BaseCommand): Buffer {
  const body = encodeBaseCommand(cmd);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(4 + body.length, 0);
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

describe('hot command codecs', () => {
  it("write the generic codec's bytes for every hot command they accept (property)", () => {
    fc.assert(
      fc.property(hotCommandArb, (cmd) => {
        const hand = handEncode(cmd);
        if (hand) expect(hand.toString('hex')).toBe(encodeBaseCommand(cmd).toString('hex'));
        expect(serializeCommand(cmd).toString('hex')).toBe(genericFrame(cmd).toString('hex'));
      }),
      { numRuns: 2000 },
    );
  });

  it('take the commands as the broker and client send them, byte for byte (property)', () => {
    fc.assert(
      fc.property(commonArb, (cmd) => {
        const hand = handEncode(cmd);
        expect(hand).toBeDefined();
        expect(hand!.toString('hex')).toBe(encodeBaseCommand(cmd).toString('hex'));
        expect(decodeAgrees(hand!)).toBe('hand');
      }),
      { numRuns: 2000 },
    );
  });

  it('hand commands with anything else to the generic codec, which writes the same frame', () => {
    const odd: BaseCommand[] = [
      // Another BaseCommand field set as well.
      { type: CommandType.FLOW, flow: { consumer_id: 1, messagePermits: 2 }, ping: {} },
      // Fields left to the generic codec.
      {
        type: CommandType.ACK,
        ack: { consumer_id: 1, ack_type: 0, properties: [{ key: 'k', value: 1 }] },
      },
      {
        type: CommandType.MESSAGE,
        message: {
          consumer_id: 1,
          message_id: { ledgerId: 1, entryId: 2, first_chunk_message_id: { ledgerId: 1, entryId: 1 } },
        },
      },
      // Values that are not numbers: the generic codec's coercions apply.
      { type: CommandType.FLOW, flow: { consumer_id: '7', messagePermits: 2 } } as unknown as BaseCommand,
      { type: CommandType.SEND, send: 5 } as unknown as BaseCommand,
      { type: CommandType.SEND } as BaseCommand,
    ];
    for (const cmd of odd) {
      expect(hotCommandSize(cmd)).toBe(-1);
      expect(serializeCommand(cmd).toString('hex')).toBe(genericFrame(cmd).toString('hex'));
    }
    // Unknown keys, undefined and null fields are ignored by both; required ones default to 0.
    const loose = {
      type: CommandType.SEND_RECEIPT,
      send_receipt: { producer_id: undefined, sequence_id: 3, message_id: null, extra: 'x' },
      not_a_field: 1,
      flow: undefined,
    } as unknown as BaseCommand;
    expect(hotCommandSize(loose)).toBeGreaterThan(0);
    expect(handEncode(loose)!.toString('hex')).toBe(encodeBaseCommand(loose).toString('hex'));
    // A MESSAGE without message_id: the generic codec writes an empty (zero) id.
    const bare = { type: CommandType.MESSAGE, message: { consumer_id: 4 } } as unknown as BaseCommand;
    expect(handEncode(bare)!.toString('hex')).toBe(encodeBaseCommand(bare).toString('hex'));
  });

  it('keep the frame writers byte-identical for payload frames and MESSAGE headers (property)', () => {
    const payloadArb = fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u));
    fc.assert(
      fc.property(hotCommandArb, payloadArb, (cmd, payload) => {
        const metadata = { producer_name: 'p', sequence_id: 1, publish_time: 2 };
        const frame = serializePayloadCommand(cmd, metadata, payload);
        const cmdEnd = 8 + frame.readUInt32BE(4);
        expect(frame.subarray(8, cmdEnd).toString('hex')).toBe(encodeBaseCommand(cmd).toString('hex'));
        const header = serializeCommandHeader(cmd, payload.length);
        expect(header.subarray(8).toString('hex')).toBe(encodeBaseCommand(cmd).toString('hex'));
        expect(header.readUInt32BE(0)).toBe(header.length - 4 + payload.length);
      }),
      { numRuns: 500 },
    );
  });

  it('decode what the generic decoder decodes, from any hot command (property)', () => {
    fc.assert(
      fc.property(hotCommandArb, (cmd) => {
        decodeAgrees(encodeBaseCommand(cmd));
      }),
      { numRuns: 2000 },
    );
  });

  it('never disagree on truncated or damaged commands (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(commonArb, hotCommandArb),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 3 }),
        (cmd, cut, flips) => {
          const whole = encodeBaseCommand(cmd);
          decodeAgrees(whole, 0, cut % (whole.length + 1));
          const damaged = Buffer.from(whole);
          for (const [at, v] of flips) if (damaged.length > 0) damaged[at % damaged.length] = v;
          decodeAgrees(damaged);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('never disagree on random bytes behind a hot envelope (property)', () => {
    const envelope = fc.constantFrom(...HOT.map(([type]) => [0x08, type, (type << 3) | 2]));
    fc.assert(
      fc.property(
        envelope,
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 40 }),
        (head, body, raw) => {
          decodeAgrees(Buffer.from([...head, body.length, ...body]));
          decodeAgrees(Buffer.from([...head, ...body]));
          decodeAgrees(Buffer.from(raw));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('leave unknown fields, packed lists and extra BaseCommand fields to the generic decoder', () => {
    const flow = encodeBaseCommand({ type: CommandType.FLOW, flow: { consumer_id: 1, messagePermits: 5 } });
    // An unknown field (99, varint) appended to the BaseCommand, and inside CommandFlow.
    const withUnknown = Buffer.concat([flow, Buffer.from([0x98, 0x06, 0x01])]);
    expect(decodeAgrees(withUnknown)).toBe('generic');
    expect(decodeBaseCommand(withUnknown)).toEqual({
      type: CommandType.FLOW,
      flow: { consumer_id: 1, messagePermits: 5 },
    });
    const innerUnknown = Buffer.from([0x08, 11, 0x5a, 6, 0x08, 1, 0x10, 5, 0x18, 9]);
    expect(decodeAgrees(innerUnknown)).toBe('generic');
    // CommandMessage.ack_set packed (field 4, wire type 2).
    const packed = Buffer.from([0x08, 9, 0x4a, 12, 0x08, 1, 0x12, 4, 0x08, 2, 0x10, 3, 0x22, 2, 0x05, 0x06]);
    expect(decodeAgrees(packed)).toBe('generic');
    expect(decodeBaseCommand(packed)).toEqual({
      type: CommandType.MESSAGE,
      message: { consumer_id: 1, message_id: { ledgerId: 2, entryId: 3 }, ack_set: [5, 6] },
    });
  });

  it('go through parseFrame with the same result as the generic decoder (property)', () => {
    fc.assert(
      fc.property(fc.oneof(commonArb, hotCommandArb), (cmd) => {
        const frame = serializeCommand(cmd);
        const parsed = parseFrame(frame);
        expect(parsed.command).toStrictEqual(decodeBaseCommand(frame, 8, frame.length));
      }),
      { numRuns: 1000 },
    );
  });
});
