import { CommandType, serializeCommandHeader } from '@magnetar/protocol';
import type { Entry, Position } from '../../storage/types.js';
import { positionToString as positionKey } from '../../storage/position.js';
import type { ServerConnection } from '../connection/server-connection.js';
import type { Subscription } from './subscription.js';

/** An entry delivered to this consumer and not yet acknowledged (Pulsar's pendingAcks). */
export interface PendingEntry {
  readonly position: Position;
  /** Messages in the entry (num_messages_in_batch): what it cost in permits. */
  readonly messages: number;
  readonly deliveredAt: number;
  readonly redeliveryCount: number;
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

  constructor(
    readonly subscription: Subscription,
    readonly connection: ServerConnection,
    readonly consumerId: number,
    readonly name: string,
    readonly priorityLevel: number,
    readonly metadata: Readonly<Record<string, string>>,
  ) {
    this.connectedSince = connection.broker.clock.now();
  }

  /** True while this consumer's socket takes more data without piling up in memory. */
  get writable(): boolean {
    return this.connection.out.writable && !this.closed;
  }

  /** Shared-subscription limit maxUnackedMessagesPerConsumer (0 = none). */
  get blockedOnUnacked(): boolean {
    const limit = this.connection.broker.config.maxUnackedMessagesPerConsumer;
    return limit > 0 && this.unackedMessages >= limit;
  }

  /**
   * Sends one entry as a MESSAGE frame: our header, then the stored bytes unchanged (magic,
   * checksum, metadata, payload), so dispatch never re-encodes a message.
   */
  deliver(entry: Entry, messages: number, redeliveryCount: number, trackPending: boolean): void {
    const { ledgerId, entryId } = entry.position;
    const header = serializeCommandHeader(
      {
        type: CommandType.MESSAGE,
        message: {
          consumer_id: this.consumerId,
          message_id: { ledgerId, entryId },
          redelivery_count: redeliveryCount,
        },
      },
      entry.data.length,
    );
    this.connection.out.write(header);
    this.connection.out.write(entry.data);
    const now = this.connection.broker.clock.now();
    this.permits -= messages;
    this.msgOutCounter += messages;
    this.bytesOutCounter += entry.data.length;
    this.lastConsumedTimestamp = now;
    if (trackPending) {
      this.pending.set(positionKey(entry.position), {
        position: entry.position,
        messages,
        deliveredAt: now,
        redeliveryCount,
      });
      this.unackedMessages += messages;
    }
  }

  /** Forgets a pending entry (acked or taken back for redelivery). */
  removePending(key: string): PendingEntry | undefined {
    const p = this.pending.get(key);
    if (p) {
      this.pending.delete(key);
      this.unackedMessages -= p.messages;
    }
    return p;
  }

  /** Takes back every pending entry, e.g. when the consumer leaves or asks for a redelivery. */
  takeAllPending(): PendingEntry[] {
    const all = [...this.pending.values()];
    this.pending.clear();
    this.unackedMessages = 0;
    return all;
  }

  /** Broker-initiated close: the client re-does lookup and subscribes again (CommandCloseConsumer). */
  closeFromBroker(): void {
    this.connection.send({
      type: CommandType.CLOSE_CONSUMER,
      close_consumer: { consumer_id: this.consumerId, request_id: -1 },
    });
  }
}
