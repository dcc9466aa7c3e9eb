import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { useStandalone } from '../testing.js';
import { parseConsumeOptions, runConsume } from './consume.js';
import { ProgressLine, parseProduceOptions, parseProperties, runProduce } from './produce.js';

describe('parseProduceOptions', () => {
  it('fills defaults and parses properties', () => {
    const o = parseProduceOptions('t', { messages: ['hi'], property: ['a=1', 'b=x=y'] });
    expect(o).toMatchObject({
      topic: 't',
      messages: ['hi'],
      count: 1,
      rate: 0,
      serviceUrl: 'pulsar://127.0.0.1:6650',
      properties: { a: '1', b: 'x=y' },
      batching: true,
    });
    expect(parseProduceOptions('t', { size: '10', numProduce: '5', batching: false })).toMatchObject({
      size: 10,
      count: 5,
      batching: false,
    });
  });

  it('rejects contradictory or malformed input', () => {
    expect(() => parseProduceOptions('t', {})).toThrow(/-m MSG, -f FILE or -s SIZE/);
    expect(() => parseProduceOptions('t', { messages: ['a'], file: 'f' })).toThrow(/either -m or -f/);
    expect(() => parseProduceOptions('t', { messages: ['a'], numProduce: '-1' })).toThrow(/non-negative/);
    expect(() => parseProperties(['novalue'])).toThrow(/key=value/);
  });
});

describe('parseConsumeOptions', () => {
  it('normalizes subscription type and position', () => {
    expect(
      parseConsumeOptions('t', {
        subscriptionName: 's',
        subscriptionType: 'key_shared',
        position: 'earliest',
      }),
    ).toMatchObject({
      subscription: 's',
      subscriptionType: 'KeyShared',
      initialPosition: 'Earliest',
      count: 1,
      hex: false,
    });
    expect(() => parseConsumeOptions('t', {})).toThrow(/required/);
    expect(() => parseConsumeOptions('t', { subscriptionName: 's', subscriptionType: 'nope' })).toThrow(
      /unknown/,
    );
    expect(() => parseConsumeOptions('t', { subscriptionName: 's', position: 'middle' })).toThrow(
      /Earliest or Latest/,
    );
  });
});

describe('produce and consume against a broker', () => {
  const broker = useStandalone('cli-pc');

  it('sends -n messages and prints them back, as text and as hex', async () => {
    const topic = `cli-${Date.now()}`;
    const serviceUrl = broker().brokerServiceUrl;
    const sink = new PassThrough();
    const produced = await runProduce(
      parseProduceOptions(topic, { messages: ['hello', 'world'], numProduce: '4', serviceUrl }),
      new AbortController().signal,
      new ProgressLine('produced', sink),
    );
    expect(produced).toBe(4);

    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    const progress = new ProgressLine('consumed', sink);
    const consumed = await runConsume(
      parseConsumeOptions(topic, {
        subscriptionName: 's',
        numMessages: '4',
        position: 'Earliest',
        serviceUrl,
      }),
      new AbortController().signal,
      progress,
      out,
    );
    progress.stop();
    expect(consumed).toBe(4);
    expect(chunks.join('')).toBe('hello\nworld\nhello\nworld\n');

    const hexOut = new PassThrough();
    const hex: string[] = [];
    hexOut.on('data', (c: Buffer) => hex.push(c.toString()));
    await runConsume(
      parseConsumeOptions(topic, {
        subscriptionName: 'h',
        numMessages: '1',
        position: 'Earliest',
        serviceUrl,
        hex: true,
      }),
      new AbortController().signal,
      new ProgressLine('consumed', sink),
      hexOut,
    );
    expect(hex.join('')).toBe(`${Buffer.from('hello').toString('hex')}\n`);
  });

  it('stops consuming forever (-n 0) when aborted', async () => {
    const abort = new AbortController();
    const running = runConsume(
      parseConsumeOptions(`cli-forever-${Date.now()}`, {
        subscriptionName: 's',
        numMessages: '0',
        serviceUrl: broker().brokerServiceUrl,
      }),
      abort.signal,
      new ProgressLine('consumed', new PassThrough()),
      new PassThrough(),
    );
    setTimeout(() => abort.abort(), 300);
    await expect(running).resolves.toBe(0);
  });
});
