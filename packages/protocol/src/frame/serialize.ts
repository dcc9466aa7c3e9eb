import { crc32c } from '../checksum.js';
import { MAGIC_CRC32C } from './constants.js';
import { BASE_COMMAND_DESCRIPTOR, encodeMessageMetadata } from '../messages.js';
import type { BaseCommand } from '../schema/types-base.js';
import type { MessageMetadata } from '../schema/types-common.js';
import { encodeInto, measure } from '../wire/codec.js';
import { hotCommandSize, writeHotCommand } from '../hot/encode.js';

/**
 * Frame writers. Every frame starts with [totalSize u32 BE][commandSize u32 BE][BaseCommand],
 * totalSize counting every byte after itself (developing-binary-protocol.md, "Framing"). Each
 * writer sizes the frame first and fills one buffer. The hot commands (SEND, SEND_RECEIPT,
 * MESSAGE, FLOW, ACK) are encoded by hand (hot/encode.ts) when they hold nothing it leaves to the
 * generic codec; the bytes are the same either way.
 */

/** Which codec the last `sizeCommand` chose (both keep what they measured for the write). */
let sizedByHand = false;

/** Sizes `cmd` with the hand codec when it takes it, else the generic one; write with `writeSized`. */
function sizeCommand(cmd: BaseCommand): number {
  const hot = hotCommandSize(cmd);
  if (hot >= 0) {
    sizedByHand = true;
    return hot;
  }
  sizedByHand = false;
  return measure(BASE_COMMAND_DESCRIPTOR, cmd);
}

function writeSized(cmd: BaseCommand, buf: Buffer, pos: number): number {
  return sizedByHand ? writeHotCommand(buf, pos) : encodeInto(BASE_COMMAND_DESCRIPTOR, cmd, buf, pos);
}

/** A whole simple frame (a command without payload). */
export function serializeCommand(cmd: BaseCommand): Buffer {
  const cmdSize = sizeCommand(cmd);
  const buf = Buffer.allocUnsafe(8 + cmdSize);
  buf.writeUInt32BE(4 + cmdSize, 0);
  buf.writeUInt32BE(cmdSize, 4);
  writeSized(cmd, buf, 8);
  return buf;
}

/**
 * Only the prefix [totalSize][commandSize][command] of a payload frame whose last `payloadLength`
 * bytes the caller writes itself. The broker sends MESSAGE as this header followed by the stored
 * entry (magic, checksum, metadata, payload) without copying the entry.
 */
export function serializeCommandHeader(cmd: BaseCommand, payloadLength: number): Buffer {
  if (!Number.isInteger(payloadLength) || payloadLength < 0) {
    throw new RangeError(`payloadLength must be a non-negative integer, got ${payloadLength}`);
  }
  const cmdSize = sizeCommand(cmd);
  const buf = Buffer.allocUnsafe(8 + cmdSize);
  buf.writeUInt32BE(4 + cmdSize + payloadLength, 0);
  buf.writeUInt32BE(cmdSize, 4);
  writeSized(cmd, buf, 8);
  return buf;
}

/**
 * A whole payload frame (SEND, MESSAGE):
 * [totalSize][commandSize][command][0x0e01][CRC32C][metadataSize][metadata][payload].
 * With `checksum: false` the magic and CRC are left out, as for peers below protocol v6.
 * `metadata` may be given already encoded.
 */
export function serializePayloadCommand(
  cmd: BaseCommand,
  metadata: MessageMetadata | Uint8Array,
  payload: Uint8Array,
  options?: { checksum?: boolean },
): Buffer {
  const withChecksum = options?.checksum ?? true;
  const metadataBytes = metadata instanceof Uint8Array ? metadata : encodeMessageMetadata(metadata);
  // The metadata is encoded before measuring the command: measure/encodeInto share state.
  const cmdSize = sizeCommand(cmd);
  const checksumSize = withChecksum ? 6 : 0;
  const totalSize = 4 + cmdSize + checksumSize + 4 + metadataBytes.length + payload.length;
  const buf = Buffer.allocUnsafe(4 + totalSize);
  buf.writeUInt32BE(totalSize, 0);
  buf.writeUInt32BE(cmdSize, 4);
  let pos = writeSized(cmd, buf, 8);
  const checksumPos = pos;
  pos += checksumSize;
  const covered = pos;
  buf.writeUInt32BE(metadataBytes.length, pos);
  pos += 4;
  buf.set(metadataBytes, pos);
  pos += metadataBytes.length;
  buf.set(payload, pos);
  if (withChecksum) {
    buf.writeUInt16BE(MAGIC_CRC32C, checksumPos);
    buf.writeUInt32BE(crc32c(buf.subarray(covered)), checksumPos + 2);
  }
  return buf;
}
