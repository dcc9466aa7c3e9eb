import { expect } from 'vitest';
import { CommandType, SubType, TopicName, type Frame, type MessageMetadata } from '@magnetar/protocol';
import type { TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { createProducer, flow, subscribe, until } from '../queue/raw-helpers.js';
import { api } from '../admin/http.js';

export const PRIORITY = 'magnetar.priority';

let sequence = 1_000_000;

/** One message to publish: its payload, priority (undefined: no property) and key. */
export interface Msg {
  payload: string;
  priority?: number;
  key?: string;
}

/**
 * Publishes `msgs` through a raw producer as an official client would (the priority only as the
 * `magnetar.priority` property), pipelined, and waits for the last receipt.
 */
export async function publishRaw(c: RawClient, msgs: readonly Msg[], producerId = 1): Promise<void> {
  let last = -1;
  for (const m of msgs) {
    const seq = sequence++;
    const meta: MessageMetadata = { producer_name: 'p', sequence_id: seq, publish_time: Date.now() };
    if (m.priority !== undefined) meta.properties = [{ key: PRIORITY, value: String(m.priority) }];
    if (m.key !== undefined) meta.partition_key = m.key;
    c.sendPayload(
      { type: CommandType.SEND, send: { producer_id: producerId, sequence_id: seq, num_messages: 1 } },
      meta,
      Buffer.from(m.payload),
    );
    last = seq;
  }
  await c.next(
    (f) => f.command.type === CommandType.SEND_RECEIPT && f.command.send_receipt?.sequence_id === last,
    30_000,
  );
}

export async function producerOn(broker: TestBroker, topic: string): Promise<RawClient> {
  const p = await RawClient.connected(broker.port);
  await createProducer(p, topic);
  return p;
}

/** A raw consumer, subscribed at Earliest with no permits yet. */
export async function consumerOn(
  broker: TestBroker,
  topic: string,
  subType: number = SubType.Shared,
  subscription = 's',
  consumerId = 1,
): Promise<RawClient> {
  const c = await RawClient.connected(broker.port);
  const r = await subscribe(c, { topic, subscription, subType, consumer_id: consumerId });
  expect(r.command.type).toBe(CommandType.SUCCESS);
  return c;
}

export const payloadOf = (f: Frame) => f.payload!.payload.toString();
export const priorityOf = (f: Frame) =>
  f.payload!.metadata.properties?.find((kv) => kv.key === PRIORITY)?.value;

/** Flows `n` permits and returns the next `n` messages' payloads, in arrival order. */
export async function take(c: RawClient, n: number, consumerId = 1): Promise<string[]> {
  flow(c, consumerId, n);
  return (await c.messages(consumerId, n, 15_000)).map(payloadOf);
}

/** Creates namespace `public/<ns>` with the given priority policy (none: priority off). */
export async function namespaceWith(
  broker: TestBroker,
  ns: string,
  priority?: { enabled: boolean; weights?: number[] },
): Promise<void> {
  const r = await api(broker.webServiceUrl).put(`/namespaces/public/${ns}`, priority ? { priority } : {});
  expect(r.status).toBe(204);
}

/** The loaded topic, once its priority state matches the namespace's (applied asynchronously). */
type Topic = Awaited<ReturnType<TestBroker['broker']['getTopic']>>;

export async function loadedTopic(broker: TestBroker, topic: string, enabled: boolean): Promise<Topic> {
  const t = await broker.broker.getTopic(TopicName.parse(topic), true);
  await until(() => t.priority.isEnabled === enabled, 5000, `priority ${enabled ? 'on' : 'off'}`);
  return t;
}

export const range = (n: number, f: (i: number) => Msg): Msg[] => Array.from({ length: n }, (_, i) => f(i));
