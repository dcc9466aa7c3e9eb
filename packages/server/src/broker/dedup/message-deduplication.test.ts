import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { serializePayloadCommand, CommandType, parseFrame } from '@magnetar/protocol';
import { createLogger } from '../../logging.js';
import { MemoryMetadataStore } from '../../metadata/memory-metadata-store.js';
import { MemoryLedgerStore } from '../../storage/memory/memory-ledger-store.js';
import { ManagedLedgerFactoryImpl } from '../../storage/managed-ledger/managed-ledger-factory.js';
import type { ManagedLedger, Position } from '../../storage/types.js';
import { ManualClock } from '../../util/clock.js';
import { DEDUP_CURSOR, sequenceOfEntry } from './dedup-snapshot.js';
import { MessageDeduplication } from './message-deduplication.js';
import type { SequenceInfo } from './sequence-tracker.js';

const TOPIC = 'persistent://public/default/dedup-unit';
const log = createLogger({ level: 'silent' });
const PRODUCERS = ['a', 'b'] as const;

/** An entry as a producer frames it: the stored bytes carry producer_name and sequence ids. */
function entry(producer: string, seq: number, highest = seq): Buffer {
  const frame = serializePayloadCommand(
    { type: CommandType.SEND, send: { producer_id: 1, sequence_id: seq } },
    {
      producer_name: producer,
      sequence_id: seq,
      publish_time: 1,
      ...(highest > seq ? { highest_sequence_id: highest } : {}),
    },
    Buffer.from(`${producer}-${seq}`),
  );
  return Buffer.from(parseFrame(frame).payload!.headersAndPayload);
}

/** One broker "process" over storage that survives it: a factory, the topic's ledger, its dedup. */
class Node {
  private constructor(
    readonly factory: ManagedLedgerFactoryImpl,
    readonly ml: ManagedLedger,
    readonly dedup: MessageDeduplication,
  ) {}

  static async start(
    ledgers: MemoryLedgerStore,
    metadata: MemoryMetadataStore,
    interval: number,
  ): Promise<Node> {
    const clock = new ManualClock(1_000);
    const factory = new ManagedLedgerFactoryImpl({
      ledgerStore: ledgers,
      metadataStore: metadata,
      clock,
      scheduler: clock,
    });
    const ml = await factory.open(TOPIC);
    const dedup = new MessageDeduplication(ml, { entriesInterval: interval, maxProducers: 100 }, log);
    await dedup.setEnabled(true);
    return new Node(factory, ml, dedup);
  }

  /** Publishes as PersistentTopic does: check, append, record; duplicates settle after earlier appends. */
  private last: Promise<unknown> = Promise.resolve();
  publish(s: SequenceInfo): { verdict: string; done: Promise<Position> } {
    const verdict = this.dedup.check(s);
    if (verdict !== 'new') return { verdict, done: this.dedup.settleDuplicate(s, verdict, this.last) };
    const done = this.ml.append(entry(s.producerName, s.sequenceId, s.highestSequenceId)).then((p) => {
      this.dedup.recordPersisted(s, p);
      return p;
    });
    this.last = done;
    return { verdict, done };
  }

  async storedSequences(): Promise<string[]> {
    const out: string[] = [];
    let from = this.ml.firstPosition();
    while (from) {
      const batch = await this.ml.read(from, 100, 1 << 20);
      if (batch.length === 0) break;
      for (const e of batch) {
        const s = sequenceOfEntry(e)!;
        out.push(`${s.producerName}:${s.sequenceId}`);
      }
      from = this.ml.after(batch[batch.length - 1].position);
    }
    return out;
  }
}

type Step =
  | { kind: 'fresh'; producer: number }
  | { kind: 'resend'; producer: number; back: number }
  | { kind: 'settle' }
  | { kind: 'crash' }
  | { kind: 'restart' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('fresh' as const), producer: fc.integer({ min: 0, max: 1 }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('resend' as const),
      producer: fc.integer({ min: 0, max: 1 }),
      back: fc.integer({ min: 0, max: 6 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('settle' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
);

describe('MessageDeduplication', () => {
  it('stores each sequence id once across resends, in-flight copies, crashes and restarts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        async (steps, interval) => {
          const ledgers = new MemoryLedgerStore();
          const metadata = new MemoryMetadataStore();
          let node = await Node.start(ledgers, metadata, interval);
          const next = [0, 0];
          // The model: highest sequence id handed to storage, and stored as of the last settle, per producer.
          const pushed = [-1, -1];
          const persisted = [-1, -1];
          let inFlight: Promise<unknown>[] = [];
          const settle = async () => {
            await Promise.all(inFlight);
            inFlight = [];
            persisted.splice(0, 2, ...pushed);
          };
          for (const step of steps) {
            if (step.kind === 'settle') await settle();
            else if (step.kind === 'crash' || step.kind === 'restart') {
              await settle();
              if (step.kind === 'restart') {
                await node.dedup.close();
                await node.ml.close();
              }
              node = await Node.start(ledgers, metadata, interval);
              for (const p of [0, 1]) expect(node.dedup.lastSequenceId(PRODUCERS[p])).toBe(persisted[p]);
            } else {
              const p = step.producer;
              const seq = step.kind === 'fresh' ? next[p]++ : Math.max(0, next[p] - 1 - step.back);
              if (step.kind === 'resend' && next[p] === 0) continue;
              const { verdict, done } = node.publish({
                producerName: PRODUCERS[p],
                sequenceId: seq,
                highestSequenceId: seq,
                lastChunk: true,
              });
              // Sequence ids only grow, so a fresh one is always new and an old one never is; no append
              // completes between two steps, so what was not stored at the last settle is in flight.
              expect(verdict).toBe(
                step.kind === 'fresh' ? 'new' : seq <= persisted[p] ? 'duplicate' : 'in-flight',
              );
              if (verdict === 'new') pushed[p] = seq;
              inFlight.push(done.then((pos) => expect(pos.ledgerId >= 0).toBe(verdict === 'new')));
            }
          }
          await settle();
          const all = await node.storedSequences();
          expect(new Set(all).size).toBe(all.length);
          expect(all.length).toBe(next[0] + next[1]);
          await node.dedup.close();
          await node.ml.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps the snapshot in the pulsar.dedup cursor and never lets it run ahead of subscriptions', async () => {
    const ledgers = new MemoryLedgerStore();
    const metadata = new MemoryMetadataStore();
    const node = await Node.start(ledgers, metadata, 2);
    const sub = await node.ml.openCursor('sub', 'earliest');
    for (let i = 0; i < 5; i++)
      await node.publish({ producerName: 'a', sequenceId: i, highestSequenceId: i, lastChunk: true }).done;
    await node.dedup.close();
    const cursor = node.ml.cursors().get(DEDUP_CURSOR)!;
    expect(JSON.parse(cursor.properties.snapshot).producers).toEqual({ a: 4 });
    // The subscription has consumed nothing, so the dedup cursor holds nothing back beyond it.
    expect(cursor.markDeletePosition).toEqual(sub.markDeletePosition);
    // Disabling removes the cursor and answers every SEND as new.
    await node.dedup.setEnabled(false);
    expect(node.ml.cursors().has(DEDUP_CURSOR)).toBe(false);
    expect(
      node.dedup.check({ producerName: 'a', sequenceId: 0, highestSequenceId: 0, lastChunk: true }),
    ).toBe('new');
    await node.ml.close();
  });

  it('checks only the last chunk of a chunked message', async () => {
    const node = await Node.start(new MemoryLedgerStore(), new MemoryMetadataStore(), 100);
    const chunk = (last: boolean) => ({
      producerName: 'a',
      sequenceId: 3,
      highestSequenceId: 3,
      lastChunk: last,
    });
    expect(node.publish(chunk(false)).verdict).toBe('new');
    expect(node.publish(chunk(true)).verdict).toBe('new');
    await node.publish(chunk(false)).done;
    // A resent message's earlier chunks are stored again; its last chunk is recognised.
    expect(node.publish(chunk(false)).verdict).toBe('new');
    expect(node.publish(chunk(true)).verdict).not.toBe('new');
    await node.ml.close();
  });
});
