// CommandProducer → CommandProducerSuccess (producer_name, last_sequence_id, schema_version), and
// CommandCloseProducer → CommandSuccess.
import { CommandType, ProducerAccessMode, TopicName, type CommandProducer } from '@magnetar/protocol';
import type { ServerConnection } from '../connection/server-connection.js';
import { notAllowed, serviceNotReady } from '../errors.js';
import { admitProducerByQuota } from '../policies/backlog-quota.js';
import { checkProducerLimit } from '../policies/limits.js';
import { encodeSchemaVersion } from '../schema/schema-registry.js';
import { PersistentTopic } from '../topic/persistent-topic.js';
import { Producer } from '../topic/producer.js';
import type { Topic } from '../topic/topic.js';
import { authorizeTopic } from './authorize.js';
import type { Handler } from './types.js';

/**
 * CommandProducerSuccess.last_sequence_id: with deduplication, the last sequence id stored for
 * this producer name, so that a producer that reconnects (or restarts) continues after it.
 */
const lastSequenceId = (topic: Topic, producerName: string): number =>
  topic instanceof PersistentTopic ? topic.dedup.lastSequenceId(producerName) : -1;

export const handleProducer: Handler = async (conn, cmd) => {
  const r = cmd.producer!;
  const existing = conn.producers.get(r.producer_id);
  if (existing) {
    // A client that timed out may repeat PRODUCER for the same id: answer it again if it matches.
    if (existing.topic.name !== TopicName.parse(r.topic).toString()) {
      throw serviceNotReady(`producer id ${r.producer_id} is already used on this connection`);
    }
    conn.send({
      type: CommandType.PRODUCER_SUCCESS,
      producer_success: {
        request_id: r.request_id,
        producer_name: existing.name,
        last_sequence_id: lastSequenceId(existing.topic, existing.name),
      },
    });
    return;
  }
  const name = TopicName.parse(r.topic);
  const release = conn.reserveProducer();
  try {
    await createProducer(conn, r, name);
  } finally {
    release();
  }
};

/** Creates the producer of a PRODUCER command once the connection had room for it. */
async function createProducer(conn: ServerConnection, r: CommandProducer, name: TopicName): Promise<void> {
  // Before anything that could load or create the topic.
  await authorizeTopic(conn, name, 'produce');
  if (conn.isClosed()) return;
  const mode = r.producer_access_mode ?? ProducerAccessMode.Shared;
  if (mode !== ProducerAccessMode.Shared && mode !== ProducerAccessMode.Exclusive) {
    throw notAllowed(`producer access mode ${mode} is not supported yet`);
  }
  const topic = await conn.broker.getAnyTopic(name, true);
  let schemaVersion: Uint8Array | undefined;
  if (r.schema) schemaVersion = encodeSchemaVersion(await conn.broker.schemas.addIfNew(topic.name, r.schema));
  const userProvided =
    r.user_provided_producer_name ?? (r.producer_name !== undefined && r.producer_name !== '');
  const producerName = r.producer_name ? r.producer_name : conn.broker.generateProducerName();
  // Namespace and topic policies: the backlog quota is checked on every producer creation, as in Pulsar.
  const policies = await conn.broker.policies?.effectivePolicies(topic.name);
  if (topic instanceof PersistentTopic) await admitProducerByQuota(topic, policies);
  if (conn.isClosed()) return;
  // Checked after the last await, so concurrent PRODUCERs cannot both take the last place.
  checkProducerLimit(topic, policies);
  const p = new Producer(
    topic,
    conn,
    r.producer_id,
    producerName,
    mode === ProducerAccessMode.Exclusive ? 'Exclusive' : 'Shared',
    userProvided,
  );
  topic.addProducer(p);
  conn.producers.set(r.producer_id, p);
  conn.send({
    type: CommandType.PRODUCER_SUCCESS,
    producer_success: {
      request_id: r.request_id,
      producer_name: producerName,
      last_sequence_id: lastSequenceId(topic, producerName),
      schema_version: schemaVersion,
      producer_ready: true,
    },
  });
}

export const handleCloseProducer: Handler = (conn, cmd) => {
  const r = cmd.close_producer!;
  const p = conn.producers.get(r.producer_id);
  if (p) {
    conn.producers.delete(r.producer_id);
    p.topic.removeProducer(p);
  }
  conn.sendSuccess(r.request_id);
};
