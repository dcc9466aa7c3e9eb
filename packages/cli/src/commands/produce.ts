/**
 * `magnetar produce <topic>`: publishes messages from -m text, a file, or random bytes of -s size,
 * -n times at up to -r messages per second, with a one-line progress display on stderr.
 * Option parsing (`parseProduceOptions`) is separate from the side effects (`runProduce`).
 * Credentials, TLS and the listener name are pulsar-client's options (../security-options.ts).
 */
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { Client, Producer } from '@magnetar/client';
import {
  addClientSecurityOptions,
  checkServiceUrl,
  clientSecurityConfig,
  parseClientSecurity,
  describeClientError,
  type ClientSecurity,
  type ClientSecurityFlags,
} from '../security-options.js';

export const DEFAULT_SERVICE_URL = 'pulsar://127.0.0.1:6650';

/** Exit status for bad options, as for `magnetar standalone` and `magnetar perf`. */
export const EXIT_BAD_OPTIONS = 2;

export interface ProduceFlags extends ClientSecurityFlags {
  messages?: string[];
  file?: string;
  numProduce?: string;
  rate?: string;
  size?: string;
  serviceUrl?: string;
  key?: string;
  property?: string[];
  batching?: boolean;
}

export interface ProduceOptions {
  topic: string;
  /** Message bodies to send in turn; empty when `file` or `size` supplies the body. */
  messages: string[];
  file: string | undefined;
  count: number;
  /** Messages per second; 0 means as fast as the producer accepts them. */
  rate: number;
  size: number;
  serviceUrl: string;
  key: string | undefined;
  properties: Record<string, string>;
  batching: boolean;
  security: ClientSecurity;
}

function nonNegativeInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${text}"`);
  return n;
}

export function parseProperties(pairs: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--property expects key=value, got "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export function parseProduceOptions(topic: string, flags: ProduceFlags): ProduceOptions {
  const messages = flags.messages ?? [];
  if (messages.length > 0 && flags.file) throw new Error('use either -m or -f, not both');
  const size = nonNegativeInt('--size', flags.size, 0);
  if (messages.length === 0 && !flags.file && size === 0) throw new Error('give -m MSG, -f FILE or -s SIZE');
  return {
    topic,
    messages,
    file: flags.file,
    count: nonNegativeInt('--num-produce', flags.numProduce, 1),
    rate: nonNegativeInt('--rate', flags.rate, 0),
    size,
    serviceUrl: flags.serviceUrl ?? DEFAULT_SERVICE_URL,
    key: flags.key,
    properties: parseProperties(flags.property),
    batching: flags.batching !== false,
    security: parseClientSecurity(flags),
  };
}

/** A single stderr line rewritten in place: "<verb> N messages (R msg/s)". */
export class ProgressLine {
  private count = 0;
  private readonly startedAt = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly verb: string,
    private readonly out: NodeJS.WritableStream = process.stderr,
    intervalMs = 500,
  ) {
    this.timer = setInterval(() => this.render(), intervalMs);
    this.timer.unref();
  }

  add(n = 1): void {
    this.count += n;
  }

  get total(): number {
    return this.count;
  }

  private render(final = false): void {
    const secs = Math.max((Date.now() - this.startedAt) / 1000, 0.001);
    const rate = (this.count / secs).toFixed(1);
    this.out.write(`\r${this.verb} ${this.count} messages (${rate} msg/s)${final ? '\n' : ''}`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.render(true);
  }
}

/** The bodies to cycle through: the -m texts, the file's contents, or one random payload. */
async function bodies(opts: ProduceOptions): Promise<Buffer[]> {
  if (opts.messages.length > 0) return opts.messages.map((m) => Buffer.from(m));
  if (opts.file) return [await readFile(opts.file)];
  return [randomBytes(opts.size)];
}

/** Publishes until the count is reached or `signal` aborts; returns the number sent. */
export async function runProduce(
  opts: ProduceOptions,
  signal: AbortSignal,
  progress: ProgressLine,
): Promise<number> {
  const { Client } = await import('@magnetar/client');
  const data = await bodies(opts);
  const client: Client = new Client({
    serviceUrl: opts.serviceUrl,
    ...(await clientSecurityConfig(opts.security)),
  });
  let producer: Producer | undefined;
  try {
    producer = await client.createProducer({ topic: opts.topic, batchingEnabled: opts.batching });
    const inFlight = new Set<Promise<unknown>>();
    const startedAt = Date.now();
    for (let i = 0; i < opts.count && !signal.aborted; i++) {
      if (opts.rate > 0) {
        const due = startedAt + (i * 1000) / opts.rate;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const p = producer
        .send({ data: data[i % data.length], partitionKey: opts.key, properties: opts.properties })
        .then(() => progress.add());
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p)).catch(() => undefined);
      // send() waits for queue room itself; bounding our own set keeps memory flat as well.
      if (inFlight.size >= 1000) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return progress.total;
  } finally {
    await producer?.close().catch(() => undefined);
    await client.close();
  }
}

export function registerProduce(program: Command): void {
  const cmd = program
    .command('produce')
    .description('publish messages to a topic')
    .argument('<topic>', 'topic name, e.g. my-topic or persistent://public/default/my-topic')
    .option('-m, --messages <msg>', 'message body; repeatable (sent in turn)', collect, [])
    .option('-f, --file <file>', 'send the contents of a file as each message')
    .option('-n, --num-produce <count>', 'number of messages to send', '1')
    .option('-r, --rate <msgPerSec>', 'publish rate limit in messages per second, 0 = unlimited', '0')
    .option('-s, --size <bytes>', 'send random payloads of this size when no -m or -f is given')
    .option('--service-url <url>', 'broker service URL', DEFAULT_SERVICE_URL)
    .option('-k, --key <key>', 'partition key for every message')
    .option('-p, --property <key=value>', 'message property; repeatable', collect, [])
    .option('--no-batching', 'send each message in its own entry');
  addClientSecurityOptions(cmd).action((topic: string, flags: ProduceFlags) =>
    runClientCommand(
      'produce',
      () => parseProduceOptions(topic, flags),
      (opts, signal) => {
        const progress = new ProgressLine('produced');
        return { progress, done: runProduce(opts, signal, progress) };
      },
    ),
  );
}

/**
 * The life of `magnetar produce` and `magnetar consume` once commander has the flags: a mistake
 * in them is one "magnetar <command>: ..." line and exit status 2; then the run, stopped cleanly by
 * SIGINT / SIGTERM; and a broker that cannot be reached, refuses the credentials or the TLS
 * handshake, or denies the topic is one line and exit status 1 rather than a stack trace.
 */
export async function runClientCommand<O extends { serviceUrl: string; security: ClientSecurity }>(
  command: string,
  parse: () => O,
  start: (opts: O, signal: AbortSignal) => { progress: ProgressLine; done: Promise<unknown> },
): Promise<void> {
  let opts: O;
  try {
    opts = parse();
    for (const w of checkServiceUrl(opts.security, opts.serviceUrl).warnings) {
      process.stderr.write(`magnetar ${command}: ${w}\n`);
    }
  } catch (err) {
    process.stderr.write(`magnetar ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = EXIT_BAD_OPTIONS;
    return;
  }
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const { progress, done } = start(opts, abort.signal);
  let failure: { err: unknown } | undefined;
  try {
    await done;
  } catch (err) {
    failure = { err };
  } finally {
    progress.stop();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  if (failure !== undefined) {
    process.stderr.write(`magnetar ${command}: ${describeClientError(failure.err)}\n`);
    process.exitCode = 1;
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
