/**
 * `magnetar admin topics peek-messages`: reads a subscription's next messages without consuming
 * them, as pulsar-admin does: positions 1, 2, ... are fetched until `count` messages are in hand; a
 * batch entry arrives whole (X-Pulsar-Num-Batch-Message) and is split here with the protocol's
 * parseBatch. The body is binary, so this takes the raw answer (AdminClient.send), not parsed JSON.
 */
import { AdminHttpError, type AdminClient } from './http.js';

export interface PeekedMessage {
  /** "ledgerId:entryId" of the entry. */
  messageId: string;
  /** Index inside the batch, for a message of a batch entry. */
  batchIndex?: number;
  publishTime?: string;
  properties: Record<string, string>;
  payload: Buffer;
}

/** The next `count` messages of the subscription at `path` (…/subscription/{sub}). */
export async function peekMessages(
  client: AdminClient,
  path: string,
  count: number,
): Promise<PeekedMessage[]> {
  const out: PeekedMessage[] = [];
  for (let position = 1; out.length < count; position++) {
    const entry = await fetchEntry(client, `${path}/position/${position}`, out.length === 0);
    if (!entry) break;
    out.push(...(await split(entry.headers, entry.body)));
  }
  return out.slice(0, count);
}

/** Messages as --json prints them: the payload as text when it is UTF-8, and always as base64. */
export function peekedJson(m: PeekedMessage): Record<string, unknown> {
  return {
    messageId: m.messageId,
    ...(m.batchIndex === undefined ? {} : { batchIndex: m.batchIndex }),
    ...(m.publishTime === undefined ? {} : { publishTime: m.publishTime }),
    properties: m.properties,
    payload: utf8(m.payload) ?? null,
    payloadBase64: m.payload.toString('base64'),
  };
}

/** Messages as people read them: one block each, the payload as text or as hex. */
export function showPeeked(messages: PeekedMessage[]): string {
  return messages
    .map((m) => {
      const id = m.batchIndex === undefined ? m.messageId : `${m.messageId}:${m.batchIndex}`;
      const props = Object.entries(m.properties).map(([k, v]) => `${k}=${v}`);
      const text = utf8(m.payload);
      return [
        `${m.batchIndex === undefined ? 'Message ID' : 'Batch Message ID'}: ${id}`,
        ...(m.publishTime ? [`Publish time: ${m.publishTime}`] : []),
        `Properties: ${props.length > 0 ? props.join(', ') : '-'}`,
        text === undefined ? `Payload (hex): ${m.payload.toString('hex')}` : `Payload: ${text}`,
      ].join('\n');
    })
    .join('\n\n');
}

async function split(headers: Headers, body: Buffer): Promise<PeekedMessage[]> {
  const messageId = headers.get('x-pulsar-message-id') ?? '?';
  const publishTime = headers.get('x-pulsar-publish-time') ?? undefined;
  const batch = headers.get('x-pulsar-num-batch-message');
  if (batch === null) return [{ messageId, publishTime, properties: propertiesOf(headers), payload: body }];
  // Loaded only here: the protocol package is not needed by any other admin verb.
  const { parseBatch } = await import('@magnetar/protocol');
  return parseBatch(body, Number(batch)).map((m, batchIndex) => ({
    messageId,
    batchIndex,
    publishTime,
    properties: Object.fromEntries((m.metadata.properties ?? []).map((p) => [p.key, p.value])),
    payload: Buffer.from(m.payload),
  }));
}

/** The JSON X-Pulsar-Property header, else the X-Pulsar-Property-<key> headers of older brokers. */
function propertiesOf(headers: Headers): Record<string, string> {
  const json = headers.get('x-pulsar-property');
  if (json) return JSON.parse(json) as Record<string, string>;
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    if (key.startsWith('x-pulsar-property-')) out[key.slice('x-pulsar-property-'.length)] = value;
  });
  return out;
}

/** One entry; undefined when the broker says there is no message there (and `required` is false). */
async function fetchEntry(client: AdminClient, path: string, required: boolean) {
  const res = await client.send('GET', path, undefined, '*/*');
  if (res.status >= 200 && res.status <= 299) return { headers: res.headers, body: res.body };
  const reason = reasonOf(res.body.toString('utf8')) ?? res.statusText;
  if (res.status === 404 && reason === 'Message not found' && !required) return undefined;
  throw new AdminHttpError(res.status, reason);
}

function reasonOf(text: string): string | undefined {
  try {
    const r = (JSON.parse(text) as { reason?: unknown }).reason;
    return typeof r === 'string' ? r : undefined;
  } catch {
    return text.trim() || undefined;
  }
}

/** The payload as text if it is valid UTF-8 without control characters other than whitespace. */
function utf8(b: Buffer): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(b);
    // eslint-disable-next-line no-control-regex
    return /[\u0000-\u0008\u000e-\u001f\u007f]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}
