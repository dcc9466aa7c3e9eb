import { CommandType, LookupType, type BaseCommand } from '@magnetar/protocol';

/**
 * Requests a handler answers after an await (storage, metadata, authorization). Each one holds a
 * place among the connection's maxPendingRequestsPerConnection until it is answered.
 */
export const ASYNC_REQUESTS: ReadonlySet<number> = new Set([
  CommandType.LOOKUP,
  CommandType.PARTITIONED_METADATA,
  CommandType.GET_TOPICS_OF_NAMESPACE,
  CommandType.PRODUCER,
  CommandType.SUBSCRIBE,
  CommandType.UNSUBSCRIBE,
  CommandType.SEEK,
  CommandType.GET_LAST_MESSAGE_ID,
  CommandType.GET_SCHEMA,
  CommandType.GET_OR_CREATE_SCHEMA,
]);

/**
 * The frame that refuses `cmd` with `code`, in the form its client waits for: the lookup, partition
 * metadata and schema commands have their own responses with an error field (as Pulsar's
 * newLookupErrorResponse, newPartitionMetadataResponse and the schema error responses); the
 * others get CommandError. Undefined when the command has no request id to answer.
 */
export function requestErrorFrame(cmd: BaseCommand, code: number, message: string): BaseCommand | undefined {
  switch (cmd.type) {
    case CommandType.LOOKUP: {
      const r = cmd.lookupTopic;
      if (!r) return undefined;
      return {
        type: CommandType.LOOKUP_RESPONSE,
        lookupTopicResponse: { request_id: r.request_id, response: LookupType.Failed, error: code, message },
      };
    }
    case CommandType.PARTITIONED_METADATA: {
      const r = cmd.partitionMetadata;
      if (!r) return undefined;
      return {
        type: CommandType.PARTITIONED_METADATA_RESPONSE,
        // CommandPartitionedTopicMetadataResponse.LookupType: 1 = Failed.
        partitionMetadataResponse: { request_id: r.request_id, response: 1, error: code, message },
      };
    }
    case CommandType.GET_SCHEMA: {
      const r = cmd.getSchema;
      if (!r) return undefined;
      return {
        type: CommandType.GET_SCHEMA_RESPONSE,
        getSchemaResponse: { request_id: r.request_id, error_code: code, error_message: message },
      };
    }
    case CommandType.GET_OR_CREATE_SCHEMA: {
      const r = cmd.getOrCreateSchema;
      if (!r) return undefined;
      return {
        type: CommandType.GET_OR_CREATE_SCHEMA_RESPONSE,
        getOrCreateSchemaResponse: { request_id: r.request_id, error_code: code, error_message: message },
      };
    }
    default: {
      const requestId = findRequestId(cmd);
      if (requestId === undefined) return undefined;
      return { type: CommandType.ERROR, error: { request_id: requestId, error: code, message } };
    }
  }
}

/** Finds `request_id` in whichever sub-command a BaseCommand carries, to answer failures. */
export function findRequestId(cmd: BaseCommand): number | undefined {
  for (const [k, v] of Object.entries(cmd)) {
    if (k === 'type' || !v || typeof v !== 'object') continue;
    const id = (v as { request_id?: unknown }).request_id;
    if (typeof id === 'number') return id;
  }
  return undefined;
}
