/**
 * The consumers of `magnetar perf e2e` in a worker thread, so that receiving does not compete with
 * publishing for the one thread of the run (on the e2e workload that thread, not the broker, was
 * the limit). The run's side of the worker: requests out, answers in, the worker's interval
 * histograms added into a recorder here, so that percentiles are taken over every count.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  ConsumerThreadError,
  type ConsumeArgs,
  type ConsumeOp,
  type ConsumeReplies,
  type ConsumeReply,
  type ConsumeRequest,
  type ConsumeWorkerData,
} from './consume-protocol.js';
import type { ConsumeFinal, ConsumeSample, ConsumeSide, ConsumeSnapshot } from './consume-side.js';
import type { PerfOptions } from './options.js';
import { LatencyRecorder } from './stats.js';

/** How long the worker may take to close its consumers and client before it is terminated. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * The compiled worker entry. Built, it sits beside this file (dist/perf). From the sources (vitest
 * runs src/perf/*.ts) it is the same package's compiled file: a Worker cannot load TypeScript.
 */
export function consumeWorkerUrl(base: string = import.meta.url): URL {
  return base.endsWith('.ts')
    ? new URL('../../dist/perf/consume-worker.js', base)
    : new URL('./consume-worker.js', base);
}

interface Pending {
  resolve: (value: ConsumeReplies[ConsumeOp]) => void;
  reject: (err: Error) => void;
}

export class ConsumeThread implements ConsumeSide {
  count = 0;
  /** Settles with the error when the worker fails or ends before it was asked to. */
  readonly failed: Promise<Error>;

  private worker: Worker | undefined;
  private exited: Promise<void> | undefined;
  private failure: Error | undefined;
  private onFailure!: (err: Error) => void;
  private closing = false;
  private ended = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The run's e2e latencies: every interval the worker sends is added here. */
  private readonly latency = new LatencyRecorder();

  constructor(
    private readonly opts: PerfOptions,
    private readonly workerUrl: URL = consumeWorkerUrl(),
  ) {
    this.failed = new Promise((resolve) => (this.onFailure = resolve));
  }

  /** Starts the worker, which subscribes every consumer. */
  async start(): Promise<void> {
    const file = fileURLToPath(this.workerUrl);
    if (!existsSync(file)) {
      throw new Error(
        `the consumer thread's entry ${file} is missing: build the CLI (npx tsc -b packages/cli) or use --single-thread`,
      );
    }
    const workerData: ConsumeWorkerData = { opts: this.opts };
    const worker = new Worker(this.workerUrl, { workerData });
    this.worker = worker;
    worker.on('message', (r: ConsumeReply) => this.onReply(r));
    worker.on('error', (err) => this.fail(new Error(`the consumer thread failed: ${err.message}`)));
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        if (!this.closing) this.fail(new Error(`the consumer thread exited unexpectedly (code ${code})`));
        // Whatever is still waiting will not be answered now.
        this.ended = true;
        this.rejectPending(this.failure ?? new Error('the consumer thread has ended'));
        resolve();
      }),
    );
    this.count = (await this.request('start', {})).count;
  }

  async sample(_nowMs: number, resetAfter: boolean): Promise<ConsumeSample> {
    const s = await this.request('sample', { resetAfter });
    this.latency.addInterval(s.latency);
    const latency = this.latency.roll();
    if (resetAfter) this.latency.reset();
    return { rate: s.rate, latency, totalReceived: s.totalReceived };
  }

  snapshot(): Promise<ConsumeSnapshot> {
    return this.request('snapshot', {});
  }

  waitFor(target: number, idleMs: number, limitMs: number): Promise<boolean> {
    return this.request('waitFor', { target, idleMs, limitMs });
  }

  async finish(): Promise<ConsumeFinal> {
    const f = await this.request('finish', {});
    this.latency.addInterval(f.latency);
    return { errors: f.errors, firstError: f.firstError, latency: this.latency.summary() };
  }

  /** Asks the worker to close its consumers and client and waits for it to end (or ends it). */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker || !this.exited) return;
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>(
      (resolve) => (timer = setTimeout(() => resolve(true), CLOSE_TIMEOUT_MS)),
    );
    try {
      if (!this.failure) await Promise.race([this.request('close', {}).catch(() => undefined), timedOut]);
      // pulsar-flex leaves a 10 s timer behind every request, which would keep the worker alive
      // after its consumers and connections are closed: end it once the close is answered.
      if (this.opts.client === 'pulsar-flex') await worker.terminate();
      else if (await Promise.race([this.exited.then(() => false), timedOut])) await worker.terminate();
    } finally {
      clearTimeout(timer);
    }
  }

  private request<K extends ConsumeOp>(op: K, args: ConsumeArgs[K]): Promise<ConsumeReplies[K]> {
    if (this.failure) return Promise.reject(this.failure);
    const worker = this.worker;
    if (!worker || this.ended) return Promise.reject(new Error('the consumer thread is not running'));
    const id = this.nextId++;
    return new Promise<ConsumeReplies[K]>((resolve, reject) => {
      // Each id is answered by the reply to its own op, so the value has that op's type.
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      worker.postMessage({ id, op, args } as ConsumeRequest);
    });
  }

  private onReply(r: ConsumeReply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (r.ok) p.resolve(r.value);
    else p.reject(new ConsumerThreadError(r.error));
  }

  /** The worker can no longer answer: every request, waiting or to come, fails with `err`. */
  private fail(err: Error): void {
    if (!this.failure) {
      this.failure = err;
      this.onFailure(err);
    }
    this.rejectPending(this.failure);
  }

  private rejectPending(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
