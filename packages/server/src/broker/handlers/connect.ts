// CommandConnect → CommandConnected (server_version, protocol_version = min(client, ours), max_message_size)
import { CommandType, PROTOCOL_VERSION } from '@magnetar/protocol';
import type { Handler } from './types.js';

export const SERVER_VERSION = 'Magnetar 0.1.0';

export const handleConnect: Handler = (conn, cmd) => {
  const c = cmd.connect;
  if (conn.state !== 'awaiting-connect') {
    conn.close('second CONNECT on an established connection');
    return;
  }
  if (!c) {
    conn.close('CONNECT without its body');
    return;
  }
  conn.clientVersion = c.client_version ?? '';
  conn.protocolVersion = Math.min(c.protocol_version ?? 0, PROTOCOL_VERSION);
  conn.state = 'connected';
  conn.send({
    type: CommandType.CONNECTED,
    connected: {
      server_version: SERVER_VERSION,
      protocol_version: conn.protocolVersion,
      max_message_size: conn.broker.config.maxMessageSize,
      feature_flags: {
        supports_auth_refresh: false,
        supports_broker_entry_metadata: false,
        supports_partial_producer: false,
        supports_topic_watchers: false,
      },
    },
  });
  conn.startKeepAlive();
  conn.log.debug({ client: conn.clientVersion, protocol: conn.protocolVersion }, 'connected');
};
