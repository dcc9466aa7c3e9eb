/**
 * A TableView (Pulsar's TableView): a key → latest value map kept from a topic. It loads the
 * compacted view of each partition first (a read_compacted reader from the earliest message up to
 * the last message id the broker reports), then follows new messages. Messages without a key are
 * ignored; a message with a null value or an empty payload removes its key, as compaction does.
 */
import { MessageId } from './message-id.js';
import type { Message } from './consumer/message.js';
import type { Reader, ReaderConfig } from './reader.js';
import type { Schema } from './schema/schema.js';

export interface TableViewConfig<T> {
  topic: string;
  /** Decodes values (raw Buffers without one). */
  schema?: Schema<T>;
  receiverQueueSize?: number;
}

/** Called with (key, value) for every update; value is null when the key was removed. */
export type TableViewListener<T> = (key: string, value: T | null) => void;

/** What a TableView needs from the client: readers and the partition count. */
export interface TableViewHost {
  createReader(config: ReaderConfig): Promise<Reader>;
  getPartitionCount(topic: string): Promise<number>;
}

/** A TableView's life: loading the initial view, following updates, closed. */
type State = 'loading' | 'live' | 'closed';

export class TableView<T = Buffer> {
  private readonly data = new Map<string, T>();
  private readonly listeners = new Set<TableViewListener<T>>();
  private state: State = 'loading';
  private following: Promise<void>[] = [];
  private readonly closeHooks: (() => void)[] = [];

  private constructor(
    private readonly readers: Reader[],
    private readonly schema: Schema<T> | undefined,
  ) {}

  static async create<T>(host: TableViewHost, config: TableViewConfig<T>): Promise<TableView<T>> {
    const n = await host.getPartitionCount(config.topic);
    const topics =
      n === 0 ? [config.topic] : Array.from({ length: n }, (_, i) => `${config.topic}-partition-${i}`);
    const readers: Reader[] = [];
    try {
      for (const topic of topics) {
        readers.push(
          await host.createReader({
            topic,
            startMessageId: MessageId.earliest(),
            readCompacted: true,
            receiverQueueSize: config.receiverQueueSize,
          }),
        );
      }
    } catch (err) {
      await Promise.allSettled(readers.map((r) => r.close()));
      throw err;
    }
    const view = new TableView<T>(readers, config.schema);
    try {
      await Promise.all(readers.map((r) => view.loadExisting(r)));
    } catch (err) {
      await view.close();
      throw err;
    }
    view.state = 'live';
    // Readers reconnect on their own; readNext fails only once the view closes them.
    view.following = readers.map((r) => view.follow(r).catch(() => undefined));
    return view;
  }

  get(key: string): T | undefined {
    return this.data.get(key);
  }

  has(key: string): boolean {
    return this.data.has(key);
  }

  get size(): number {
    return this.data.size;
  }

  keys(): IterableIterator<string> {
    return this.data.keys();
  }

  entries(): IterableIterator<[string, T]> {
    return this.data.entries();
  }

  forEach(fn: (value: T, key: string) => void): void {
    this.data.forEach((v, k) => fn(v, k));
  }

  /**
   * Calls `fn` with every entry the view holds now (its initial state), then with every update.
   * Returns a function that stops the calls.
   */
  listen(fn: TableViewListener<T>): () => void {
    for (const [k, v] of this.data) fn(k, v);
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Runs `hook` when the view closes (the client stops tracking it). */
  onClose(hook: () => void): void {
    this.closeHooks.push(hook);
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const hook of this.closeHooks.splice(0)) hook();
    this.listeners.clear();
    await Promise.allSettled(this.readers.map((r) => r.close()));
    await Promise.allSettled(this.following);
  }

  /** Reads until the last message that existed when the view was created. */
  private async loadExisting(reader: Reader): Promise<void> {
    while (await reader.hasNext()) this.apply(await reader.readNext());
  }

  /** Applies new messages until the view is closed. */
  private async follow(reader: Reader): Promise<void> {
    while (this.state === 'live') {
      let msg: Message;
      try {
        msg = await reader.readNext();
      } catch (err) {
        if (this.state !== 'live') return;
        throw err;
      }
      if (this.state === 'live') this.apply(msg);
    }
  }

  private apply(msg: Message): void {
    const key = msg.getPartitionKey();
    if (key === undefined) return;
    let value: T | null = null;
    if (!msg.isNullValue() && msg.getData().length > 0) {
      value = this.schema ? this.schema.decode(msg.getData()) : (msg.getData() as T);
      this.data.set(key, value);
    } else {
      this.data.delete(key);
    }
    for (const fn of [...this.listeners]) {
      try {
        fn(key, value);
      } catch {
        // A throwing listener must not stop the view from following the topic.
      }
    }
  }
}
