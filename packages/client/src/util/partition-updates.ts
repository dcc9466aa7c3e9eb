import type { Logger } from '../logger.js';
import type { Cancel, TimeSource } from './clock.js';

/** Pulsar's default autoUpdatePartitionsInterval (60 s), for producers and consumers alike. */
export const DEFAULT_PARTITIONS_UPDATE_INTERVAL_MS = 60_000;

/**
 * Runs `check` every `intervalMs` on the client's clock, one run at a time: a check still waiting
 * for the broker when the next tick comes makes that tick a no-op, so a slow broker never piles up
 * PARTITIONED_METADATA requests. A failed check is logged and retried on the next tick, as the Java
 * client's partitionsAutoUpdateTimerTask does. `stop` cancels the timer and waits for a running check.
 */
export class PartitionUpdates {
  private cancel: Cancel | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly time: TimeSource,
    private readonly log: Logger,
    private readonly what: string,
    private readonly check: () => Promise<void>,
  ) {}

  start(intervalMs: number): void {
    this.cancel = this.time.every(intervalMs, () => void this.runOnce());
  }

  /** One check now, unless one is already running (then that one's completion). */
  runOnce(): Promise<void> {
    this.running ??= this.check()
      .catch((err: unknown) => this.log('warn', `${this.what}: partition update failed: ${String(err)}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    this.cancel?.();
    this.cancel = undefined;
    await this.running;
  }
}
