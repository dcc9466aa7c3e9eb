// maxConcurrentLookupRequest: lookups (LOOKUP, PARTITIONED_METADATA) the broker answers at once,
// Pulsar's lookup semaphore. Past it a request is refused with TooManyRequests, which clients retry.
import { ServerError } from '@magnetar/protocol';
import { brokerLimits } from '../connection/admission.js';
import type { ServerConnection } from '../connection/server-connection.js';

/** Pulsar's message for a lookup refused by the semaphore. */
export const TOO_MANY_LOOKUPS = 'Failed due to too many pending lookup requests';

/**
 * Runs `answer` holding one of the broker's lookup permits, or refuses through `fail` with
 * TooManyRequests when none is free. The permit is returned once `answer` settles.
 */
export async function withLookupPermit(
  conn: ServerConnection,
  fail: (code: number, message: string) => void,
  answer: () => Promise<void>,
): Promise<void> {
  const limits = brokerLimits(conn.broker);
  if (!limits.tryAcquireLookup(conn.broker.config.maxConcurrentLookupRequest)) {
    conn.log.debug('lookup refused: maxConcurrentLookupRequest reached');
    fail(ServerError.TooManyRequests, TOO_MANY_LOOKUPS);
    return;
  }
  try {
    await answer();
  } finally {
    limits.releaseLookup();
  }
}
