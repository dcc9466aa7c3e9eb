import { decodeMessage, encodeMessage } from './wire/codec.js';
import { descriptorOf } from './schema/registry.js';
import type { BaseCommand } from './schema/types-base.js';
import type {
  BrokerEntryMetadata,
  MessageIdData,
  MessageMetadata,
  SingleMessageMetadata,
} from './schema/types-common.js';

/**
 * Typed encode/decode pairs for the messages that travel on their own: the command envelope and
 * the metadata sections of a payload frame. All decoders throw ProtocolError('MALFORMED_PROTOBUF')
 * on bad bytes; strings and bytes in the result may be views into `buf`, so a caller that keeps a
 * decoded message longer than the input buffer must copy what it keeps.
 */

const baseCommand = descriptorOf('BaseCommand');
const messageMetadata = descriptorOf('MessageMetadata');
const singleMessageMetadata = descriptorOf('SingleMessageMetadata');
const brokerEntryMetadata = descriptorOf('BrokerEntryMetadata');
const messageIdData = descriptorOf('MessageIdData');

export const BASE_COMMAND_DESCRIPTOR = baseCommand;
export const MESSAGE_METADATA_DESCRIPTOR = messageMetadata;
export const SINGLE_MESSAGE_METADATA_DESCRIPTOR = singleMessageMetadata;
export const BROKER_ENTRY_METADATA_DESCRIPTOR = brokerEntryMetadata;

export function encodeBaseCommand(cmd: BaseCommand): Buffer {
  return encodeMessage(baseCommand, cmd);
}

export function decodeBaseCommand(buf: Buffer, start = 0, end = buf.length): BaseCommand {
  return decodeMessage(baseCommand, buf, start, end) as unknown as BaseCommand;
}

export function encodeMessageMetadata(metadata: MessageMetadata): Buffer {
  return encodeMessage(messageMetadata, metadata);
}

export function decodeMessageMetadata(buf: Buffer, start = 0, end = buf.length): MessageMetadata {
  return decodeMessage(messageMetadata, buf, start, end) as unknown as MessageMetadata;
}

export function encodeSingleMessageMetadata(metadata: SingleMessageMetadata): Buffer {
  return encodeMessage(singleMessageMetadata, metadata);
}

export function decodeSingleMessageMetadata(buf: Buffer, start = 0, end = buf.length): SingleMessageMetadata {
  return decodeMessage(singleMessageMetadata, buf, start, end) as unknown as SingleMessageMetadata;
}

export function encodeBrokerEntryMetadata(metadata: BrokerEntryMetadata): Buffer {
  return encodeMessage(brokerEntryMetadata, metadata);
}

export function decodeBrokerEntryMetadata(buf: Buffer, start = 0, end = buf.length): BrokerEntryMetadata {
  return decodeMessage(brokerEntryMetadata, buf, start, end) as BrokerEntryMetadata;
}

export function encodeMessageIdData(id: MessageIdData): Buffer {
  return encodeMessage(messageIdData, id);
}

export function decodeMessageIdData(buf: Buffer, start = 0, end = buf.length): MessageIdData {
  return decodeMessage(messageIdData, buf, start, end) as unknown as MessageIdData;
}
