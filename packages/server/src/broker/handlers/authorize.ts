// Authorization of the commands that open something on a topic or namespace: PRODUCER,
// SUBSCRIBE, LOOKUP, PARTITIONED_METADATA, GET_SCHEMA, GET_OR_CREATE_SCHEMA, GET_TOPICS_OF_NAMESPACE.
import { ServerError, type TopicName } from '@magnetar/protocol';
import type { Principal } from '../../auth/types.js';
import type { ServerConnection } from '../connection/server-connection.js';
import { BrokerError } from '../errors.js';

/** What a command wants to do with a topic; `lookup` covers reading its metadata and schema. */
export type TopicAction = 'produce' | 'consume' | 'lookup';

const VERBS: Record<TopicAction, string> = { produce: 'produce', consume: 'consume', lookup: 'look up' };

/**
 * Checks that the connection's principal may do `action` on `topic` (for `consume`, on
 * `subscription`), before the command has any side effect: a refused producer must not create
 * its topic. Throws BrokerError(AuthorizationError) naming the role and the topic, as the
 * command's refusal; a failure of the check itself is refused the same way, as Pulsar does.
 */
export async function authorizeTopic(
  conn: ServerConnection,
  topic: TopicName,
  action: TopicAction,
  subscription?: string,
): Promise<void> {
  const authz = conn.broker.authorization;
  if (!authz.enabled) return;
  const principal = conn.principal;
  let allowed: boolean;
  try {
    if (action === 'produce') allowed = await authz.canProduce(topic, principal);
    else if (action === 'consume') allowed = await authz.canConsume(topic, principal, subscription);
    else allowed = await authz.canLookup(topic, principal);
  } catch (err) {
    conn.log.warn({ err, topic: topic.toString(), action }, 'authorization check failed');
    throw new BrokerError(
      ServerError.AuthorizationError,
      `Exception occurred while trying to authorize ${VERBS[action]} on ${topic.toString()}`,
      false,
      { cause: err },
    );
  }
  if (allowed) return;
  const target = subscription === undefined ? '' : ` with subscription ${JSON.stringify(subscription)}`;
  const message = `${describe(principal)} is not authorized to ${VERBS[action]} on topic ${topic.toString()}${target}`;
  conn.log.warn(
    { role: principal.role, originalPrincipal: principal.originalPrincipal, topic: topic.toString(), action },
    message,
  );
  throw new BrokerError(ServerError.AuthorizationError, message);
}

/** As authorizeTopic, for listing the topics of a namespace ("tenant/ns"). */
export async function authorizeNamespace(conn: ServerConnection, namespace: string): Promise<void> {
  const authz = conn.broker.authorization;
  if (!authz.enabled) return;
  const principal = conn.principal;
  let allowed: boolean;
  try {
    allowed = await authz.canUseNamespace(namespace, principal);
  } catch (err) {
    conn.log.warn({ err, namespace }, 'authorization check failed');
    throw new BrokerError(
      ServerError.AuthorizationError,
      `Exception occurred while trying to authorize listing the topics of ${namespace}`,
      false,
      { cause: err },
    );
  }
  if (allowed) return;
  const message = `${describe(principal)} is not authorized to list the topics of namespace ${namespace}`;
  conn.log.warn({ role: principal.role, originalPrincipal: principal.originalPrincipal, namespace }, message);
  throw new BrokerError(ServerError.AuthorizationError, message);
}

/** "Role "x"" or, through a proxy, "Role "proxy" for original principal "x"". */
function describe(p: Principal): string {
  const role = `Role ${JSON.stringify(p.role ?? '')}`;
  return p.originalPrincipal === undefined
    ? role
    : `${role} for original principal ${JSON.stringify(p.originalPrincipal)}`;
}
