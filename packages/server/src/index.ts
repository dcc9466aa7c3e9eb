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
export { startPrimary, MulticoreConfigError, WorkerStartError } from './multicore/primary.js';
export type { Primary, PrimaryOptions } from './multicore/primary.js';
export { startWorker, WORKER_SPEC_ENV } from './multicore/worker.js';
export type { Worker, WorkerSpec } from './multicore/worker.js';
export { WorkerCountError } from './multicore/worker-count.js';
export { ownerOf } from './multicore/ownership.js';
