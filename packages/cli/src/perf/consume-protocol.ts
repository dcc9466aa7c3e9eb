/**
 * The messages between a perf run and its consumer thread (consume-thread.ts on the run's side,
 * consume-worker.ts inside the worker): one request at a time per operation, each answered once
 * with the same id, in order. Everything here is structured-cloneable; latency histograms cross as
 * HdrHistogram's encoded form, never as percentiles, so that the run can add them up.
 */
import type { ConsumeSnapshot } from './consume-side.js';
import type { PerfOptions } from './options.js';
import type { Throughput } from './stats.js';

/** `workerData` of the consumer thread: the run's options, credentials included (never printed). */
export interface ConsumeWorkerData {
  opts: PerfOptions;
}

/** The answer to each operation. */
export interface ConsumeReplies {
  /** Subscribes every consumer and starts the receive loops. */
  start: { count: number };
  /** Rate since the previous sample and the latencies recorded since then (encoded histogram). */
  sample: { rate: Throughput; latency: string; totalReceived: number };
  snapshot: ConsumeSnapshot;
  waitFor: boolean;
  /** Errors and the latencies recorded since the last sample (encoded histogram). */
  finish: { errors: number; firstError: string | undefined; latency: string };
  /** Closes the consumers and the client; the worker then ends. */
  close: null;
}

export type ConsumeOp = keyof ConsumeReplies;

/** The arguments of each operation. */
export interface ConsumeArgs {
  start: Record<string, never>;
  sample: { resetAfter: boolean };
  snapshot: Record<string, never>;
  waitFor: { target: number; idleMs: number; limitMs: number };
  finish: Record<string, never>;
  close: Record<string, never>;
}

export type ConsumeRequest = {
  [K in ConsumeOp]: { id: number; op: K; args: ConsumeArgs[K] };
}[ConsumeOp];

export type ConsumeReply =
  | { id: number; ok: true; value: ConsumeReplies[ConsumeOp] }
  | { id: number; ok: false; error: SerializedError };

/** An Error as it crosses the thread boundary: its message, and the codes that explain it. */
export interface SerializedError {
  name: string;
  message: string;
  /** The client's error code (e.g. a broker's ServerError name), when it has one. */
  code?: string;
  /** `cause.code`, e.g. Node's reason for a failed TLS handshake (describeClientError reads it). */
  causeCode?: string;
}

const stringCode = (x: unknown): string | undefined => {
  const code = (x as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};

export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const out: SerializedError = { name: err.name, message: err.message };
  const code = stringCode(err);
  const causeCode = stringCode(err.cause);
  if (code !== undefined) out.code = code;
  if (causeCode !== undefined) out.causeCode = causeCode;
  return out;
}

/** An error raised in the consumer thread, with the worker's message, name and codes. */
export class ConsumerThreadError extends Error {
  override readonly name: string;
  readonly code: string | undefined;

  constructor(e: SerializedError) {
    super(e.message, e.causeCode === undefined ? undefined : { cause: { code: e.causeCode } });
    this.name = e.name;
    this.code = e.code;
  }
}
