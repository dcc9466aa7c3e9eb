// CommandPartitionedTopicMetadata (topic, metadata_auto_creation_enabled) →
// CommandPartitionedTopicMetadataResponse(partitions): the partition count, 0 for a topic that is
// not partitioned; an unknown topic may be created here as a partitioned one (see PartitionedTopics.forClient).
import { CommandType, TopicName } from '@magnetar/protocol';
import { toServerError } from '../errors.js';
import { authorizeTopic } from './authorize.js';
import { withLookupPermit } from './lookup-permits.js';
import type { Handler } from './types.js';

const RESPONSE_SUCCESS = 0;
const RESPONSE_FAILED = 1;

export const handlePartitionedMetadata: Handler = async (conn, cmd) => {
  const r = cmd.partitionMetadata!;
  const fail = (error: number, message: string) =>
    conn.send({
      type: CommandType.PARTITIONED_METADATA_RESPONSE,
      partitionMetadataResponse: { request_id: r.request_id, response: RESPONSE_FAILED, error, message },
    });
  await withLookupPermit(conn, fail, async () => {
    try {
      const name = TopicName.parse(r.topic);
      // Before forClient, which may create the partitioned topic's metadata.
      await authorizeTopic(conn, name, 'lookup');
      const partitions = await conn.broker.partitions.forClient(
        name,
        r.metadata_auto_creation_enabled ?? true,
      );
      conn.send({
        type: CommandType.PARTITIONED_METADATA_RESPONSE,
        partitionMetadataResponse: { request_id: r.request_id, partitions, response: RESPONSE_SUCCESS },
      });
    } catch (err) {
      const e = toServerError(err);
      fail(e.code, e.message);
    }
  });
};
