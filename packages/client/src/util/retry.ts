import { isRetriable } from '../errors.js';
import type { Backoff } from './backoff.js';
import type { TimeSource } from './clock.js';

/**
 * Runs `attempt` until it succeeds, retrying retriable failures with `backoff` until `timeoutMs`
 * has passed; the first non-retriable failure, or the last one at the deadline, is thrown. This is
 * how producers and consumers are first created: a topic being loaded or moved answers with a
 * retriable error, and the official clients keep trying for the operation timeout.
 */
export async function retryUntilDeadline(
  time: TimeSource,
  timeoutMs: number,
  backoff: Backoff,
  attempt: () => Promise<void>,
): Promise<void> {
  const deadline = time.now() + timeoutMs;
  for (;;) {
    try {
      await attempt();
      return;
    } catch (err) {
      if (!isRetriable(err) || time.now() + 100 > deadline) throw err;
      const wait = Math.min(backoff.next(), deadline - time.now());
      await new Promise<void>((r) => time.after(wait, r));
    }
  }
}
