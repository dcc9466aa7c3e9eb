import type { ConnectionPool } from './connection/pool.js';
import type { LookupService } from './connection/lookup.js';
import type { Logger } from './logger.js';
import type { TimeSource } from './util/clock.js';

/**
 * What producers, consumers and readers need from their Client: discovery, connections, ids and
 * the timeouts. Passed down instead of the Client itself so those modules do not import it.
 */
export interface ClientContext {
  readonly lookup: LookupService;
  readonly pool: ConnectionPool;
  readonly operationTimeoutMs: number;
  readonly log: Logger;
  /** Time and timers for every timer-driven part of the client (a ManualClock in tests). */
  readonly time: TimeSource;
  newProducerId(): number;
  newConsumerId(): number;
  /** Registers a closeable so `client.close()` can close it; returns the unregister function. */
  track(closeable: { close(): Promise<void> }): () => void;
}
