import type { ClientContext } from '../client-context.js';
import type { ClientConnection, ConsumerHandler } from '../connection/connection.js';
import { CommandType, type Command, type DecodedFrame, type MessageIdData } from '../connection/wire.js';
import { AlreadyClosedError, ConnectionClosedError, TimeoutError, isRetriable } from '../errors.js';
import { MessageId } from '../message-id.js';
import { toKeyValues } from '../producer/message-metadata.js';
import { Backoff } from '../util/backoff.js';
import { AckGroupingTracker } from './ack-grouping.js';
import { BatchAckTracker } from './batch-ack-tracker.js';
import type { Message } from './message.js';
import { RedeliveryTracker } from './redelivery-tracker.js';
import type { ResolvedConsumerConfig } from './types.js';
import { unpackMessage } from './unpack.js';

const SHARED = 1;
const KEY_SHARED = 3;

/**
 * Consumer states: 'connecting' while (re)subscribing, 'ready' while messages flow, 'closing' once
 * close/unsubscribe began, 'closed' at the end.
 */
type State = 'connecting' | 'ready' | 'closing' | 'closed';

/**
 * The subscription of one consumer on one topic partition: SUBSCRIBE and FLOW permits, unpacking
 * MESSAGE frames into the shared receive queue, acks (grouped), negative acks and the ack timeout,
 * and re-subscribing with back-off when the connection or the broker drops it.
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
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly batchAcks = new BatchAckTracker();
  private readonly acks: AckGroupingTracker;
  private readonly nacks: RedeliveryTracker;
  private readonly unacked: RedeliveryTracker | undefined;
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
    this.acks = new AckGroupingTracker({ sendAck: (t, ids) => this.sendAck(t, ids) }, cfg.ackGroupingTimeMs);
    this.nacks = new RedeliveryTracker(cfg.nAckRedeliverTimeoutMs, (ids) => this.redeliver(ids));
    if (cfg.ackTimeoutMs > 0)
      this.unacked = new RedeliveryTracker(cfg.ackTimeoutMs, (ids) => this.redeliver(ids));
  }

  async start(): Promise<void> {
    const deadline = Date.now() + this.ctx.operationTimeoutMs;
    for (;;) {
      try {
        await this.subscribe();
        return;
      } catch (err) {
        if (!isRetriable(err) || Date.now() + 100 > deadline) {
          this.state = 'closed';
          throw err;
        }
        await new Promise((r) => setTimeout(r, Math.min(this.backoff.next(), deadline - Date.now())));
      }
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

  // CommandMessage: unpack, drop what a reader already passed, and queue the rest.
  onMessage(cmd: Record<string, unknown>, frame: DecodedFrame): void {
    if (this.state !== 'ready') return;
    let msgs: Message[];
    try {
      msgs = unpackMessage(this.topic, this.partition, cmd, frame);
    } catch (err) {
      this.ctx.log('warn', `${this.topic}: dropping undecodable message: ${String(err)}`);
      this.addPermits(1);
      return;
    }
    const total = Number(frame.payload?.metadata.num_messages_in_batch ?? 1);
    const after = this.cfg.durable ? undefined : this.resumeAfter();
    const filter = after !== undefined && !after.isEarliest() && !after.isLatest();
    const keep = filter ? msgs.filter((m) => isAfter(m.getMessageId(), after!)) : msgs;
    this.addPermits(total - keep.length);
    const batchIndexes = keep.map((m) => m.getMessageId().batchIndex).filter((i) => i >= 0);
    if (keep.length > 0) this.batchAcks.register(keep[0].getMessageId().entryKey(), batchIndexes);
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
    this.lastDequeued = msg.getMessageId();
    this.unacked?.add(msg.getMessageId());
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

  acknowledge(id: MessageId): void {
    this.ensureOpen();
    if (!this.batchAcks.ack(id)) return;
    this.unacked?.remove(id.entryKey());
    this.nacks.remove(id.entryKey());
    this.acks.addIndividual(entryIdData(id));
  }

  /**
   * CommandAck with ack_type Cumulative. A batch message that is not its batch's last one acks up
   * to the previous entry, as the Java client does, so the rest of its batch is not lost.
   */
  acknowledgeCumulative(id: MessageId): void {
    this.ensureOpen();
    this.unacked?.removeUpTo(id);
    const wholeEntry = id.batchIndex < 0 || id.batchSize === 0 || id.batchIndex === id.batchSize - 1;
    if (wholeEntry) this.acks.addCumulative(entryIdData(id));
    else if (id.entryId > 0) this.acks.addCumulative({ ledgerId: id.ledgerId, entryId: id.entryId - 1 });
  }

  /** The entry is redelivered after nAckRedeliverTimeoutMs (all of it, for a batch). */
  negativeAcknowledge(id: MessageId): void {
    this.ensureOpen();
    this.unacked?.remove(id.entryKey());
    this.batchAcks.forget(id.entryKey());
    this.nacks.add(id);
  }

  /**
   * REDELIVER_UNACKNOWLEDGED_MESSAGES. Shared and Key_Shared take the ids; single-active-consumer
   * subscriptions can only rewind as a whole, so the client asks for everything and drops its queue.
   */
  private redeliver(ids: MessageId[]): void {
    if (this.state !== 'ready') return;
    if (this.cfg.subType === SHARED || this.cfg.subType === KEY_SHARED) {
      for (const id of ids) this.batchAcks.forget(id.entryKey());
      this.conn?.send({
        type: CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES,
        redeliverUnacknowledgedMessages: { consumer_id: this.consumerId, message_ids: ids.map(entryIdData) },
      });
      return;
    }
    const dropped = this.dropQueue();
    this.unacked?.clear();
    this.nacks.clear();
    this.conn?.send({
      type: CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES,
      redeliverUnacknowledgedMessages: { consumer_id: this.consumerId },
    });
    this.addPermits(dropped);
  }

  /** Makes every queued message stale and returns how many there were. */
  private dropQueue(): number {
    this.epoch++;
    const dropped = this.queued;
    this.queued = 0;
    this.batchAcks.clear();
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
    const dropped = this.dropQueue();
    this.unacked?.clear();
    this.nacks.clear();
    this.addPermits(dropped);
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
    if (this.state === 'closing' || this.state === 'closed' || this.reconnectTimer) return;
    this.state = 'connecting';
    this.conn?.consumers.delete(this.consumerId);
    this.conn = undefined;
    this.dropQueue();
    this.permitsToGrant = 0;
    this.unacked?.clear();
    this.nacks.clear();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
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
    }, this.backoff.next());
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
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.conn?.consumers.delete(this.consumerId);
    this.acks.close();
    this.nacks.stop();
    this.unacked?.stop();
  }
}

function entryIdData(id: MessageId): MessageIdData {
  return { ledgerId: id.ledgerId, entryId: id.entryId };
}

/** Whether `id` comes strictly after `after` (a latest start matches nothing older). */
function isAfter(id: MessageId, after: MessageId): boolean {
  return MessageId.compare(id, after) > 0;
}
