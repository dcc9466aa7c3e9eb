import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors.js';
import { encodeBaseCommand } from '../messages.js';
import { CommandType } from '../schema/enums.js';
import { MAX_FRAME_SIZE_DEFAULT } from './constants.js';
import { FrameDecoder } from './decoder.js';
import { serializeCommand, serializePayloadCommand } from './serialize.js';
import { fixturePath } from '../../../../test/fixtures/fixtures.js';

/** Size prefix + body, for hand-built frames. */
function frameOf(body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function expectProtocolError(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  expect((caught as ProtocolError).code).toBe(code);
}

/**
 * Runs the decoder over `chunks` until it needs more bytes or throws. Every iteration consumes
 * at least one frame, so the loop is bounded by the byte count; a decoder that returned frames
 * without consuming input would trip the bound instead of hanging the suite.
 */
function drain(chunks: Buffer[], maxFrameSize?: number): { frames: number; error?: unknown } {
  const decoder = new FrameDecoder({ maxFrameSize });
  let frames = 0;
  const bound = chunks.reduce((n, c) => n + c.length, 0) / 8 + 1;
  try {
    for (const chunk of chunks) {
      decoder.push(chunk);
      while (decoder.next() !== null) {
        frames++;
        if (frames > bound) throw new Error('decoder produced more frames than bytes allow');
      }
    }
  } catch (error) {
    return { frames, error };
  }
  return { frames };
}

const ping = serializeCommand({ type: CommandType.PING, ping: {} });

describe('FrameDecoder limits and malformed frames', () => {
  it('refuses a totalSize above the limit before its body arrives', () => {
    const decoder = new FrameDecoder();
    decoder.push(u32(MAX_FRAME_SIZE_DEFAULT + 1));
    expectProtocolError(() => decoder.next(), 'FRAME_TOO_LARGE');
    // The stream is unusable afterwards: the same error again, even with more bytes.
    decoder.push(ping);
    expectProtocolError(() => decoder.next(), 'FRAME_TOO_LARGE');
  });

  it('accepts a frame of exactly the limit and honours a custom limit', () => {
    const decoder = new FrameDecoder({ maxFrameSize: 64 });
    decoder.push(u32(65));
    expectProtocolError(() => decoder.next(), 'FRAME_TOO_LARGE');
    const cmd = encodeBaseCommand({ type: CommandType.PING, ping: {} });
    const body = Buffer.concat([u32(cmd.length), cmd, Buffer.alloc(0)]);
    const ok = new FrameDecoder({ maxFrameSize: body.length });
    ok.push(frameOf(body));
    expect(ok.next()?.command.type).toBe(CommandType.PING);
  });

  it('applies a raised limit to frames not yet sized (the limit a broker lifts after CONNECT)', () => {
    const big = serializeCommand({
      type: CommandType.CONNECT,
      connect: { client_version: 'x'.repeat(200), protocol_version: 20 },
    });
    const decoder = new FrameDecoder({ maxFrameSize: 64 });
    expect(decoder.maxFrameSize).toBe(64);
    decoder.push(serializeCommand({ type: CommandType.PING, ping: {} }));
    expect(decoder.next()?.command.type).toBe(CommandType.PING);
    decoder.setMaxFrameSize(1024);
    expect(decoder.maxFrameSize).toBe(1024);
    decoder.push(big);
    expect(decoder.next()?.command.type).toBe(CommandType.CONNECT);
    // And lowered again, it refuses the next large frame as soon as its size is known.
    decoder.setMaxFrameSize(64);
    decoder.push(big.subarray(0, 4));
    expectProtocolError(() => decoder.next(), 'FRAME_TOO_LARGE');
  });

  it('refuses a totalSize of 0xFFFFFFFF without allocating it', () => {
    const before = process.memoryUsage().arrayBuffers;
    const decoder = new FrameDecoder();
    decoder.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1]));
    expectProtocolError(() => decoder.next(), 'FRAME_TOO_LARGE');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses totalSize below 4', () => {
    for (const size of [0, 1, 3]) {
      const decoder = new FrameDecoder();
      decoder.push(Buffer.concat([u32(size), Buffer.alloc(size)]));
      expectProtocolError(() => decoder.next(), 'MALFORMED_FRAME');
    }
  });

  it('refuses commandSize larger than totalSize - 4', () => {
    const decoder = new FrameDecoder();
    decoder.push(frameOf(Buffer.concat([u32(5), Buffer.from([0x08, 0x12, 0x92, 0x01])])));
    expectProtocolError(() => decoder.next(), 'MALFORMED_FRAME');
  });

  it('reports malformed protobuf in the command', () => {
    const decoder = new FrameDecoder();
    // Field 1 as a varint that never ends.
    decoder.push(frameOf(Buffer.concat([u32(3), Buffer.from([0x08, 0xff, 0xff])])));
    expectProtocolError(() => decoder.next(), 'MALFORMED_PROTOBUF');
  });

  it('reports a truncated payload section', () => {
    const cmd = encodeBaseCommand({ type: CommandType.SEND, send: { producer_id: 1, sequence_id: 2 } });
    for (const tail of [Buffer.from([0x0e]), Buffer.from([0x0e, 0x01, 0, 0]), Buffer.from([0, 0, 0, 9, 1])]) {
      const decoder = new FrameDecoder();
      decoder.push(frameOf(Buffer.concat([u32(cmd.length), cmd, tail])));
      expectProtocolError(() => decoder.next(), 'MALFORMED_FRAME');
    }
  });

  it('reports a checksum mismatch without throwing', () => {
    const frame = serializePayloadCommand(
      { type: CommandType.SEND, send: { producer_id: 1, sequence_id: 2 } },
      { producer_name: 'p', sequence_id: 2, publish_time: 3 },
      Buffer.from('hello'),
    );
    frame[frame.length - 1] ^= 0xff;
    const decoder = new FrameDecoder();
    decoder.push(frame);
    const decoded = decoder.next()!;
    expect(decoded.payload!.checksumValid).toBe(false);
    expect(decoded.payload!.payload[4]).toBe('o'.charCodeAt(0) ^ 0xff);
  });

  it('returns null until a frame is complete and counts buffered bytes', () => {
    const decoder = new FrameDecoder();
    decoder.push(ping.subarray(0, 3));
    expect(decoder.next()).toBeNull();
    expect(decoder.bufferedBytes).toBe(3);
    decoder.push(ping.subarray(3, ping.length - 1));
    expect(decoder.next()).toBeNull();
    decoder.push(ping.subarray(ping.length - 1));
    decoder.push(Buffer.alloc(0));
    expect(decoder.next()?.command.type).toBe(CommandType.PING);
    expect(decoder.next()).toBeNull();
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('returns views of a (socket-sized) chunk that holds the whole frame', () => {
    const frame = serializePayloadCommand(
      { type: CommandType.SEND, send: { producer_id: 1, sequence_id: 2 } },
      { producer_name: 'p', sequence_id: 2, publish_time: 3 },
      Buffer.alloc(1000, 'payload'),
    );
    const decoder = new FrameDecoder();
    decoder.push(frame);
    const p = decoder.next()!.payload!;
    expect(p.payload.buffer).toBe(frame.buffer);
    expect(p.headersAndPayload.buffer).toBe(frame.buffer);
  });
});

describe('FrameDecoder on hostile input (property)', () => {
  const captured = readFileSync(fixturePath('frames/captured.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => Buffer.from((JSON.parse(l) as { frame_hex: string }).frame_hex, 'hex'));

  it('random bytes give frames or a ProtocolError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.integer({ min: 1, max: 64 }), (bytes, step) => {
        const buf = Buffer.from(bytes);
        const chunks: Buffer[] = [];
        for (let i = 0; i < buf.length; i += step) chunks.push(buf.subarray(i, i + step));
        const { error } = drain(chunks, 4096);
        if (error !== undefined) expect(error).toBeInstanceOf(ProtocolError);
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated captured frames give frames or a ProtocolError', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: captured.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        (index, mutations, cut) => {
          const frame = Buffer.from(captured[index]);
          // Keep the size prefix mostly intact so the mutations reach the command and payload.
          for (const [at, value] of mutations) frame[4 + (at % (frame.length - 4))] = value;
          const truncated = frame.subarray(0, frame.length - (cut % 3 === 0 ? cut % frame.length : 0));
          const { error } = drain([truncated, ping]);
          if (error !== undefined) expect(error).toBeInstanceOf(ProtocolError);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a truncated frame waits for more bytes instead of failing', () => {
    for (const frame of captured) {
      const decoder = new FrameDecoder();
      decoder.push(frame.subarray(0, frame.length - 1));
      expect(decoder.next()).toBeNull();
    }
  });
});

describe('FrameDecoder with trickled bytes', () => {
  it('gathers one-byte chunks of a large frame without one object per byte', () => {
    const payload = Buffer.alloc(200_000, 7);
    const frame = serializePayloadCommand(
      { type: CommandType.SEND, send: { producer_id: 1, sequence_id: 1 } },
      { producer_name: 'p', sequence_id: 1, publish_time: 1 },
      payload,
    );
    const decoder = new FrameDecoder();
    const stream = Buffer.concat([frame, ping, frame]);
    const frames = [];
    for (let i = 0; i < stream.length; i++) {
      decoder.push(stream.subarray(i, i + 1));
      for (let f = decoder.next(); f !== null; f = decoder.next()) frames.push(f);
    }
    expect(frames.map((f) => f.command.type)).toEqual([CommandType.SEND, CommandType.PING, CommandType.SEND]);
    expect(frames[2].payload!.payload).toEqual(payload);
    expect(frames[0].payload!.checksumValid).toBe(true);
  });

  it('mixes small and large chunks in any order (property)', () => {
    const frames = [
      ping,
      serializeCommand({ type: CommandType.FLOW, flow: { consumer_id: 1, messagePermits: 5 } }),
    ];
    const big = serializePayloadCommand(
      { type: CommandType.SEND, send: { producer_id: 1, sequence_id: 1 } },
      { producer_name: 'p', sequence_id: 1, publish_time: 1 },
      Buffer.alloc(3000, 1),
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 30 }),
        (order, sizes) => {
          const parts = order.map((i) => (i === 2 ? big : frames[i]));
          const stream = Buffer.concat(parts);
          const decoder = new FrameDecoder();
          const out: number[] = [];
          for (let pos = 0, k = 0; pos < stream.length; k++) {
            const len = sizes[k % sizes.length];
            decoder.push(stream.subarray(pos, pos + len));
            pos += len;
            for (let f = decoder.next(); f !== null; f = decoder.next()) out.push(f.frameSize);
          }
          expect(out).toEqual(parts.map((p) => p.length));
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
    );
  });
});
