/**
 * @magnetar/server: the broker, its storage and metadata layers, admin HTTP and configuration.
 */
export { startStandalone } from './standalone.js';
export type { Standalone, StandaloneOptions } from './standalone.js';
export { BrokerService } from './broker/broker-service.js';
export { BrokerError } from './broker/errors.js';
export * from './config/index.js';
export * from './admin/index.js';
export { createLogger } from './logging.js';
export type { Logger, LoggerOptions } from './logging.js';
export * from './util/clock.js';
export type * from './storage/types.js';
export type * from './metadata/types.js';
import type { startPrimary as startPrimaryNow } from './multicore/primary.js';
import type { startWorker as startWorkerNow } from './multicore/worker.js';

export type { Primary, PrimaryOptions } from './multicore/primary.js';
export type { Worker } from './multicore/worker.js';
export { WORKER_SPEC_ENV, type WorkerSpec } from './multicore/worker-spec.js';
export { WorkerCountError } from './multicore/worker-count.js';
export { ownerOf } from './multicore/ownership.js';

// The multi-core standalone's primary and worker code is loaded only when --workers asks for it.
type StartPrimary = typeof startPrimaryNow;
type StartWorker = typeof startWorkerNow;

/** Starts the primary of a multi-core standalone (docs/design/0001-multi-core-standalone.md). */
export async function startPrimary(...args: Parameters<StartPrimary>): ReturnType<StartPrimary> {
  return (await import('./multicore/primary.js')).startPrimary(...args);
}

/** Starts one worker of a multi-core standalone, in a process the primary forked. */
export async function startWorker(...args: Parameters<StartWorker>): ReturnType<StartWorker> {
  return (await import('./multicore/worker.js')).startWorker(...args);
}
