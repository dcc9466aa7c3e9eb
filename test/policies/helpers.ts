import { CommandType, InitialPosition, SubType, type Frame } from '@magnetar/protocol';
import { RawClient } from '../helpers/raw-client.js';
import type { TestBroker } from '../helpers/broker.js';

let nextRequest = 1000;

type Policies = Parameters<Parameters<TestBroker['resources']['namespaces']['update']>[1]>[0];

/** Creates namespace `ns` (in tenant public) with `change` applied to its policies. */
export async function namespaceWith(b: TestBroker, ns: string, change: (p: Policies) => void) {
  await b.resources.namespaces.create(ns, undefined);
  await b.resources.namespaces.update(ns, change);
}

export async function createProducer(c: RawClient, topic: string, producerId: number): Promise<Frame> {
  const request_id = nextRequest++;
  c.send({ type: CommandType.PRODUCER, producer: { topic, producer_id: producerId, request_id } });
  return c.response(request_id);
}

export async function subscribe(
  c: RawClient,
  topic: string,
  subscription: string,
  consumerId: number,
  subType: number = SubType.Shared,
): Promise<Frame> {
  const request_id = nextRequest++;
  c.send({
    type: CommandType.SUBSCRIBE,
    subscribe: {
      topic,
      subscription,
      subType,
      consumer_id: consumerId,
      request_id,
      initialPosition: InitialPosition.Earliest,
    },
  });
  return c.response(request_id);
}

export function send(c: RawClient, producerId: number, seq: number, body: string, publishTime = Date.now()) {
  c.sendPayload(
    { type: CommandType.SEND, send: { producer_id: producerId, sequence_id: seq } },
    { producer_name: `p${producerId}`, sequence_id: seq, publish_time: publishTime },
    Buffer.from(body),
  );
}

export function receipt(c: RawClient, producerId: number, seq: number, timeoutMs?: number): Promise<Frame> {
  return c.next(
    (f) =>
      (f.command.type === CommandType.SEND_RECEIPT &&
        f.command.send_receipt!.producer_id === producerId &&
        f.command.send_receipt!.sequence_id === seq) ||
      (f.command.type === CommandType.SEND_ERROR &&
        f.command.send_error!.producer_id === producerId &&
        f.command.send_error!.sequence_id === seq),
    timeoutMs,
  );
}

/** Polls `check` until it returns true (policy changes reach loaded topics through a watch). */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function loaded(b: TestBroker, topic: string) {
  const t = [...b.broker.loadedTopics()].find((x) => x.name === topic);
  if (!t) throw new Error(`${topic} is not loaded`);
  return t;
}

export { RawClient };
