import type { Logger } from 'pino';
import { SubType, type CommandAck, type MessageIdData } from '@magnetar/protocol';
import type { Cursor, Position } from '../../storage/types.js';
import { consumerBusy, notAllowed } from '../errors.js';
import type { ServerConnection } from '../connection/server-connection.js';
import type { Dispatcher } from '../dispatcher/dispatcher.js';
import { SharedDispatcher } from '../dispatcher/shared-dispatcher.js';
import { SingleActiveDispatcher } from '../dispatcher/single-active-dispatcher.js';
import type { PersistentTopic } from '../topic/persistent-topic.js';
import { Consumer } from './consumer.js';

export interface ConsumerParams {
  consumerId: number;
  consumerName: string;
  priorityLevel: number;
  subType: number;
  metadata: Record<string, string>;
}

export const subTypeName = (t: number): string =>
  ({ [SubType.Exclusive]: 'Exclusive', [SubType.Shared]: 'Shared', [SubType.Failover]: 'Failover', [SubType.Key_Shared]: 'Key_Shared' })[
    t
  ] ?? `Unknown(${t})`;

/**
 * A named subscription on a topic: its cursor (durable, or in memory for readers), its consumers
 * and the dispatcher that matches its type. Acks go to the cursor first and then clear the
 * dispatcher's pending state.
 */
export class Subscription {
  readonly log: Logger;
  private dispatcherImpl: Dispatcher | undefined;
  type: number;
  msgOutCounterOfClosed = 0;
  bytesOutCounterOfClosed = 0;
  lastAckedTimestamp = 0;

  constructor(
    readonly topic: PersistentTopic,
    readonly name: string,
    readonly cursor: Cursor,
    readonly durable: boolean,
    type: number,
  ) {
    this.type = type;
    this.log = topic.log.child({ subscription: name });
  }

  get dispatcher(): Dispatcher | undefined {
    return this.dispatcherImpl;
  }

  get consumers(): readonly Consumer[] {
    return this.dispatcherImpl?.consumers ?? [];
  }

  /** Adds a consumer; refuses a type change while consumers are attached, and a second Exclusive one. */
  addConsumer(connection: ServerConnection, p: ConsumerParams): Consumer {
    if (p.subType === SubType.Key_Shared) throw notAllowed('Key_Shared subscriptions are not supported yet');
    if (this.consumers.length > 0 && p.subType !== this.type) {
      throw consumerBusy(`Subscription ${this.name} is of type ${subTypeName(this.type)}, not ${subTypeName(p.subType)}`);
    }
    if (!this.dispatcherImpl || this.consumers.length === 0) {
      if (!this.dispatcherImpl || p.subType !== this.type) this.dispatcherImpl = this.makeDispatcher(p.subType);
      this.type = p.subType;
    }
    const c = new Consumer(this, connection, p.consumerId, p.consumerName, p.priorityLevel, p.metadata);
    this.dispatcherImpl!.addConsumer(c);
    return c;
  }

  removeConsumer(c: Consumer): void {
    if (c.closed) return;
    c.closed = true;
    this.msgOutCounterOfClosed += c.msgOutCounter;
    this.bytesOutCounterOfClosed += c.bytesOutCounter;
    this.dispatcherImpl?.removeConsumer(c);
    if (!this.durable && this.consumers.length === 0) this.topic.removeSubscription(this);
  }

  /** CommandFlow.messagePermits */
  flow(c: Consumer, permits: number): void {
    c.permits += permits;
    c.lastConsumedFlowTimestamp = this.topic.broker.clock.now();
    this.dispatcherImpl?.wake();
  }

  /** CommandAck: individual (repeated message_id) or cumulative (one id). */
  ack(c: Consumer, cmd: CommandAck): void {
    const now = this.topic.broker.clock.now();
    c.lastAckedTimestamp = now;
    this.lastAckedTimestamp = now;
    const ids = cmd.message_id ?? [];
    if ((cmd.ack_type ?? 0) === 1) {
      if (this.type === SubType.Shared || this.type === SubType.Key_Shared) {
        throw notAllowed('Cumulative acknowledgement is not allowed on Shared and Key_Shared subscriptions');
      }
      const id = ids[0];
      if (!id) return;
      const upTo = partialBatch(id) ? { ledgerId: id.ledgerId, entryId: id.entryId - 1 } : toPosition(id);
      this.cursor.ackCumulative(upTo);
      this.dispatcherImpl?.ackedUpTo(upTo);
    } else {
      // An ack_set with bits still set acknowledges only part of a batch; batch-index acks are kept
      // by a later version, so until then the entry stays unacked and is redelivered whole.
      const positions = ids.filter((id) => !partialBatch(id)).map(toPosition);
      if (positions.length === 0) return;
      this.cursor.ackIndividual(positions);
      this.dispatcherImpl?.acked(positions);
    }
    this.dispatcherImpl?.wake();
  }

  /** CommandRedeliverUnacknowledgedMessages.message_ids (empty: everything this consumer holds). */
  redeliver(c: Consumer, ids: readonly MessageIdData[]): void {
    this.dispatcherImpl?.redeliver(c, ids.map(toPosition));
  }

  /** SEEK / reset cursor: the next entry delivered is `position`; consumers are disconnected, as Pulsar does. */
  resetTo(position: Position): void {
    this.cursor.resetTo(position);
    this.dispatcherImpl?.rewindToCursor();
  }

  /** Closes every consumer from the broker side (after SEEK, or when the topic is unloaded). */
  disconnectConsumers(): void {
    for (const c of [...this.consumers]) {
      c.closeFromBroker();
      c.connection.consumers.delete(c.consumerId);
      this.removeConsumer(c);
    }
  }

  backlog(): number {
    return this.cursor.backlog();
  }

  private makeDispatcher(subType: number): Dispatcher {
    switch (subType) {
      case SubType.Shared:
        return new SharedDispatcher(this);
      case SubType.Failover:
        return new SingleActiveDispatcher(this, true);
      default:
        return new SingleActiveDispatcher(this, false);
    }
  }
}

export function toPosition(id: MessageIdData): Position {
  return { ledgerId: id.ledgerId, entryId: id.entryId };
}

/** True when MessageIdData.ack_set still has unacked batch indexes set. */
function partialBatch(id: MessageIdData): boolean {
  return (id.ack_set ?? []).some((w) => w !== 0);
}
