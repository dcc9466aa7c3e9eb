/**
 * Micro-benchmarks of the protobuf codec on the hot path: the SEND command plus its MessageMetadata
 * (what a producer encodes and the broker decodes per message), and FLOW / ACK / MESSAGE commands.
 * Run with `npx vitest bench --run packages/protocol`; figures are ops/s (hz).
 */
import { bench, describe } from 'vitest';
import type { BaseCommand, MessageMetadata } from '../src/index.js';
import {
  CommandType,
  decodeBaseCommand,
  decodeMessageMetadata,
  encodeBaseCommand,
  encodeMessageMetadata,
} from '../src/index.js';

const send: BaseCommand = {
  type: CommandType.SEND,
  send: { producer_id: 3, sequence_id: 1_234_567, num_messages: 10 },
};
const metadata: MessageMetadata = {
  producer_name: 'standalone-0-42',
  sequence_id: 1_234_567,
  publish_time: 1_795_659_413_886,
  properties: [
    { key: 'idx', value: '7' },
    { key: 'origin', value: 'bench' },
  ],
  partition_key: 'key-7',
  num_messages_in_batch: 10,
  compression: 1,
  uncompressed_size: 4096,
};
const message: BaseCommand = {
  type: CommandType.MESSAGE,
  message: {
    consumer_id: 9,
    message_id: { ledgerId: 12, entryId: 345_678, partition: -1 },
    redelivery_count: 0,
  },
};
const ack: BaseCommand = {
  type: CommandType.ACK,
  ack: { consumer_id: 9, ack_type: 0, message_id: [{ ledgerId: 12, entryId: 345_678 }] },
};
const flow: BaseCommand = { type: CommandType.FLOW, flow: { consumer_id: 9, messagePermits: 500 } };

const sendBytes = encodeBaseCommand(send);
const metadataBytes = encodeMessageMetadata(metadata);
const messageBytes = encodeBaseCommand(message);
const ackBytes = encodeBaseCommand(ack);
const flowBytes = encodeBaseCommand(flow);

describe('SEND + MessageMetadata', () => {
  bench('encode', () => {
    encodeBaseCommand(send);
    encodeMessageMetadata(metadata);
  });
  bench('decode', () => {
    decodeBaseCommand(sendBytes);
    decodeMessageMetadata(metadataBytes);
  });
});

describe('consumer commands', () => {
  bench('encode MESSAGE', () => {
    encodeBaseCommand(message);
  });
  bench('decode MESSAGE', () => {
    decodeBaseCommand(messageBytes);
  });
  bench('decode ACK', () => {
    decodeBaseCommand(ackBytes);
  });
  bench('decode FLOW', () => {
    decodeBaseCommand(flowBytes);
  });
});
