/**
 * What the primary of a multi-core standalone tells a worker it forks (multicore/primary.ts), kept
 * apart from worker.ts so that a single-process start can name it without loading the worker code.
 */
export interface WorkerSpec {
  index: number;
  workers: number;
}

/** The environment variable carrying a forked worker's WorkerSpec. */
export const WORKER_SPEC_ENV = 'MAGNETAR_WORKER';
