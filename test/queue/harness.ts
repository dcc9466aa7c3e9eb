/**
 * An in-process broker for queue-semantics tests: a real BrokerService, real managed ledgers on the
 * memory stores, and consumers attached through lightweight connection objects that decode the
 * MESSAGE frames the broker writes. No sockets, so a property test can run thousands of steps in
 * seconds, while the dispatch path (dispatcher, consumer, cursor) is the real one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CommandType,
  FrameDecoder,
  InitialPosition,
  SubType,
  TopicName,
  parseFrame,
  serializePayloadCommand,
  type BaseCommand,
  type Frame,
  type KeySharedMeta,
  type MessageMetadata,
} from '@magnetar/protocol';
import { BrokerService, createLogger, defaultConfig, type BrokerConfig } from '@magnetar/server';
import { MemoryMetadataStore } from '../../packages/server/src/metadata/memory-metadata-store.js';
import { MemoryLedgerStore } from '../../packages/server/src/storage/memory/memory-ledger-store.js';
import { ManagedLedgerFactoryImpl } from '../../packages/server/src/storage/managed-ledger/managed-ledger-factory.js';
import type { ServerConnection } from '../../packages/server/src/broker/connection/server-connection.js';
import type { Consumer } from '../../packages/server/src/broker/subscription/consumer.js';
import type { Subscription } from '../../packages/server/src/broker/subscription/subscription.js';
import type { PersistentTopic } from '../../packages/server/src/broker/topic/persistent-topic.js';
import {
  ManualClock,
  systemClock,
  systemScheduler,
  type Clock,
  type Scheduler,
} from '../../packages/server/src/util/clock.js';
import type { Position } from '../../packages/server/src/storage/types.js';

/** One MESSAGE received by a test consumer. */
export interface Received {
  readonly position: Position;
  readonly redeliveryCount: number;
  readonly ackSet: number[] | undefined;
  readonly metadata: MessageMetadata;
  readonly payload: string;
}

/** The connection's output: what Consumer.deliver writes. `writable` false simulates a full socket. */
class TestOutbound {
  writable = true;
  constructor(private readonly sink: (b: Buffer) => void) {}
  write(b: Buffer): void {
    this.sink(b);
  }
}

/** Stands in for a ServerConnection: collects what the broker writes and decodes it. */
export class TestConnection {
  readonly consumers = new Map<number, Consumer>();
  readonly received = new Map<number, Received[]>();
  readonly commands: BaseCommand[] = [];
  protocolVersion = 20;
  private readonly decoder = new FrameDecoder();
  readonly out = new TestOutbound((b) => this.onBytes(b));

  constructor(readonly broker: BrokerService) {}

  send(cmd: BaseCommand): void {
    this.commands.push(cmd);
  }

  /** Consumers turned away by a full socket; `drain()` wakes their dispatchers, as a socket drain does. */
  private readonly drainWaiters = new Set<Consumer>();
  wakeOnDrain(c: Consumer): void {
    this.drainWaiters.add(c);
  }
  drain(): void {
    this.out.writable = true;
    const waiting = [...this.drainWaiters];
    this.drainWaiters.clear();
    for (const c of waiting) c.subscription.dispatcher?.wake();
  }

  messagesOf(consumerId: number): Received[] {
    let list = this.received.get(consumerId);
    if (!list) {
      list = [];
      this.received.set(consumerId, list);
    }
    return list;
  }

  private onBytes(b: Buffer): void {
    this.decoder.push(b);
    for (let f = this.decoder.next(); f; f = this.decoder.next()) this.onFrame(f);
  }

  private onFrame(f: Frame): void {
    const m = f.command.message;
    if (f.command.type !== CommandType.MESSAGE || !m || !f.payload) return;
    this.messagesOf(m.consumer_id).push({
      position: { ledgerId: m.message_id.ledgerId, entryId: m.message_id.entryId },
      redeliveryCount: m.redelivery_count ?? 0,
      ackSet: m.ack_set,
      metadata: f.payload.metadata,
      payload: f.payload.payload.toString(),
    });
  }
}

export interface Harness {
  broker: BrokerService;
  clock: ManualClock | undefined;
  topic: PersistentTopic;
  dataDir: string;
  /** Appends one entry as a producer would have framed it. */
  publish(metadata: Partial<MessageMetadata>, payload: string): Promise<Position>;
  subscribe(
    conn: TestConnection,
    opts: {
      sub?: string;
      consumerId: number;
      name?: string;
      type: number;
      priority?: number;
      keySharedMeta?: KeySharedMeta;
    },
  ): Promise<Consumer>;
  subscription(name?: string): Subscription;
  /** Waits until no dispatcher has work in flight. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

let seq = 0;

/** Frames `metadata` + `payload` exactly as a producer's SEND would store it. */
export function entryBytes(metadata: Partial<MessageMetadata>, payload: string): Buffer {
  const meta: MessageMetadata = {
    producer_name: 'p',
    sequence_id: seq++,
    publish_time: Date.now(),
    ...metadata,
  };
  const frame = serializePayloadCommand(
    { type: CommandType.SEND, send: { producer_id: 1, sequence_id: 0 } },
    meta,
    Buffer.from(payload),
  );
  return Buffer.from(parseFrame(frame).payload!.headersAndPayload);
}

export async function startHarness(
  overrides: Partial<BrokerConfig> = {},
  opts: { manualClock?: boolean; topic?: string } = {},
): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'magnetar-queue-'));
  const clock = opts.manualClock === false ? undefined : new ManualClock(1_000_000);
  const realClock: Clock = clock ?? systemClock;
  const scheduler: Scheduler = clock ?? systemScheduler;
  const config: BrokerConfig = { ...defaultConfig(), dataDir, logLevel: 'silent', ...overrides };
  const metadata = new MemoryMetadataStore({ clock: realClock });
  const managedLedgers = new ManagedLedgerFactoryImpl({
    ledgerStore: new MemoryLedgerStore(),
    metadataStore: metadata,
    clock: realClock,
    scheduler,
  });
  const broker = new BrokerService({
    config,
    log: createLogger({ level: process.env.MAGNETAR_TEST_LOG ?? 'silent' }),
    clock: realClock,
    scheduler,
    managedLedgers,
    metadata,
  });
  const topic = await broker.getTopic(
    TopicName.parse(opts.topic ?? 'persistent://public/default/queue'),
    true,
  );
  const h: Harness = {
    broker,
    clock,
    topic,
    dataDir,
    publish: (m, payload) => topic.ledger.append(entryBytes(m, payload)),
    async subscribe(conn, o) {
      const c = await topic.subscribe(conn as unknown as ServerConnection, {
        subscription: o.sub ?? 'sub',
        consumerId: o.consumerId,
        consumerName: o.name ?? `c${o.consumerId}`,
        priorityLevel: o.priority ?? 0,
        subType: o.type,
        metadata: {},
        durable: true,
        initialPosition: InitialPosition.Earliest,
        keySharedMeta: o.keySharedMeta,
      });
      conn.consumers.set(o.consumerId, c);
      return c;
    },
    subscription: (name = 'sub') => topic.subscriptions.get(name)!,
    async settle() {
      for (let quiet = 0; quiet < 3;) {
        await new Promise<void>((r) => setImmediate(r));
        const busy = [...topic.subscriptions.values()].some((s) => s.dispatcher?.busy);
        quiet = busy ? 0 : quiet + 1;
      }
    },
    async close() {
      await broker.close();
      await managedLedgers.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

export { SubType };
