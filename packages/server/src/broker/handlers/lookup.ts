// CommandLookupTopic → CommandLookupTopicResponse: a standalone broker owns every topic, so it
// always answers Connect with its own URL and authoritative = true.
import { CommandType, LookupType, ServerError, TopicName } from '@magnetar/protocol';
import { notAllowed, toServerError } from '../errors.js';
import type { Handler } from './types.js';

export const handleLookup: Handler = (conn, cmd) => {
  const l = cmd.lookupTopic!;
  try {
    const name = TopicName.parse(l.topic);
    if (name.domain !== 'persistent') throw notAllowed('non-persistent topics are not supported yet');
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
