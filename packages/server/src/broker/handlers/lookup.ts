// CommandLookupTopic (topic, advertised_listener_name) → CommandLookupTopicResponse: a standalone
// broker owns every topic, persistent and non-persistent, so it always answers Connect with the
// URLs of the named listener (brokerServiceUrl, brokerServiceUrlTls) and authoritative = true; a
// worker of a multi-core standalone answers Connect with the owning worker's own URLs, as a Pulsar
// broker does once a topic's owner is known. Refusals are response Failed with error and message.
import { CommandType, LookupType, ServerError, TopicName } from '@magnetar/protocol';
import { toServerError } from '../errors.js';
import { authorizeTopic } from './authorize.js';
import { withLookupPermit } from './lookup-permits.js';
import type { Handler } from './types.js';

export const handleLookup: Handler = async (conn, cmd) => {
  const l = cmd.lookupTopic!;
  const fail = (error: number, message: string) =>
    conn.send({
      type: CommandType.LOOKUP_RESPONSE,
      lookupTopicResponse: { request_id: l.request_id, response: LookupType.Failed, error, message },
    });
  await withLookupPermit(conn, fail, async () => {
    try {
      const name = TopicName.parse(l.topic);
      await authorizeTopic(conn, name, 'lookup');
      // The URLs of the listener the client names (PIP-61) on the owner; an unknown name is ServiceNotReady.
      const urls = conn.broker.lookupUrls(name, l.advertised_listener_name);
      conn.send({
        type: CommandType.LOOKUP_RESPONSE,
        lookupTopicResponse: {
          request_id: l.request_id,
          response: LookupType.Connect,
          brokerServiceUrl: urls.brokerServiceUrl,
          brokerServiceUrlTls: urls.brokerServiceUrlTls,
          authoritative: true,
          proxy_through_service_url: false,
        },
      });
    } catch (err) {
      const e = toServerError(err);
      fail(e.code === ServerError.UnknownError ? ServerError.NotAllowedError : e.code, e.message);
    }
  });
};
