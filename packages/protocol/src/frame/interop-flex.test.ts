import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandType, LookupType } from '../schema/enums.js';
import type { BaseCommand } from '../schema/types-base.js';
import { FrameDecoder } from './decoder.js';
import { serializeCommand, serializeCommandHeader } from './serialize.js';
import type { Frame } from './types.js';

/**
 * The broker→client direction, which the captured frames do not cover: a tiny responder built on
 * this package answers pulsar-flex (a client we did not write) over a real socket on 127.0.0.1.
 * flex must accept our CONNECTED, LOOKUP_RESPONSE, PRODUCER_SUCCESS, SEND_RECEIPT, SUCCESS and
 * MESSAGE frames (the latter as header + stored entry, the broker's zero-copy path).
 */

interface FlexMessage {
  message: Buffer;
  properties: Record<string, string>;
  ack: () => Promise<void>;
}
interface FlexProducer {
  create(): Promise<void>;
  sendMessage(m: { payload: string; properties?: Record<string, string> }): Promise<unknown>;
  sendBatch(m: { messages: { payload: string; properties?: Record<string, string> }[] }): Promise<unknown>;
  close(): Promise<void>;
}
interface FlexConsumer {
  subscribe(): Promise<void>;
  run(o: { onMessage: (m: FlexMessage) => Promise<void>; autoAck: boolean }): Promise<void>;
  unsubscribe(): Promise<void>;
}
interface Flex {
  Producer: new (o: Record<string, unknown>) => FlexProducer;
  Consumer: new (o: Record<string, unknown>) => FlexConsumer;
  logLevel: Record<string, number>;
}
const flex = createRequire(import.meta.url)('pulsar-flex') as Flex;

/** Just enough of a broker for one topic: entries kept in memory, delivered on FLOW. */
class Responder {
  readonly entries: Buffer[] = [];
  readonly seen: string[] = [];
  readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const decoder = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      for (let f = decoder.next(); f !== null; f = decoder.next()) this.handle(socket, f);
    });
  }

  private handle(socket: Socket, frame: Frame): void {
    const c = frame.command;
    this.seen.push(String(c.type));
    const reply = (cmd: BaseCommand) => socket.write(serializeCommand(cmd));
    const port = (this.server.address() as AddressInfo).port;
    if (c.connect) {
      const version = Math.min(c.connect.protocol_version ?? 0, 20);
      reply({
        type: CommandType.CONNECTED,
        connected: { server_version: 'magnetar-test', protocol_version: version, max_message_size: 5242880 },
      });
    } else if (c.lookupTopic) {
      reply({
        type: CommandType.LOOKUP_RESPONSE,
        lookupTopicResponse: {
          brokerServiceUrl: `pulsar://127.0.0.1:${port}`,
          response: LookupType.Connect,
          request_id: c.lookupTopic.request_id,
          authoritative: true,
        },
      });
    } else if (c.producer) {
      reply({
        type: CommandType.PRODUCER_SUCCESS,
        producer_success: {
          request_id: c.producer.request_id,
          producer_name: 'magnetar-0',
          last_sequence_id: -1,
        },
      });
    } else if (c.send) {
      this.entries.push(Buffer.from(frame.payload!.headersAndPayload));
      expect(frame.payload!.checksumValid).toBe(true);
      reply({
        type: CommandType.SEND_RECEIPT,
        send_receipt: {
          producer_id: c.send.producer_id,
          sequence_id: c.send.sequence_id,
          message_id: { ledgerId: 1, entryId: this.entries.length - 1 },
        },
      });
    } else if (c.subscribe) {
      reply({ type: CommandType.SUCCESS, success: { request_id: c.subscribe.request_id } });
    } else if (c.flow) {
      this.entries.forEach((entry, entryId) => {
        const message = {
          type: CommandType.MESSAGE,
          message: { consumer_id: c.flow!.consumer_id, message_id: { ledgerId: 1, entryId } },
        };
        socket.write(serializeCommandHeader(message, entry.length));
        socket.write(entry);
      });
    } else if (c.ack && c.ack.request_id !== undefined) {
      reply({
        type: CommandType.ACK_RESPONSE,
        ackResponse: { consumer_id: c.ack.consumer_id, request_id: c.ack.request_id },
      });
    } else if (c.close_producer || c.close_consumer) {
      reply({
        type: CommandType.SUCCESS,
        success: { request_id: (c.close_producer ?? c.close_consumer)!.request_id },
      });
    } else if (c.ping) {
      reply({ type: CommandType.PONG, pong: {} });
    }
  }
}

let responder: Responder | undefined;

afterEach(async () => {
  await responder?.close();
  responder = undefined;
});

describe('pulsar-flex against frames written by this package', () => {
  it('produces single and batched messages and consumes them back', async () => {
    responder = new Responder();
    const port = await responder.listen();
    const common = {
      topic: 'persistent://public/default/interop',
      discoveryServers: [`127.0.0.1:${port}`],
      logLevel: flex.logLevel.NOTHING,
    };
    const producer = new flex.Producer(common);
    await producer.create();
    for (let i = 0; i < 3; i++)
      await producer.sendMessage({ payload: `single-${i}`, properties: { idx: String(i) } });
    await producer.sendBatch({
      messages: [{ payload: 'batch-0' }, { payload: 'batch-1', properties: { b: '1' } }],
    });
    await producer.close();
    expect(responder.entries).toHaveLength(4);

    const consumer = new flex.Consumer({
      ...common,
      subscription: 'interop',
      subType: 0,
      consumerName: 'c',
      receiveQueueSize: 100,
    });
    await consumer.subscribe();
    const received: { payload: string; properties: Record<string, string> }[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received.length} messages arrived`)), 10_000);
      void consumer.run({
        autoAck: false,
        onMessage: async ({ message, properties, ack }) => {
          received.push({ payload: message.toString(), properties });
          await ack();
          if (received.length === 5) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.unsubscribe();
    expect(received.map((m) => m.payload)).toEqual([
      'single-0',
      'single-1',
      'single-2',
      'batch-0',
      'batch-1',
    ]);
    expect(received[1].properties).toEqual({ idx: '1' });
    expect(received[4].properties).toEqual({ b: '1' });
  });
});
