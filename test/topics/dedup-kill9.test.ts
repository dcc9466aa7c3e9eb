import { afterEach, describe, expect, it } from 'vitest';
import { CommandType } from '@magnetar/protocol';
import { RawClient } from '../helpers/raw-client.js';
import { removeDir, startBrokerProcess, type BrokerProcess } from '../helpers/process-broker.js';
import { openProducer, readAll, receipt, sendRaw } from './helpers.js';

const topic = 'persistent://public/default/dedup-kill9';
const procs: BrokerProcess[] = [];
afterEach(async () => {
  for (const p of procs.splice(0)) {
    await p.stop('SIGKILL');
    await removeDir(p.dataDir);
  }
});

const start = (dataDir?: string) =>
  startBrokerProcess({
    dataDir,
    // A snapshot every 500 entries: recovery must combine a snapshot with a replay of the rest.
    args: ['--set', 'brokerDeduplicationEnabled=true', '--set', 'brokerDeduplicationEntriesInterval=500'],
  });

describe('deduplication across SIGKILL', () => {
  it('stores every message once when a producer resends everything after the broker was killed', async () => {
    const first = await start();
    procs.push(first);
    const acked = 1700;
    const unacked = 300;
    const c = await RawClient.connected(first.port);
    expect((await openProducer(c, topic, 1, 'kp')).command.type).toBe(CommandType.PRODUCER_SUCCESS);
    for (let i = 0; i < acked; i++) sendRaw(c, 1, 'kp', i, `m-${i}`);
    for (let i = 0; i < acked; i++) {
      const r = await receipt(c, 1, i);
      expect(r.command.send_receipt!.message_id!.entryId).toBeGreaterThanOrEqual(0);
    }
    // More messages, killed mid-flight: some are stored without a receipt, some not at all.
    for (let i = acked; i < acked + unacked; i++) sendRaw(c, 1, 'kp', i, `m-${i}`);
    await first.stop('SIGKILL');
    c.close();

    const second = await start(first.dataDir);
    procs.push(second);
    const d = await RawClient.connected(second.port);
    const ok = await openProducer(d, topic, 1, 'kp');
    const last = ok.command.producer_success!.last_sequence_id!;
    // Everything acknowledged is known; the unacknowledged tail may or may not have been stored.
    expect(last).toBeGreaterThanOrEqual(acked - 1);
    expect(last).toBeLessThan(acked + unacked);
    const total = acked + unacked;
    for (let i = 0; i < total; i++) sendRaw(d, 1, 'kp', i, `m-${i}`);
    let duplicates = 0;
    for (let i = 0; i < total; i++) {
      const r = await receipt(d, 1, i);
      expect(r.command.type).toBe(CommandType.SEND_RECEIPT);
      if (r.command.send_receipt!.message_id!.ledgerId === -1) duplicates++;
    }
    // Exactly the messages stored before the kill were recognised.
    expect(duplicates).toBe(last + 1);
    d.close();
    expect(await readAll(second.port, topic, total)).toEqual(
      Array.from({ length: total }, (_, i) => `m-${i}`),
    );
  });
});
