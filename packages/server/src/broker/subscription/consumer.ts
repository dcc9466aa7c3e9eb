import { CommandType, SubType, serializeCommandHeader, type KeySharedMeta } from '@magnetar/protocol';
import type { Entry, Position } from '../../storage/types.js';
import type { ServerConnection } from '../connection/server-connection.js';
import type { NonPersistentSubscription } from '../topic/non-persistent/non-persistent-subscription.js';
import type { Subscription } from './subscription.js';

/** An entry delivered to this consumer and not yet acknowledged (Pulsar's pendingAcks). */
export interface PendingEntry {
  readonly key: string;
  readonly position: Position;
  /** Messages of the entry still unacknowledged (batch minus batch-index acks): what it costs. */
  messages: number;
  readonly deliveredAt: number;
  readonly redeliveryCount: number;
  /** Sticky-key slot on Key_Shared subscriptions, -1 elsewhere. */
  readonly slot: number;
}

/** What one MESSAGE frame carries besides the stored entry. */
export interface Delivery {
  readonly entry: Entry;
  readonly key: string;
  readonly messages: number;
  readonly redeliveryCount: number;
  readonly slot: number;
  /** CommandMessage.ack_set for a partly acknowledged batch. */
  readonly ackSet: number[] | undefined;
}

/** A consumer attached to a subscription through one connection (CommandSubscribe.consumer_id). */
export class Consumer {
  /** CommandFlow.messagePermits granted and not yet used; may go negative by one batch. */
  permits = 0;
  unackedMessages = 0;
  msgOutCounter = 0;
  bytesOutCounter = 0;
  msgRedeliverCounter = 0;
  lastAckedTimestamp = 0;
  lastConsumedTimestamp = 0;
  lastConsumedFlowTimestamp = 0;
  readonly pending = new Map<string, PendingEntry>();
  readonly connectedSince: number;
  closed = false;
  /** Set on reaching maxUnackedMessagesPerConsumer, cleared at half of it (Pulsar's hysteresis). */
  private blocked = false;

  constructor(
    /** A persistent topic's subscription, or a non-persistent topic's (no cursor, nothing redelivered). */
    readonly subscription: Subscription | NonPersistentSubscription,
    readonly connection: ServerConnection,
    readonly consumerId: number,
    readonly name: string,
    readonly priorityLevel: number,
    readonly metadata: Readonly<Record<string, string>>,
    /** CommandSubscribe.keySharedMeta (Key_Shared only). */
    readonly keySharedMeta?: KeySharedMeta,
  ) {
    this.connectedSince = connection.broker.clock.now();
  }

  /**
   * True while this consumer's socket takes more data without piling up in memory. A consumer
   * found unwritable is remembered by its connection, whose next drain wakes its dispatcher (and
   * only the dispatchers that were turned away, not every consumer of the connection).
   */
  get writable(): boolean {
    if (this.closed) return false;
    if (this.connection.out.writable) return true;
    this.connection.wakeOnDrain(this);
    return false;
  }

  /** maxUnackedMessagesPerConsumer reached on a Shared or Key_Shared subscription (0 = no limit). */
  get blockedOnUnacked(): boolean {
    return this.blocked;
  }

  /** Could this consumer take one more entry now? */
  get canTake(): boolean {
    return this.hasRoom && this.writable;
  }

  /**
   * Permits left and not blocked on unacked messages, whatever its socket's state: what a dispatch
   * round checks for each entry once the round has found the socket writable at its start.
   */
  get hasRoom(): boolean {
    return this.permits > 0 && !this.blocked && !this.closed;
  }

  /**
   * Sends one entry as a MESSAGE frame: our header, then the stored bytes unchanged (magic,
   * checksum, metadata, payload), so dispatch never re-encodes a message.
   */
  deliver(d: Delivery, trackPending: boolean): void {
    const { ledgerId, entryId } = d.entry.position;
    const header = serializeCommandHeader(
      {
        type: CommandType.MESSAGE,
        message: {
          consumer_id: this.consumerId,
          message_id: { ledgerId, entryId },
          redelivery_count: d.redeliveryCount,
          ...(d.ackSet ? { ack_set: d.ackSet } : {}),
        },
      },
      d.entry.data.length,
    );
    this.connection.out.write(header);
    this.connection.out.write(d.entry.data);
    const now = this.connection.broker.clock.now();
    this.permits -= d.messages;
    this.msgOutCounter += d.messages;
    this.bytesOutCounter += d.entry.data.length;
    this.lastConsumedTimestamp = now;
    if (!trackPending) return;
    this.pending.set(d.key, {
      key: d.key,
      position: d.entry.position,
      messages: d.messages,
      deliveredAt: now,
      redeliveryCount: d.redeliveryCount,
      slot: d.slot,
    });
    this.unackedMessages += d.messages;
    this.updateBlocked();
  }

  /** Forgets a pending entry (acked, or taken back for redelivery). */
  removePending(key: string): PendingEntry | undefined {
    const p = this.pending.get(key);
    if (p) {
      this.pending.delete(key);
      this.unackedMessages -= p.messages;
      this.updateBlocked();
    }
    return p;
  }

  /** Some messages of a pending batch were acknowledged by index: they no longer count as unacked. */
  reducePending(key: string, stillUnacked: number): void {
    const p = this.pending.get(key);
    if (!p || stillUnacked >= p.messages) return;
    this.unackedMessages -= p.messages - stillUnacked;
    p.messages = stillUnacked;
    this.updateBlocked();
  }

  /** Takes back every pending entry, e.g. when the consumer leaves or asks for a redelivery. */
  takeAllPending(): PendingEntry[] {
    const all = [...this.pending.values()];
    this.pending.clear();
    this.unackedMessages = 0;
    this.updateBlocked();
    return all;
  }

  /** Broker-initiated close: the client re-does lookup and subscribes again (CommandCloseConsumer). */
  closeFromBroker(): void {
    this.connection.send({
      type: CommandType.CLOSE_CONSUMER,
      close_consumer: { consumer_id: this.consumerId, request_id: -1 },
    });
  }

  /**
   * Pulsar blocks a Shared/Key_Shared consumer once its unacked messages reach the limit and
   * unblocks it when acks bring them down to half the limit, so that it does not flap.
   */
  private updateBlocked(): void {
    const t = this.subscription.type;
    const limit = this.connection.broker.config.maxUnackedMessagesPerConsumer;
    if (limit <= 0 || (t !== SubType.Shared && t !== SubType.Key_Shared)) {
      this.blocked = false;
      return;
    }
    if (!this.blocked && this.unackedMessages >= limit) this.blocked = true;
    else if (this.blocked && this.unackedMessages <= Math.floor(limit / 2)) this.blocked = false;
  }
}
