/** Frame-level steps the topic tests share (partitioned, non-persistent, deduplication). */
import { expect } from 'vitest';
import {
  CommandType,
  InitialPosition,
  SubType,
  type CommandSubscribe,
  type Frame,
  type MessageIdData,
} from '@magnetar/protocol';
import { RawClient } from '../helpers/raw-client.js';

let requestId = 5000;
export const nextRequestId = (): number => requestId++;

/** PRODUCER; resolves with the PRODUCER_SUCCESS or ERROR frame. */
export async function openProducer(
  c: RawClient,
  topic: string,
  producerId: number,
  producerName?: string,
): Promise<Frame> {
  const rid = nextRequestId();
  c.send({
    type: CommandType.PRODUCER,
    producer: { topic, producer_id: producerId, request_id: rid, producer_name: producerName },
  });
  return c.response(rid);
}

/** Sends one message (or a batch when `highest` is above `seq`) without waiting for the receipt. */
export function sendRaw(
  c: RawClient,
  producerId: number,
  producerName: string,
  seq: number,
  payload: string,
  highest?: number,
): void {
  const batch = highest !== undefined && highest > seq;
  c.sendPayload(
    {
      type: CommandType.SEND,
      send: {
        producer_id: producerId,
        sequence_id: seq,
        ...(batch ? { highest_sequence_id: highest, num_messages: highest - seq + 1 } : {}),
      },
    },
    {
      producer_name: producerName,
      sequence_id: seq,
      publish_time: Date.now(),
      ...(batch ? { highest_sequence_id: highest } : {}),
    },
    Buffer.from(payload),
  );
}

/** The SEND_RECEIPT (or SEND_ERROR) for `seq` of `producerId`. */
export function receipt(c: RawClient, producerId: number, seq: number, timeoutMs = 10_000): Promise<Frame> {
  return c.next((f) => {
    const r = f.command.send_receipt ?? f.command.send_error;
    return (
      (f.command.type === CommandType.SEND_RECEIPT || f.command.type === CommandType.SEND_ERROR) &&
      r?.producer_id === producerId &&
      r.sequence_id === seq
    );
  }, timeoutMs);
}

/** Sends and waits for the receipt; returns its message id. */
export async function sendAndWait(
  c: RawClient,
  producerId: number,
  producerName: string,
  seq: number,
  payload: string,
): Promise<MessageIdData> {
  sendRaw(c, producerId, producerName, seq, payload);
  const r = await receipt(c, producerId, seq);
  expect(r.command.type).toBe(CommandType.SEND_RECEIPT);
  return r.command.send_receipt!.message_id!;
}

/** SUBSCRIBE; resolves with SUCCESS or ERROR. */
export async function subscribe(
  c: RawClient,
  s: Partial<CommandSubscribe> & { topic: string; subscription: string; consumer_id: number },
): Promise<Frame> {
  const rid = nextRequestId();
  c.send({
    type: CommandType.SUBSCRIBE,
    subscribe: {
      subType: SubType.Exclusive,
      initialPosition: InitialPosition.Earliest,
      ...s,
      request_id: rid,
    },
  });
  return c.response(rid);
}

export function flow(c: RawClient, consumerId: number, permits: number): void {
  c.send({ type: CommandType.FLOW, flow: { consumer_id: consumerId, messagePermits: permits } });
}

/** Payloads of every message stored on `topic`, read from the start by a fresh reader. */
export async function readAll(
  port: number,
  topic: string,
  expected: number,
  timeoutMs = 10_000,
): Promise<string[]> {
  const c = await RawClient.connected(port);
  try {
    const ok = await subscribe(c, {
      topic,
      subscription: `check-${nextRequestId()}`,
      consumer_id: 1,
      durable: false,
    });
    expect(ok.command.type).toBe(CommandType.SUCCESS);
    flow(c, 1, 1_000_000);
    const msgs = await c.messages(1, expected, timeoutMs);
    // Anything beyond `expected` would be a duplicate: give it a moment to show up.
    await new Promise((r) => setTimeout(r, 200));
    const extra = c.frames.filter((f) => f.command.type === CommandType.MESSAGE);
    return [...msgs, ...extra].map((m) => m.payload!.payload.toString());
  } finally {
    c.close();
  }
}

export function isErrorFrame(f: Frame, code?: number): boolean {
  return f.command.type === CommandType.ERROR && (code === undefined || f.command.error!.error === code);
}
