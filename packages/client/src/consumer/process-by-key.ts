import { AlreadyClosedError } from '../errors.js';
import type { Logger } from '../logger.js';
import { KeyOrderedExecutor } from './key-ordered-executor.js';
import type { Message } from './message.js';

export interface ProcessByKeyOptions {
  /** Handlers running at once, across keys (default 8). */
  concurrency?: number;
  /** Messages received and waiting for their key's turn, at most (default 100). */
  maxPendingMessages?: number;
  /** Acknowledge each message when its handler resolves (default true). */
  autoAck?: boolean;
}

/** A running `processByKey`: `stop()` ends receiving and waits for the handlers in flight. */
export interface KeyedProcessing {
  stop(): Promise<void>;
  /** Settles when processing ended (stopped, or the consumer closed). */
  readonly done: Promise<void>;
}

/** The consumer operations processByKey uses. */
export interface KeyedSource {
  receiveUntil(signal: AbortSignal): Promise<Message>;
  acknowledge(message: Message): Promise<void>;
  negativeAcknowledge(message: Message): void;
}

/**
 * The key a message is ordered by: its ordering key, else its partition key — the sticky key
 * Key_Shared uses — as bytes. Messages without a key all share one lane, so they keep their order.
 */
export function processingKeyOf(msg: Message): string {
  const ordering = msg.getOrderingKey();
  if (ordering !== undefined) return `k:${ordering.toString('base64')}`;
  const key = msg.getPartitionKey();
  return key === undefined ? '' : `k:${Buffer.from(key, 'utf8').toString('base64')}`;
}

/**
 * Receives messages and runs `handler` on them, concurrently for different keys and in order for
 * one key. A handler that throws gets its message negatively acknowledged (redelivered later, as a
 * listener's failure would be); with autoAck, one that resolves gets it acknowledged.
 */
export function processByKey(
  source: KeyedSource,
  handler: (message: Message) => void | Promise<void>,
  options: ProcessByKeyOptions,
  log: Logger,
): KeyedProcessing {
  const executor = new KeyOrderedExecutor(options.concurrency ?? 8, options.maxPendingMessages ?? 100);
  const autoAck = options.autoAck ?? true;
  const abort = new AbortController();
  const handle = async (msg: Message) => {
    try {
      await handler(msg);
    } catch (err) {
      log('warn', `processByKey handler failed for ${msg.getMessageId().toString()}: ${String(err)}`);
      try {
        source.negativeAcknowledge(msg);
      } catch {
        // The consumer closed meanwhile; the broker redelivers the message anyway.
      }
      return;
    }
    if (autoAck) await source.acknowledge(msg).catch(() => undefined);
  };
  const done = (async () => {
    for (;;) {
      let msg: Message;
      try {
        msg = await source.receiveUntil(abort.signal);
      } catch (err) {
        if (abort.signal.aborted || err instanceof AlreadyClosedError) break;
        throw err;
      }
      await executor.submit(processingKeyOf(msg), () => handle(msg));
    }
    await executor.idle();
  })();
  return {
    done,
    async stop() {
      abort.abort(new AlreadyClosedError('processByKey'));
      await done;
    },
  };
}
