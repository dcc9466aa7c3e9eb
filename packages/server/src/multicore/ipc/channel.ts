/**
 * One end of the IPC channel between the primary and a worker, carrying IpcMessages. The ends are
 * a worker's `process` and the primary's `cluster.Worker`; tests pair two ends in memory through
 * the same JSON round trip (see `memoryChannelPair`).
 */
import { decodeMessage, encodeMessage, IpcCodecError, type IpcMessage } from './messages.js';

export interface IpcChannel {
  /** Sends `m`; false when the other end is gone (the message is dropped). */
  send(m: IpcMessage): boolean;
  /** Calls `listener` for every well-formed message; returns an unsubscribe function. */
  onMessage(listener: (m: IpcMessage) => void): () => void;
}

/** What both process.send and cluster.Worker offer. */
interface Endpoint {
  send?(message: unknown): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
  isConnected?(): boolean;
  connected?: boolean;
}

/**
 * The channel over a node IPC endpoint. Messages of other kinds (none are expected) and malformed
 * ones are handed to `onInvalid` and dropped.
 */
export function endpointChannel(end: Endpoint, onInvalid: (err: IpcCodecError) => void): IpcChannel {
  return {
    send(m) {
      const connected = end.isConnected ? end.isConnected() : end.connected !== false;
      if (!connected || !end.send) return false;
      try {
        return end.send(encodeMessage(m));
      } catch {
        // The channel closed between the check and the write: the other end is gone.
        return false;
      }
    },
    onMessage(listener) {
      const raw = (message: unknown): void => {
        let m: IpcMessage;
        try {
          m = decodeMessage(message);
        } catch (err) {
          if (err instanceof IpcCodecError) return onInvalid(err);
          throw err;
        }
        listener(m);
      };
      end.on('message', raw);
      return () => end.off('message', raw);
    },
  };
}

/**
 * Two connected in-memory ends for tests: each message goes through encode, JSON text and decode,
 * and arrives on a later macrotask, as over a real channel.
 */
export function memoryChannelPair(): [IpcChannel, IpcChannel] {
  const listeners: [Set<(m: IpcMessage) => void>, Set<(m: IpcMessage) => void>] = [new Set(), new Set()];
  const end = (self: 0 | 1): IpcChannel => ({
    send(m) {
      const text = JSON.stringify(encodeMessage(m));
      setImmediate(() => {
        const decoded = decodeMessage(JSON.parse(text));
        for (const l of listeners[1 - self]) l(decoded);
      });
      return true;
    },
    onMessage(listener) {
      listeners[self].add(listener);
      return () => listeners[self].delete(listener);
    },
  });
  return [end(0), end(1)];
}
