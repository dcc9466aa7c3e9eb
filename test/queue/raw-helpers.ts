/** Frame-level steps the queue integration tests share (on test/helpers/raw-client.ts). */
import { expect } from 'vitest';
import {
  CommandType,
  InitialPosition,
  type CommandSubscribe,
  type Frame,
  type MessageIdData,
  type MessageMetadata,
} from '@magnetar/protocol';
import type { RawClient } from '../helpers/raw-client.js';

let requestId = 1000;
let sequence = 0;

export async function createProducer(c: RawClient, topic: string, producerId = 1): Promise<void> {
  const rid = requestId++;
  c.send({ type: CommandType.PRODUCER, producer: { topic, producer_id: producerId, request_id: rid } });
  expect((await c.response(rid)).command.type).toBe(CommandType.PRODUCER_SUCCESS);
}

/** Sends one message and waits for its receipt; returns the stored message id. */
export async function send(
  c: RawClient,
  payload: string | Buffer,
  metadata: Partial<MessageMetadata> = {},
  producerId = 1,
): Promise<MessageIdData> {
  const seq = sequence++;
  const meta: MessageMetadata = {
    producer_name: 'p',
    sequence_id: seq,
    publish_time: Date.now(),
    ...metadata,
  };
  c.sendPayload(
    {
      type: CommandType.SEND,
      send: { producer_id: producerId, sequence_id: seq, num_messages: meta.num_messages_in_batch ?? 1 },
    },
    meta,
    Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
  );
  const r = await c.next(
    (f) => f.command.type === CommandType.SEND_RECEIPT && f.command.send_receipt?.sequence_id === seq,
  );
  return r.command.send_receipt!.message_id!;
}

/** Subscribes and returns the broker's answer (SUCCESS or ERROR). */
export async function subscribe(
  c: RawClient,
  s: Partial<CommandSubscribe> & {
    topic: string;
    subscription: string;
    subType: number;
    consumer_id: number;
  },
): Promise<Frame> {
  const rid = requestId++;
  c.send({
    type: CommandType.SUBSCRIBE,
    subscribe: { initialPosition: InitialPosition.Earliest, ...s, request_id: rid },
  });
  return c.response(rid);
}

export function flow(c: RawClient, consumerId: number, permits: number): void {
  c.send({ type: CommandType.FLOW, flow: { consumer_id: consumerId, messagePermits: permits } });
}

export function ack(c: RawClient, consumerId: number, ids: MessageIdData[]): void {
  c.send({ type: CommandType.ACK, ack: { consumer_id: consumerId, ack_type: 0, message_id: ids } });
}

/** MESSAGE frames received so far by `consumerId` (taken out of the client's backlog). */
export function drainMessages(c: RawClient, consumerId: number): Frame[] {
  const out: Frame[] = [];
  for (let i = c.frames.length - 1; i >= 0; i--) {
    const f = c.frames[i];
    if (f.command.type === CommandType.MESSAGE && f.command.message?.consumer_id === consumerId) {
      out.unshift(f);
      c.frames.splice(i, 1);
    }
  }
  return out;
}

/** Polls `cond` until it holds (or fails after `timeoutMs`): no fixed sleeps in timed tests. */
export async function until(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
