// CommandPartitionedTopicMetadata → CommandPartitionedTopicMetadataResponse. Partitioned topics
// arrive with the tenancy work; until then every topic answers partitions = 0 (not partitioned).
import { CommandType, TopicName } from '@magnetar/protocol';
import { toServerError } from '../errors.js';
import type { Handler } from './types.js';

const RESPONSE_SUCCESS = 0;
const RESPONSE_FAILED = 1;

export const handlePartitionedMetadata: Handler = (conn, cmd) => {
  const r = cmd.partitionMetadata!;
  try {
    TopicName.parse(r.topic);
    conn.send({
      type: CommandType.PARTITIONED_METADATA_RESPONSE,
      partitionMetadataResponse: { request_id: r.request_id, partitions: 0, response: RESPONSE_SUCCESS },
    });
  } catch (err) {
    const e = toServerError(err);
    conn.send({
      type: CommandType.PARTITIONED_METADATA_RESPONSE,
      partitionMetadataResponse: {
        request_id: r.request_id,
        response: RESPONSE_FAILED,
        error: e.code,
        message: e.message,
      },
    });
  }
};
