// CommandLookupTopic → CommandLookupTopicResponse: a standalone broker owns every topic, persistent
// and non-persistent, so it always answers Connect with its own URL and authoritative = true.
import { CommandType, LookupType, ServerError, TopicName } from '@magnetar/protocol';
import { toServerError } from '../errors.js';
import type { Handler } from './types.js';

export const handleLookup: Handler = (conn, cmd) => {
  const l = cmd.lookupTopic!;
  try {
    TopicName.parse(l.topic);
    conn.send({
      type: CommandType.LOOKUP_RESPONSE,
      lookupTopicResponse: {
        request_id: l.request_id,
        response: LookupType.Connect,
        brokerServiceUrl: conn.broker.brokerServiceUrl,
        authoritative: true,
        proxy_through_service_url: false,
      },
    });
  } catch (err) {
    const e = toServerError(err);
    conn.send({
      type: CommandType.LOOKUP_RESPONSE,
      lookupTopicResponse: {
        request_id: l.request_id,
        response: LookupType.Failed,
        error: e.code === ServerError.UnknownError ? ServerError.NotAllowedError : e.code,
        message: e.message,
      },
    });
  }
};
