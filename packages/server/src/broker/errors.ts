import { ServerError } from '@magnetar/protocol';

/**
 * An operating error the broker reports to a client. It carries the Pulsar `ServerError` code that
 * goes on the wire (CommandError.error, CommandSendError.error, ...) so that official clients react
 * as they would to Pulsar: retry on ServiceNotReady, give up on TopicNotFound, and so on.
 */
export class BrokerError extends Error {
  constructor(
    readonly serverError: number,
    message: string,
    readonly retriable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BrokerError';
  }
}

export const topicNotFound = (topic: string) =>
  new BrokerError(ServerError.TopicNotFound, `Topic ${topic} does not exist`);
export const invalidTopicName = (topic: string, why: string) =>
  new BrokerError(ServerError.InvalidTopicName, `Invalid topic name ${JSON.stringify(topic)}: ${why}`);
export const consumerBusy = (why: string) => new BrokerError(ServerError.ConsumerBusy, why);
export const producerBusy = (why: string) => new BrokerError(ServerError.ProducerBusy, why);
export const notAllowed = (why: string) => new BrokerError(ServerError.NotAllowedError, why);
export const serviceNotReady = (why: string) => new BrokerError(ServerError.ServiceNotReady, why, true);

/** Maps any failure to the code and message sent to the client; unexpected errors become UnknownError. */
export function toServerError(err: unknown): { code: number; message: string } {
  if (err instanceof BrokerError) return { code: err.serverError, message: err.message };
  if (
    err &&
    typeof err === 'object' &&
    'code' in err &&
    (err as { code: unknown }).code === 'INVALID_TOPIC_NAME'
  ) {
    return { code: ServerError.InvalidTopicName, message: String((err as { message?: unknown }).message) };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: ServerError.UnknownError, message };
}
