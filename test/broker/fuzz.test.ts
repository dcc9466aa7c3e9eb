import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BASE_COMMAND_DESCRIPTOR,
  CommandType,
  serializeCommand,
  serializePayloadCommand,
  type BaseCommand,
} from '@magnetar/protocol';
import { messageArbitrary } from '../../packages/protocol/src/wire/testing/arbitrary.js';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

// Well-formed frames with nonsensical contents: every client-sendable command with random field
// values (ids that exist and ones that do not, random topic names, random permits). The broker
// may answer with errors or close the connection, but must keep serving everyone else.

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker({ keepAliveIntervalSeconds: 30 });
});
afterAll(async () => {
  await broker.destroy();
});

const CLIENT_COMMANDS = [
  CommandType.SUBSCRIBE,
  CommandType.PRODUCER,
  CommandType.SEND,
  CommandType.ACK,
  CommandType.FLOW,
  CommandType.UNSUBSCRIBE,
  CommandType.CLOSE_PRODUCER,
  CommandType.CLOSE_CONSUMER,
  CommandType.PING,
  CommandType.PONG,
  CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES,
  CommandType.PARTITIONED_METADATA,
  CommandType.LOOKUP,
  CommandType.CONSUMER_STATS,
  CommandType.SEEK,
  CommandType.GET_LAST_MESSAGE_ID,
  CommandType.GET_TOPICS_OF_NAMESPACE,
  CommandType.GET_SCHEMA,
  CommandType.GET_OR_CREATE_SCHEMA,
  CommandType.NEW_TXN,
  CommandType.WATCH_TOPIC_LIST,
  CommandType.CONNECT,
];

/** A random command of a client-sendable type; small ids collide with real producers/consumers. */
const commandArb: fc.Arbitrary<BaseCommand> = fc.constantFrom(...CLIENT_COMMANDS).chain((type) => {
  const field = BASE_COMMAND_DESCRIPTOR.byNumber[type]!;
  return messageArbitrary(field.message!, 0, 2).map((body) => {
    for (const k of ['producer_id', 'consumer_id', 'request_id'])
      if (k in body) body[k] = Math.abs(Number(body[k])) % 4;
    if (typeof body.topic === 'string' && body.topic.length % 2 === 0)
      body.topic = `fuzz-${body.topic.length}`;
    return { type, [field.name]: body } as BaseCommand;
  });
});

describe('broker under random well-formed commands', () => {
  it('keeps serving a well-behaved client whatever another connection sends', async () => {
    const good = await RawClient.connected(broker.port);
    good.send({
      type: CommandType.PRODUCER,
      producer: { topic: 'fuzz-good', producer_id: 1, request_id: 1 },
    });
    await good.response(1);
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: 25 }), async (cmds) => {
        const evil = await RawClient.connected(broker.port);
        for (const cmd of cmds) {
          const frame =
            cmd.type === CommandType.SEND
              ? serializePayloadCommand(
                  cmd,
                  { producer_name: 'x', sequence_id: 0, publish_time: 0 },
                  Buffer.from('x'),
                )
              : serializeCommand(cmd);
          if (!evil.closed) evil.writeRaw(frame);
        }
        await new Promise((r) => setTimeout(r, 5));
        evil.close();
        // The neighbour still gets a receipt for every publish.
        const s = seq++;
        good.sendPayload(
          { type: CommandType.SEND, send: { producer_id: 1, sequence_id: s } },
          { producer_name: 'good', sequence_id: s, publish_time: Date.now() },
          Buffer.from(`ok-${s}`),
        );
        const r = await good.next((f) => f.command.type === CommandType.SEND_RECEIPT);
        expect(r.command.send_receipt!.sequence_id).toBe(s);
      }),
      { numRuns: 150 },
    );
    good.close();
  }, 120_000);
});
