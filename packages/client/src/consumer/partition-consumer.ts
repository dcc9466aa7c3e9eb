import type { ClientContext } from '../client-context.js';
import type { ClientConnection, ConsumerHandler } from '../connection/connection.js';
import {
  CommandType,
  type Command,
  type DecodedFrame,
  type MessageIdData,
  type MessageMetadata,
} from '../connection/wire.js';
import { AlreadyClosedError, ConnectionClosedError, TimeoutError, isRetriable } from '../errors.js';
import { MessageId, type ChunkMessageId } from '../message-id.js';
import { toKeyValues } from '../producer/message-metadata.js';
import { wireSchema } from '../schema/schema.js';
import { Backoff } from '../util/backoff.js';
import { retryUntilDeadline } from '../util/retry.js';
import type { Cancel } from '../util/clock.js';
import { Acknowledgements, entryIdData, isAfter } from './acknowledgements.js';
import { ChunkIntake, isChunk } from './chunk-intake.js';
import type { Message } from './message.js';
import type { ResolvedConsumerConfig } from './types.js';
import { unpackEntry, unpackMessage } from './unpack.js';

const SHARED = 1;
const KEY_SHARED = 3;
/** CommandAck.ValidationError.ChecksumMismatch */
const CHECKSUM_MISMATCH = 2;
/** Ids per REDELIVER_UNACKNOWLEDGED_MESSAGES, as the Java client splits them. */
const MAX_REDELIVER_IDS = 1000;

/**
 * Consumer states: 'connecting' while (re)subscribing, 'ready' while messages flow, 'closing' once
 * close/unsubscribe began, 'closed' at the end.
 */
type State = 'connecting' | 'ready' | 'closing' | 'closed';

/**
 * The subscription of one consumer on one topic partition: SUBSCRIBE and FLOW permits, unpacking
 * MESSAGE frames into the shared receive queue (checking their CRC32C and reassembling chunks),
 * acks (grouped), negative acks and the ack timeout, and re-subscribing with back-off when the
 * connection or the broker drops it.
 */
export class PartitionConsumer implements ConsumerHandler {
  state: State = 'connecting';
  /** Bumped on every re-subscribe and seek; queued messages of an older epoch are stale. */
  epoch = 0;
  readonly consumerId: number;
  lastDequeued: MessageId | undefined;
  private conn: ClientConnection | undefined;
  private permitsToGrant = 0;
  private queued = 0;
  private readonly backoff = new Backoff();
  private cancelReconnect: Cancel | undefined;
  private readonly acks: Acknowledgements;
  private readonly chunks: ChunkIntake;
  /** Where a non-durable subscription starts; moved by seek. */
  private startMessageId: MessageId | undefined;

  constructor(
    private readonly ctx: ClientContext,
    readonly topic: string,
    readonly partition: number,
    private readonly cfg: ResolvedConsumerConfig,
    private readonly deliver: (msg: Message, from: PartitionConsumer) => void,
  ) {
    this.consumerId = ctx.newConsumerId();
    this.startMessageId = cfg.startMessageId;
    this.chunks = new ChunkIntake(topic, partition, cfg, ctx.time, ctx.log, {
      ackEntries: (ids) => this.acks.ackEntries(ids),
      redeliverEntries: (ids) => ids.forEach((id) => this.acks.nackEntry(id)),
      deliverChunked: (id, payload, meta, count) => this.deliverChunked(id, payload, meta, count),
    });
    this.acks = new Acknowledgements(cfg, ctx.time, this.chunks, {
      sendAck: (type, ids) => this.sendAck(type, ids),
      redeliver: (ids) => this.redeliver(ids),
    });
  }

  async start(): Promise<void> {
    try {
      await retryUntilDeadline(this.ctx.time, this.ctx.operationTimeoutMs, this.backoff, () =>
        this.subscribe(),
      );
    } catch (err) {
      this.state = 'closed';
      throw err;
    }
  }

  /** The position a non-durable subscription resumes from: after the last message handed out. */
  private resumeAfter(): MessageId | undefined {
    return this.lastDequeued ?? this.startMessageId;
  }

  private async subscribe(): Promise<void> {
    const conn = await this.ctx.lookup.connectionFor(this.topic);
    const requestId = conn.newRequestId();
    const sub: Record<string, unknown> = {
      topic: this.topic,
      subscription: this.cfg.subscription,
      subType: this.cfg.subType,
      consumer_id: this.consumerId,
      request_id: requestId,
      consumer_name: this.cfg.consumerName,
      durable: this.cfg.durable,
      read_compacted: this.cfg.readCompacted,
      initialPosition: this.cfg.initialPosition,
      replicate_subscription_state: false,
    };
    if (this.cfg.priorityLevel !== undefined) sub.priority_level = this.cfg.priorityLevel;
    const start = this.resumeAfter();
    if (!this.cfg.durable && start) sub.start_message_id = start.toProto();
    const metadata = toKeyValues(this.cfg.properties);
    if (metadata) sub.metadata = metadata;
    if (this.cfg.schema?.info) sub.schema = wireSchema(this.cfg.schema.info);
    conn.consumers.set(this.consumerId, this);
    try {
      await conn.request({ type: CommandType.SUBSCRIBE, subscribe: sub }, requestId);
    } catch (err) {
      conn.consumers.delete(this.consumerId);
      if (err instanceof TimeoutError) this.sendCloseConsumer(conn);
      throw err;
    }
    if (this.state === 'closing' || this.state === 'closed') {
      conn.consumers.delete(this.consumerId);
      this.sendCloseConsumer(conn);
      return;
    }
    this.conn = conn;
    this.state = 'ready';
    this.backoff.reset();
    this.sendFlow(this.cfg.receiverQueueSize);
    this.acks.flush();
  }

  // CommandMessage: check, reassemble chunks, unpack, drop what a reader already passed, queue.
  onMessage(cmd: Record<string, unknown>, frame: DecodedFrame): void {
    if (this.state !== 'ready') return;
    const section = frame.payload;
    const raw = (cmd.message_id ?? {}) as { ledgerId: number; entryId: number };
    if (section && !section.checksumValid) {
      this.discardCorrupted(raw, Number(section.metadata.num_messages_in_batch ?? 1));
      return;
    }
    if (section && isChunk(section.metadata)) {
      const count = Number(cmd.redelivery_count ?? 0);
      // A chunk that did not complete a message is consumed here, so its permit comes back now.
      if (!this.chunks.onChunk(Number(raw.ledgerId), Number(raw.entryId), section, count)) this.addPermits(1);
      return;
    }
    let msgs: Message[];
    try {
      msgs = unpackMessage(this.topic, this.partition, cmd, frame);
    } catch (err) {
      this.ctx.log('warn', `${this.topic}: dropping undecodable message: ${String(err)}`);
      this.addPermits(1);
      return;
    }
    this.enqueue(msgs, Number(section?.metadata.num_messages_in_batch ?? 1));
  }

  /**
   * A MESSAGE whose CRC32C does not match: acknowledged with validation_error ChecksumMismatch and
   * dropped, as the Java client does (ConsumerImpl.discardCorruptedMessage). The broker checked the
   * CRC when the entry was published, so a mismatch here is damage at rest or in transit, and
   * redelivering the same stored bytes would fail the same way forever.
   */
  private discardCorrupted(raw: { ledgerId: number; entryId: number }, permits: number): void {
    this.ctx.log(
      'error',
      `${this.topic}: discarding message ${raw.ledgerId}:${raw.entryId}: checksum mismatch`,
    );
    this.conn?.send({
      type: CommandType.ACK,
      ack: {
        consumer_id: this.consumerId,
        ack_type: 0,
        message_id: [{ ledgerId: Number(raw.ledgerId), entryId: Number(raw.entryId) }],
        validation_error: CHECKSUM_MISMATCH,
      },
    });
    this.addPermits(permits);
  }

  /** A chunked message is complete: build it from the joined payload and the last chunk's metadata. */
  private deliverChunked(id: ChunkMessageId, payload: Buffer, meta: MessageMetadata, count: number): void {
    let msgs: Message[];
    try {
      const { ledgerId, entryId } = id;
      const parts = { topic: this.topic, partition: this.partition, metadata: meta, payload };
      msgs = unpackEntry({ ...parts, ledgerId, entryId, redeliveryCount: count, id });
    } catch (err) {
      this.ctx.log(
        'warn',
        `${this.topic}: dropping undecodable chunked message ${id.toString()}: ${String(err)}`,
      );
      this.acks.ackEntries(id.entries());
      this.chunks.forget(id);
      this.addPermits(1);
      return;
    }
    this.enqueue(msgs, 1);
  }

  /** Queues unpacked messages of one entry that cost `total` permits. */
  private enqueue(msgs: Message[], total: number): void {
    const after = this.cfg.durable ? undefined : this.resumeAfter();
    const filter = after !== undefined && !after.isEarliest() && !after.isLatest();
    const keep = filter ? msgs.filter((m) => isAfter(m.getMessageId(), after!)) : msgs;
    this.addPermits(total - keep.length);
    const batchIndexes = keep.map((m) => m.getMessageId().batchIndex).filter((i) => i >= 0);
    if (keep.length > 0) this.acks.delivered(keep[0].getMessageId().entryKey(), batchIndexes);
    for (const m of keep) {
      m.epoch = this.epoch;
      this.queued++;
      this.deliver(m, this);
    }
  }

  /** Called when the application takes `msg`; false means it is stale and must be skipped. */
  onDequeued(msg: Message): boolean {
    if (msg.epoch !== this.epoch) return false;
    this.queued--;
    const id = msg.getMessageId();
    this.lastDequeued = id;
    this.acks.dequeued(id);
    this.addPermits(1);
    return true;
  }

  /** Re-grants permits once half the receiver queue has been consumed (CommandFlow.messagePermits). */
  private addPermits(n: number): void {
    this.permitsToGrant += n;
    if (this.permitsToGrant >= Math.max(1, Math.floor(this.cfg.receiverQueueSize / 2))) {
      this.sendFlow(this.permitsToGrant);
    }
  }

  private sendFlow(permits: number): void {
    if (this.state !== 'ready' || permits <= 0) return;
    this.permitsToGrant = 0;
    this.conn?.send({
      type: CommandType.FLOW,
      flow: { consumer_id: this.consumerId, messagePermits: permits },
    });
  }

  /** Acknowledges one message; for a chunked message, every chunk it was stored in. */
  acknowledge(id: MessageId): void {
    this.ensureOpen();
    this.acks.ack(id);
  }

  acknowledgeCumulative(id: MessageId): void {
    this.ensureOpen();
    this.acks.ackCumulative(id);
  }

  /** Redelivered after the nack delay or back-off; due nacks go out together, one per tick. */
  negativeAcknowledge(id: MessageId, redeliveryCount = 0): void {
    this.ensureOpen();
    this.acks.nack(id, redeliveryCount);
  }

  /**
   * REDELIVER_UNACKNOWLEDGED_MESSAGES. Shared and Key_Shared take the ids; single-active-consumer
   * subscriptions can only rewind as a whole, so the client asks for everything and drops its queue.
   */
  private redeliver(ids: MessageId[]): void {
    if (this.state !== 'ready') return;
    if (this.cfg.subType === SHARED || this.cfg.subType === KEY_SHARED) {
      this.acks.redelivering(ids);
      for (let at = 0; at < ids.length; at += MAX_REDELIVER_IDS) {
        const message_ids = ids.slice(at, at + MAX_REDELIVER_IDS).map(entryIdData);
        this.conn?.send({
          type: CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES,
          redeliverUnacknowledgedMessages: { consumer_id: this.consumerId, message_ids },
        });
      }
      return;
    }
    const dropped = this.dropQueue();
    this.conn?.send({
      type: CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES,
      redeliverUnacknowledgedMessages: { consumer_id: this.consumerId },
    });
    this.addPermits(dropped);
  }

  /** Makes every queued message stale, forgets what was owed for them, returns how many. */
  private dropQueue(): number {
    this.epoch++;
    const dropped = this.queued;
    this.queued = 0;
    this.acks.reset();
    this.chunks.clear();
    return dropped;
  }

  private sendAck(ackType: number, ids: MessageIdData[]): boolean {
    if (this.state !== 'ready' || !this.conn) return false;
    return this.conn.send({
      type: CommandType.ACK,
      ack: { consumer_id: this.consumerId, ack_type: ackType, message_id: ids },
    });
  }

  /** Sends a request carrying this consumer's id and request_id (SEEK, GET_LAST_MESSAGE_ID, …). */
  async request(type: number, field: string, body: Record<string, unknown>): Promise<Command> {
    if (this.state !== 'ready' || !this.conn) throw new ConnectionClosedError(`${this.topic}: not connected`);
    const conn = this.conn;
    const requestId = conn.newRequestId();
    return conn.request(
      { type, [field]: { ...body, consumer_id: this.consumerId, request_id: requestId } },
      requestId,
    );
  }

  /** GET_LAST_MESSAGE_ID: the id of the topic's last stored message. */
  async getLastMessageId(): Promise<MessageId> {
    const res = await this.request(CommandType.GET_LAST_MESSAGE_ID, 'getLastMessageId', {});
    const r = (res.getLastMessageIdResponse ?? {}) as { last_message_id?: MessageIdData };
    const id = r.last_message_id ?? { ledgerId: -1, entryId: -1 };
    return new MessageId(
      Number(id.ledgerId),
      Number(id.entryId),
      this.partition,
      Number(id.batch_index ?? -1),
    );
  }

  /**
   * SEEK by id or publish time. Queued messages become stale and their permits are granted again;
   * a reader resumes from the sought position if the broker then drops the consumer, as Pulsar does.
   */
  async seek(target: MessageId | number): Promise<void> {
    const body =
      typeof target === 'number' ? { message_publish_time: target } : { message_id: target.toProto() };
    // Acks still grouped would land after the seek and move the cursor forward again.
    this.acks.flush();
    await this.request(CommandType.SEEK, 'seek', body);
    this.lastDequeued = undefined;
    // Seek is inclusive: resume just before the target so the filter lets it through.
    if (typeof target !== 'number') {
      this.startMessageId = new MessageId(
        target.ledgerId,
        target.entryId,
        target.partition,
        target.batchIndex - 1,
      );
    }
    this.addPermits(this.dropQueue());
  }

  onClosedByBroker(): void {
    this.ctx.log('info', `${this.topic}: consumer closed by broker; re-subscribing`);
    this.scheduleReconnect();
  }

  onConnectionClosed(): void {
    this.scheduleReconnect();
  }

  /** The broker redelivers everything unacknowledged after a re-subscribe, so local state resets. */
  private scheduleReconnect(): void {
    if (this.state === 'closing' || this.state === 'closed' || this.cancelReconnect) return;
    this.state = 'connecting';
    this.conn?.consumers.delete(this.consumerId);
    this.conn = undefined;
    this.dropQueue();
    this.permitsToGrant = 0;
    this.cancelReconnect = this.ctx.time.after(this.backoff.next(), () => {
      this.cancelReconnect = undefined;
      this.subscribe().catch((err: unknown) => {
        if (this.state === 'closing' || this.state === 'closed') return;
        if (isRetriable(err)) {
          this.ctx.log('debug', `${this.topic}: re-subscribe failed (${String(err)}); retrying`);
          this.scheduleReconnect();
          return;
        }
        this.ctx.log('error', `${this.topic}: consumer failed for good: ${String(err)}`);
        this.state = 'closed';
      });
    });
  }

  private ensureOpen(): void {
    if (this.state === 'closing' || this.state === 'closed') throw new AlreadyClosedError('consumer');
  }

  private sendCloseConsumer(conn: ClientConnection): void {
    conn.send({
      type: CommandType.CLOSE_CONSUMER,
      close_consumer: { consumer_id: this.consumerId, request_id: conn.newRequestId() },
    });
  }

  /** Sends pending acks, then CLOSE_CONSUMER (or UNSUBSCRIBE when `unsubscribe` is set). */
  async close(unsubscribe = false): Promise<void> {
    if (this.state === 'closed') return;
    if (unsubscribe) {
      await this.request(CommandType.UNSUBSCRIBE, 'unsubscribe', {});
    } else if (this.state === 'ready') {
      this.acks.flush();
      await this.request(CommandType.CLOSE_CONSUMER, 'close_consumer', {}).catch(() => undefined);
    }
    this.state = 'closed';
    this.cancelReconnect?.();
    this.conn?.consumers.delete(this.consumerId);
    this.acks.close();
    this.chunks.close();
  }
}
