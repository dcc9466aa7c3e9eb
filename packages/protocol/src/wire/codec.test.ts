import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors.js';
import { MESSAGE_DESCRIPTORS, descriptorOf } from '../schema/registry.js';
import { decodeMessage, encodeMessage } from './codec.js';
import { messageArbitrary } from './testing/arbitrary.js';

const hex = (b: Buffer) => b.toString('hex');
const decodeHex = (name: string, h: string) => decodeMessage(descriptorOf(name), Buffer.from(h, 'hex'));

describe('proto2 encoding rules', () => {
  it('writes required fields even when zero, in field-number order', () => {
    // CommandFlow{consumer_id=0 (1), messagePermits=0 (2)}: both required, both on the wire.
    expect(hex(encodeMessage(descriptorOf('CommandFlow'), { consumer_id: 0, messagePermits: 0 }))).toBe(
      '08001000',
    );
  });

  it('writes a required field the caller left undefined as its zero value', () => {
    expect(hex(encodeMessage(descriptorOf('CommandSend'), {}))).toBe('08001000');
    expect(hex(encodeMessage(descriptorOf('CommandError'), {}))).toBe('080010001a00');
  });

  it('writes optional fields only when present, including explicit false and 0', () => {
    const d = descriptorOf('CommandLookupTopic');
    expect(hex(encodeMessage(d, { topic: 't', request_id: 2 }))).toBe('0a01741002');
    expect(hex(encodeMessage(d, { topic: 't', request_id: 2, authoritative: false }))).toBe('0a017410021800');
  });

  it('writes a negative int32 as a 10-byte varint', () => {
    const bytes = encodeMessage(descriptorOf('MessageIdData'), { ledgerId: 1, entryId: 2, partition: -1 });
    expect(hex(bytes)).toBe('08011002' + '18ffffffffffffffffff01');
    expect(decodeMessage(descriptorOf('MessageIdData'), bytes)).toEqual({
      ledgerId: 1,
      entryId: 2,
      partition: -1,
    });
  });

  it('writes repeated scalars unpacked, as proto2 does by default', () => {
    const bytes = encodeMessage(descriptorOf('CommandMessage'), {
      consumer_id: 1,
      message_id: { ledgerId: 1, entryId: 0 },
      ack_set: [3, 4],
    });
    expect(hex(bytes)).toBe('0801120408011000' + '2003' + '2004');
  });
});

describe('proto2 decoding rules', () => {
  it('leaves absent fields undefined instead of filling defaults', () => {
    const decoded = decodeHex('CommandSubscribe', '0a01741201731800200028 00'.replace(/ /g, ''));
    expect(decoded).toEqual({ topic: 't', subscription: 's', subType: 0, consumer_id: 0, request_id: 0 });
    expect('durable' in decoded).toBe(false);
  });

  it('tolerates missing required fields', () => {
    expect(decodeHex('CommandFlow', '1005')).toEqual({ messagePermits: 5 });
  });

  it('skips unknown fields of every wire type', () => {
    // FLOW plus unknown #9 varint, #10 fixed64, #11 bytes, #12 fixed32.
    const h = '0801' + '1002' + '4801' + '510102030405060708' + '5a03616263' + '6501020304';
    expect(decodeHex('CommandFlow', h)).toEqual({ consumer_id: 1, messagePermits: 2 });
  });

  it('skips an unknown BaseCommand sub-command (e.g. scalable-topic types 70+)', () => {
    const h = '0846' + 'b2040208 01'.replace(/ /g, ''); // type=70, field 70 (LEN) = {1: 1}
    expect(decodeHex('BaseCommand', h)).toEqual({ type: 70 });
  });

  it('accepts packed encoding of a repeated scalar', () => {
    const decoded = decodeHex('MessageIdData', '0801' + '1002' + '2a03' + '010203');
    expect(decoded.ack_set).toEqual([1, 2, 3]);
  });

  it('returns bytes as views into the input, not copies', () => {
    const input = Buffer.from('0a01741203616263', 'hex'); // AuthData{auth_method_name 't', auth_data 'abc'}
    const decoded = decodeMessage(descriptorOf('AuthData'), input) as { auth_data: Buffer };
    expect(decoded.auth_data.toString()).toBe('abc');
    input[5] = 0x7a;
    expect(decoded.auth_data.toString()).toBe('zbc');
  });

  it('decodes strings as UTF-8', () => {
    const bytes = encodeMessage(descriptorOf('KeyValue'), { key: 'été', value: '日本語🚀' });
    expect(decodeMessage(descriptorOf('KeyValue'), bytes)).toEqual({ key: 'été', value: '日本語🚀' });
  });

  it.each([
    ['truncated varint', '08'],
    ['length past the end', '0a05616263'],
    ['wrong wire type for a known field', '0d01000000'],
    ['group start wire type 3', '0b'],
    ['group end wire type 4', '0c'],
    ['wire type 6', '0e'],
    ['wire type 7', '0f'],
    ['field number 0', '0001'],
    ['string shorter than its length prefix', '0a0208'],
    ['nested field running past its message', '52010801'],
  ])('throws MALFORMED_PROTOBUF on %s', (_label, h) => {
    try {
      decodeHex('CommandConnect', h);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError);
      expect((err as ProtocolError).code).toBe('MALFORMED_PROTOBUF');
    }
  });
});

describe('round trips over the whole schema', () => {
  it.each([...MESSAGE_DESCRIPTORS.keys()])('%s: decode(encode(x)) equals x', (name) => {
    const desc = descriptorOf(name);
    fc.assert(
      fc.property(messageArbitrary(desc), (value) => {
        const bytes = encodeMessage(desc, value);
        expect(decodeMessage(desc, bytes)).toEqual(value);
        // Encoding is deterministic: the decoded copy encodes to the same bytes.
        expect(encodeMessage(desc, decodeMessage(desc, bytes))).toEqual(bytes);
      }),
      { numRuns: 60 },
    );
  });
});

describe('hostile input', () => {
  it('random bytes either decode or throw ProtocolError, for every message type', () => {
    const names = [...MESSAGE_DESCRIPTORS.keys()];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.uint8Array({ maxLength: 64 }), (name, bytes) => {
        try {
          decodeMessage(descriptorOf(name), Buffer.from(bytes));
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated valid encodings either decode or throw ProtocolError', () => {
    const desc = descriptorOf('BaseCommand');
    const sub = descriptorOf('CommandSubscribe');
    fc.assert(
      fc.property(
        messageArbitrary(sub),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (subscribe, flips) => {
          const bytes = encodeMessage(desc, { type: 4, subscribe });
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          try {
            decodeMessage(desc, bytes);
          } catch (err) {
            expect(err).toBeInstanceOf(ProtocolError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
