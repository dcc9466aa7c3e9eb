/**
 * Graceful shutdown on SIGTERM/SIGINT: the first signal closes the server and exits 0 once it has
 * closed; if closing takes longer than the limit, or fails, or a second signal arrives, the process
 * exits 1 at once, because an operator who asks twice wants the process gone.
 *
 * One Ctrl-C under `npm start` arrives twice within milliseconds: the terminal signals the whole
 * process group, and npm forwards the signal to its child as well. Signals within
 * SAME_REQUEST_WINDOW_MS of the first therefore count as the same request.
 */

export const SAME_REQUEST_WINDOW_MS = 500;

export interface ShutdownOptions {
  close(): Promise<void>;
  /** brokerShutdownTimeoutMs: the longest a graceful close may take. */
  timeoutMs: number;
  exit(code: number): void;
  log: { info(msg: string): void; error(obj: object, msg: string): void };
  /** Milliseconds clock; injectable for tests. */
  now?: () => number;
}

/** Returns the handler to install for each signal. */
export function createShutdownHandler(options: ShutdownOptions): (signal: string) => void {
  const now = options.now ?? Date.now;
  let firstSignalAt: number | undefined;
  return (signal) => {
    if (firstSignalAt !== undefined) {
      if (now() - firstSignalAt < SAME_REQUEST_WINDOW_MS) return;
      options.log.error({ signal }, 'second signal during shutdown, exiting now');
      options.exit(1);
      return;
    }
    firstSignalAt = now();
    options.log.info(`received ${signal}, shutting down`);
    const timer = setTimeout(() => {
      options.log.error({ timeoutMs: options.timeoutMs }, 'graceful shutdown timed out, exiting');
      options.exit(1);
    }, options.timeoutMs);
    options.close().then(
      () => {
        clearTimeout(timer);
        options.log.info('shut down cleanly');
        options.exit(0);
      },
      (err: unknown) => {
        clearTimeout(timer);
        options.log.error({ err }, 'shutdown failed');
        options.exit(1);
      },
    );
  };
}
