/**
 * Entry point of the consumer thread of `magnetar perf e2e`: its own client (the run's --client,
 * and so its own connection) and the run's consumers, answering the run's requests (consume-protocol.ts). Loaded
 * only as a worker, from the compiled file (consume-thread.ts finds it).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ConsumeLoad } from './consume-load.js';
import {
  serializeError,
  type ConsumeArgs,
  type ConsumeOp,
  type ConsumeReplies,
  type ConsumeReply,
  type ConsumeRequest,
  type ConsumeWorkerData,
} from './consume-protocol.js';
import { createPerfClient, type PerfClient } from './driver.js';
import type { PerfOptions } from './options.js';

const now = (): number => performance.now();

/** The worker's side of each operation. */
class ConsumeService {
  private client: PerfClient | undefined;
  private readonly load: ConsumeLoad;

  constructor(private readonly opts: PerfOptions) {
    this.load = new ConsumeLoad(opts, now);
  }

  async handle<K extends ConsumeOp>(op: K, args: ConsumeArgs[K]): Promise<ConsumeReplies[ConsumeOp]> {
    const load = this.load;
    switch (op) {
      case 'start':
        return this.start();
      case 'sample': {
        const t = now();
        const rate = load.meter.interval(t);
        const latency = load.latency.takeInterval();
        if ((args as ConsumeArgs['sample']).resetAfter) load.resetStats(t);
        return { rate, latency, totalReceived: load.totalReceived };
      }
      case 'snapshot':
        return { totalReceived: load.totalReceived, messages: load.meter.messages, bytes: load.meter.bytes };
      case 'waitFor': {
        const { target, idleMs, limitMs } = args as ConsumeArgs['waitFor'];
        return load.waitFor(target, idleMs, limitMs);
      }
      case 'finish':
        return { errors: load.errors, firstError: load.firstError, latency: load.latency.takeInterval() };
      case 'close':
        await this.close();
        return null;
      default:
        throw new Error(`unknown request ${String(op)}`);
    }
  }

  private async start(): Promise<{ count: number }> {
    this.client = await createPerfClient(this.opts);
    await this.load.start(this.client);
    return { count: this.load.count };
  }

  private async close(): Promise<void> {
    await this.load.close();
    await this.client?.close();
  }
}

const port = parentPort;
if (!port) throw new Error('consume-worker.js runs as a worker thread of `magnetar perf e2e`');
const service = new ConsumeService((workerData as ConsumeWorkerData).opts);
port.on('message', (req: ConsumeRequest) => {
  const reply = (r: ConsumeReply): void => port.postMessage(r);
  service.handle(req.op, req.args).then(
    (value) => {
      reply({ id: req.id, ok: true, value });
      // Nothing else keeps the thread alive once the client is closed: it ends by itself.
      if (req.op === 'close') port.close();
    },
    (err: unknown) => reply({ id: req.id, ok: false, error: serializeError(err) }),
  );
});
