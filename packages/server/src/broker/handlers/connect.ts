// CommandConnect (auth_method_name, auth_data, original_principal, original_auth_data,
// feature_flags) → CommandConnected (server_version, protocol_version = min(client, ours),
// max_message_size), or CommandError(-1, AuthenticationError / AuthorizationError) and close.
import { CommandType, PROTOCOL_VERSION, ServerError, type CommandConnect } from '@magnetar/protocol';
import {
  AuthSession,
  authMethodOf,
  authenticateCredential,
  refusalMessage,
  type Authenticated,
} from '../connection/auth-session.js';
import type { ServerConnection } from '../connection/server-connection.js';
import { SERVER_VERSION } from '../connection/server-version.js';
import type { Handler } from './types.js';

export { SERVER_VERSION };

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
  if (!conn.broker.authentication.enabled) {
    completeConnect(conn);
    return;
  }
  // Explicit state while the credentials are checked: any frame that arrives meanwhile closes the
  // connection (see ServerConnection.dispatch), and the CONNECT timeout still applies.
  conn.state = 'authenticating';
  authenticateConnect(conn, c).then(
    (outcome) => {
      if (conn.state !== 'authenticating') return;
      if ('refused' in outcome) {
        refuseConnect(conn, outcome.refused, outcome.message);
        return;
      }
      conn.authSession = outcome.session;
      completeConnect(conn);
      outcome.session.start();
    },
    (err: unknown) => {
      if (conn.state === 'authenticating') conn.failAuthentication(refusalMessage(err), err);
    },
  );
};

/** What authenticating a CONNECT decided (authentication failures reject instead). */
type ConnectOutcome = { session: AuthSession } | { refused: number; message: string };

/**
 * Authenticates a CONNECT as Pulsar's ServerCnx.handleConnect: the connection's own credential
 * first; for a proxy with authenticateOriginalAuthData, then the client's forwarded one
 * (original_auth_method / original_auth_data), whose role becomes the original principal;
 * otherwise original_principal is taken as given. With authorization enabled, the combination
 * of roles must be legal (validateOriginalPrincipal) and only a proxy role may set proxy_version.
 * Rejects with the authentication failure; sets `conn.principal` on success.
 */
export async function authenticateConnect(
  conn: ServerConnection,
  c: CommandConnect,
): Promise<ConnectOutcome> {
  const broker = conn.broker;
  const method = authMethodOf(c.auth_method_name, c.auth_method);
  const own: Authenticated = {
    method,
    identity: await authenticateCredential(conn, method, c.auth_data ?? EMPTY, true),
  };
  let originalPrincipal = c.original_principal;
  let original: Authenticated | undefined;
  if (originalPrincipal !== undefined && broker.config.authenticateOriginalAuthData) {
    const originalMethod = authMethodOf(c.original_auth_method, undefined);
    const data = Buffer.from(c.original_auth_data ?? '', 'utf8');
    original = {
      method: originalMethod,
      identity: await authenticateCredential(conn, originalMethod, data, false),
    };
    originalPrincipal = original.identity.role;
  }
  const principal = { role: own.identity.role, originalPrincipal };
  const authz = broker.authorization;
  if (authz.enabled) {
    const invalid = authz.validateOriginalPrincipal(principal);
    if (invalid !== undefined)
      return { refused: ServerError.AuthorizationError, message: `Invalid roles: ${invalid}` };
    if (c.proxy_version !== undefined && !authz.isProxyRole(principal.role)) {
      return {
        refused: ServerError.AuthorizationError,
        message: 'Must not set proxyVersion without connecting as a proxy role',
      };
    }
  }
  conn.principal = principal;
  return {
    session: new AuthSession(conn, {
      own,
      original,
      proxied: c.original_principal !== undefined,
      supportsRefresh: c.feature_flags?.supports_auth_refresh === true,
    }),
  };
}

const EMPTY = new Uint8Array(0);

function refuseConnect(conn: ServerConnection, code: number, message: string): void {
  conn.log.warn({ code, reason: message }, 'CONNECT refused');
  conn.send({ type: CommandType.ERROR, error: { request_id: -1, error: code, message } });
  conn.close(`CONNECT refused: ${message}`);
}

function completeConnect(conn: ServerConnection): void {
  conn.connectSucceeded();
  const authEnabled = conn.broker.authentication.enabled;
  conn.send({
    type: CommandType.CONNECTED,
    connected: {
      server_version: SERVER_VERSION,
      protocol_version: conn.protocolVersion,
      max_message_size: conn.broker.config.maxMessageSize,
      feature_flags: {
        // Pulsar's brokers leave this unset; Magnetar says whether it may send AUTH_CHALLENGE.
        supports_auth_refresh: authEnabled,
        supports_broker_entry_metadata: false,
        supports_partial_producer: false,
        supports_topic_watchers: false,
      },
    },
  });
  conn.startKeepAlive();
  conn.log.debug(
    { client: conn.clientVersion, protocol: conn.protocolVersion, role: conn.principal.role },
    'connected',
  );
}
