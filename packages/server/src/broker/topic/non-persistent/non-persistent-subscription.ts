import type { Logger } from 'pino';
import { KeySharedMode, SubType, type CommandAck, type MessageIdData } from '@magnetar/protocol';
import type { Entry } from '../../../storage/types.js';
import { consumerBusy } from '../../errors.js';
import type { ServerConnection } from '../../connection/server-connection.js';
import { Consumer } from '../../subscription/consumer.js';
import { subTypeName, type ConsumerParams } from '../../subscription/subscription.js';
import type { NonPersistentTopic } from './non-persistent-topic.js';
import { pickerFor, type ConsumerPicker } from './pickers.js';

/**
 * A subscription on a non-persistent topic (Pulsar's NonPersistentSubscription): consumers and a
 * way to pick one per message, and nothing else. There is no cursor: a message goes to a consumer
 * that has permits and a writable socket at the moment it is published, or it is dropped and
 * counted. Acknowledgements and redelivery requests have nothing to act on and are ignored, as in
 * Pulsar. The subscription disappears with its last consumer, since it retains nothing.
 */
export class NonPersistentSubscription {
  readonly log: Logger;
  /** Always false: nothing of a non-persistent subscription outlives its consumers. */
  readonly durable = false;
  /** No read loop to wake; present so connection code can treat every subscription alike. */
  readonly dispatcher = undefined;
  type: number;
  /** Messages no consumer of this subscription could take when they were published. */
  droppedMessages = 0;
  msgOutCounterOfClosed = 0;
  bytesOutCounterOfClosed = 0;
  private picker: ConsumerPicker | undefined;
  private keySharedMode: number | undefined;

  constructor(
    readonly topic: NonPersistentTopic,
    readonly name: string,
    type: number,
  ) {
    this.type = type;
    this.log = topic.log.child({ subscription: name });
  }

  get consumers(): readonly Consumer[] {
    return this.picker?.consumers ?? [];
  }

  /** Adds a consumer; refuses a type change while others are attached and a second Exclusive one. */
  addConsumer(connection: ServerConnection, p: ConsumerParams): Consumer {
    const mode = p.subType === SubType.Key_Shared ? keySharedModeOf(p) : undefined;
    if (this.consumers.length > 0) {
      if (p.subType !== this.type) {
        throw consumerBusy(
          `Subscription ${this.name} is of type ${subTypeName(this.type)}, not ${subTypeName(p.subType)}`,
        );
      }
      if (mode !== this.keySharedMode) {
        throw consumerBusy(`Subscription ${this.name}: the consumer's key-shared mode differs`);
      }
    } else {
      this.picker = pickerFor(p.subType, mode, this);
      this.type = p.subType;
      this.keySharedMode = mode;
    }
    const c = new Consumer(
      this,
      connection,
      p.consumerId,
      p.consumerName,
      p.priorityLevel,
      p.metadata,
      p.keySharedMeta,
    );
    this.picker!.add(c);
    return c;
  }

  removeConsumer(c: Consumer): void {
    if (c.closed) return;
    c.closed = true;
    this.msgOutCounterOfClosed += c.msgOutCounter;
    this.bytesOutCounterOfClosed += c.bytesOutCounter;
    this.picker?.remove(c);
    if (this.consumers.length === 0) this.topic.removeSubscription(this);
  }

  /** CommandFlow.messagePermits: only counted; nothing waits to be read. */
  flow(c: Consumer, permits: number): void {
    c.permits += permits;
    c.lastConsumedFlowTimestamp = this.topic.broker.clock.now();
  }

  /** CommandAck: nothing is retained, so there is nothing to acknowledge (Pulsar ignores it too). */
  ack(c: Consumer, _cmd: CommandAck): void {
    c.lastAckedTimestamp = this.topic.broker.clock.now();
  }

  /** CommandRedeliverUnacknowledgedMessages: a non-persistent message cannot be delivered again. */
  redeliver(_c: Consumer, _ids: readonly MessageIdData[]): void {}

  /**
   * Hands one published entry to the consumer its type picks, if that consumer can take it now;
   * otherwise the entry is dropped for this subscription. Returns whether it was delivered.
   */
  deliver(entry: Entry, messages: number): boolean {
    const c = this.picker?.pick(entry);
    if (!c || !c.canTake) {
      this.droppedMessages += messages;
      return false;
    }
    c.deliver({ entry, key: '', messages, redeliveryCount: 0, slot: -1, ackSet: undefined }, false);
    return true;
  }

  /** Closes every consumer from the broker side (topic closing or deleted). */
  disconnectConsumers(): void {
    for (const c of [...this.consumers]) {
      c.closeFromBroker();
      c.connection.consumers.delete(c.consumerId);
      this.removeConsumer(c);
    }
  }

  /** Always 0: nothing is kept for a consumer that is not there. */
  backlog(): number {
    return 0;
  }

  get msgOutCounter(): number {
    return this.consumers.reduce((n, c) => n + c.msgOutCounter, this.msgOutCounterOfClosed);
  }

  get bytesOutCounter(): number {
    return this.consumers.reduce((n, c) => n + c.bytesOutCounter, this.bytesOutCounterOfClosed);
  }
}

function keySharedModeOf(p: ConsumerParams): number {
  return p.keySharedMeta?.keySharedMode === KeySharedMode.STICKY
    ? KeySharedMode.STICKY
    : KeySharedMode.AUTO_SPLIT;
}
