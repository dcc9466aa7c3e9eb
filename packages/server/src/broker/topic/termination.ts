/**
 * The persisted mark of a terminated topic (admin `terminate`, Pulsar's ManagedLedger terminate):
 * the position of its last message, kept in the metadata store so that the topic stays terminated
 * across unloads and restarts. Key: /broker/terminated-topics/<topic, percent-encoded>.
 */
import { ServerError } from '@magnetar/protocol';
import { joinPath } from '../../metadata/path.js';
import type { MetadataStore } from '../../metadata/types.js';
import type { Position } from '../../storage/types.js';
import { BrokerError } from '../errors.js';

const ROOT = '/broker/terminated-topics';

const keyOf = (topic: string) => joinPath(ROOT, topic);

/** The last position of a terminated topic, or null if the topic is not terminated. */
export async function readTermination(store: MetadataStore, topic: string): Promise<Position | null> {
  const got = await store.get(keyOf(topic));
  if (!got) return null;
  const raw = JSON.parse(got.value.toString('utf8')) as { ledgerId?: unknown; entryId?: unknown };
  if (!Number.isSafeInteger(raw.ledgerId) || !Number.isSafeInteger(raw.entryId)) {
    throw new Error(`corrupt termination record of ${topic}`);
  }
  return { ledgerId: raw.ledgerId as number, entryId: raw.entryId as number };
}

export async function writeTermination(store: MetadataStore, topic: string, last: Position): Promise<void> {
  const value = JSON.stringify({ ledgerId: last.ledgerId, entryId: last.entryId });
  await store.put(keyOf(topic), Buffer.from(value));
}

export async function deleteTermination(store: MetadataStore, topic: string): Promise<void> {
  await store.delete(keyOf(topic));
}

/** What a SEND or PRODUCER on a terminated topic is refused with (ServerError.TopicTerminatedError). */
export const topicTerminated = (topic: string) =>
  new BrokerError(ServerError.TopicTerminatedError, `Topic ${topic} was already terminated`);
