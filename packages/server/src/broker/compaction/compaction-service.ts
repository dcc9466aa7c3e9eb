/**
 * Topic compaction on this broker: runs compactions (on admin request, or when a topic's backlog
 * after its compaction horizon passes the namespace's compaction_threshold), keeps each topic's
 * compacted view open for read_compacted subscriptions, and answers the compaction status.
 *
 * A run reads the topic through the durable cursor `__compaction` (Pulsar's
 * COMPACTION_SUBSCRIPTION), whose mark-delete position is the horizon: ledgers after the horizon,
 * which the next run needs, are never trimmed while it exists. The steps are ordered so a crash
 * at any point leaves a usable state: the new ledger is named as pending before it is written,
 * the record switches to it only once it is complete, the cursor moves after that, and the old
 * ledger is deleted last.
 */
import type { MetadataStore } from '../../metadata/types.js';
import type { Entry, LedgerStore, Position } from '../../storage/types.js';
import { comparePositions } from '../../storage/position.js';
import type { Scheduler } from '../../util/clock.js';
import type { BrokerService } from '../broker-service.js';
import type { PersistentTopic } from '../topic/persistent-topic.js';
import { CompactedView } from './compacted-view.js';
import { compactInto } from './compactor.js';
import {
  deleteCompactionRecord,
  readCompactionRecord,
  writeCompactionRecord,
  type CompactionRecord,
} from './compaction-record.js';

/** The durable cursor compaction reads through (Pulsar's Compactor.COMPACTION_SUBSCRIPTION). */
export const COMPACTION_CURSOR = '__compaction';

/** Pulsar's LongRunningProcessStatus names, as GET .../compaction answers them. */
export type CompactionStatus = 'NOT_RUN' | 'RUNNING' | 'SUCCESS' | 'ERROR';

export interface CompactionState {
  status: CompactionStatus;
  lastError: string;
}

interface TopicCompaction extends CompactionState {
  running?: Promise<void>;
  /** The open compacted view (null: none yet); loaded from the record on first use. */
  view?: Promise<CompactedView | null>;
}

export interface CompactionServiceOptions {
  broker: BrokerService;
  ledgerStore: LedgerStore;
  metadata: MetadataStore;
  scheduler: Scheduler;
  /** How often topics are checked against their compaction_threshold (brokerServiceCompactionMonitorIntervalInSeconds). */
  checkIntervalMs: number;
}

export class CompactionService {
  private readonly topics = new Map<string, TopicCompaction>();
  private readonly stopTimer: () => void;
  private closed = false;

  constructor(private readonly o: CompactionServiceOptions) {
    this.stopTimer = o.scheduler.every(o.checkIntervalMs, () => void this.checkThresholds());
  }

  /** NOT_RUN until a compaction of the topic started on this broker run. */
  status(topic: string): CompactionState {
    const t = this.topics.get(topic);
    return { status: t?.status ?? 'NOT_RUN', lastError: t?.lastError ?? '' };
  }

  /** Starts a compaction; false if one is already running (admin answers 409). */
  trigger(topic: PersistentTopic): boolean {
    const t = this.entry(topic.name);
    if (t.running || this.closed) return false;
    t.status = 'RUNNING';
    t.lastError = '';
    t.running = this.run(topic, t)
      .then(
        () => {
          t.status = 'SUCCESS';
        },
        (err: unknown) => {
          t.status = 'ERROR';
          t.lastError = err instanceof Error ? err.message : String(err);
          topic.log.warn({ err }, 'compaction failed');
        },
      )
      .finally(() => {
        t.running = undefined;
      });
    return true;
  }

  /** Settles when the topic's running compaction (if any) has finished. */
  async whenIdle(topic: string): Promise<void> {
    await this.topics.get(topic)?.running;
  }

  /** The topic's compacted view, or null before its first compaction. */
  view(topic: string): Promise<CompactedView | null> {
    const t = this.entry(topic);
    t.view ??= this.loadView(topic).catch((err: unknown) => {
      t.view = undefined;
      throw err;
    });
    return t.view;
  }

  /**
   * For a read_compacted subscription reading at `from`: the compacted entries from there (with
   * their original positions) and where to read next. Undefined when `from` is past the horizon
   * (or there is no compacted view): the live log serves it.
   */
  async readCompacted(
    topic: PersistentTopic,
    from: Position,
    maxEntries: number,
    maxBytes: number,
  ): Promise<{ entries: Entry[]; next: Position } | undefined> {
    const view = await this.view(topic.name);
    if (!view || comparePositions(from, view.horizon) > 0) return undefined;
    const entries = await view.using((v) => v.read(from, maxEntries, maxBytes));
    if (entries.length === 0) return { entries, next: topic.ledger.after(view.horizon) };
    const last = entries[entries.length - 1].position;
    return { entries, next: { ledgerId: last.ledgerId, entryId: last.entryId + 1 } };
  }

  /** Checks every loaded topic against its namespace's compaction_threshold. */
  async checkThresholds(): Promise<void> {
    const policies = this.o.broker.policies;
    if (!policies || this.closed) return;
    for (const topic of this.o.broker.loadedTopics()) {
      if (topic.state !== 'open' || this.topics.get(topic.name)?.running) continue;
      try {
        const threshold = (await policies.effectivePolicies(topic.name))?.compactionThreshold ?? 0;
        if (threshold > 0 && (await this.bytesAfterHorizon(topic)) >= threshold) this.trigger(topic);
      } catch (err) {
        topic.log.warn({ err }, 'compaction threshold check failed');
      }
    }
  }

  /** The topic was deleted: its compacted ledger and record go too. */
  async topicDeleted(topic: string): Promise<void> {
    const t = this.topics.get(topic);
    await t?.running;
    this.topics.delete(topic);
    const view = await t?.view?.catch(() => null);
    await view?.retire();
    const record = await readCompactionRecord(this.o.metadata, topic);
    for (const id of [record.ledgerId, record.pendingLedgerId]) {
      if (id !== undefined) await this.o.ledgerStore.deleteLedger(id);
    }
    await deleteCompactionRecord(this.o.metadata, topic);
  }

  /** Stops the timer, lets running compactions finish and closes the views. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopTimer();
    const all = [...this.topics.values()];
    await Promise.allSettled(all.map((t) => t.running));
    for (const t of all) {
      const view = await t.view?.catch(() => null);
      await view?.retire().catch(() => undefined);
    }
    this.topics.clear();
  }

  private entry(topic: string): TopicCompaction {
    let t = this.topics.get(topic);
    if (!t) {
      t = { status: 'NOT_RUN', lastError: '' };
      this.topics.set(topic, t);
    }
    return t;
  }

  private async loadView(topic: string): Promise<CompactedView | null> {
    const r = await readCompactionRecord(this.o.metadata, topic);
    if (r.ledgerId === undefined || !r.horizon) return null;
    return new CompactedView(await this.o.ledgerStore.openLedger(r.ledgerId), r.horizon);
  }

  private async run(topic: PersistentTopic, t: TopicCompaction): Promise<void> {
    const log = topic.ledger;
    const cursor = await log.openCursor(COMPACTION_CURSOR, 'earliest');
    const horizon = log.lastConfirmed();
    const previous = await this.view(topic.name);
    if (!horizon || (previous && comparePositions(horizon, previous.horizon) <= 0)) return;
    const store = this.o.ledgerStore;
    const record = await readCompactionRecord(this.o.metadata, topic.name);
    // A ledger a crashed run left behind is garbage: nothing points at it.
    if (record.pendingLedgerId !== undefined) await store.deleteLedger(record.pendingLedgerId);
    const out = await store.createLedger();
    await writeCompactionRecord(this.o.metadata, topic.name, { ...record, pendingLedgerId: out.id });
    let entries: number;
    try {
      entries = previous
        ? await previous.using((view) => compactInto({ log, previous: view, horizon }, out))
        : await compactInto({ log, previous: undefined, horizon }, out);
      await out.close();
    } catch (err) {
      await out.close().catch(() => undefined);
      await store.deleteLedger(out.id);
      await writeCompactionRecord(this.o.metadata, topic.name, withoutPending(record));
      throw err;
    }
    await writeCompactionRecord(this.o.metadata, topic.name, { ledgerId: out.id, horizon, entries });
    t.view = Promise.resolve(new CompactedView(out, horizon));
    cursor.ackCumulative(horizon);
    await cursor.flush();
    topic.log.info({ horizon, entries, ledgerId: out.id }, 'compaction done');
    if (previous) {
      await previous.retire();
      await store.deleteLedger(previous.ledger.id);
    }
  }

  /**
   * Bytes stored after the horizon: whole ledgers past it, and the share of the horizon's own
   * ledger after it (entries of one ledger are assumed to be of similar size).
   */
  private async bytesAfterHorizon(topic: PersistentTopic): Promise<number> {
    const horizon = (await this.view(topic.name))?.horizon;
    let bytes = 0;
    for (const l of topic.ledger.ledgerInfos()) {
      if (!horizon || l.ledgerId > horizon.ledgerId) bytes += l.size;
      else if (l.ledgerId === horizon.ledgerId && l.entries > 0) {
        bytes += (l.size * Math.max(0, l.entries - horizon.entryId - 1)) / l.entries;
      }
    }
    return bytes;
  }
}

function withoutPending(r: CompactionRecord): CompactionRecord {
  const { pendingLedgerId: _, ...rest } = r;
  return rest;
}

/** Each broker's compaction service (set up by the standalone), found through the broker. */
const services = new WeakMap<BrokerService, CompactionService>();

export function attachCompaction(broker: BrokerService, service: CompactionService): void {
  services.set(broker, service);
}

export function compactionOf(broker: BrokerService): CompactionService | undefined {
  return services.get(broker);
}
