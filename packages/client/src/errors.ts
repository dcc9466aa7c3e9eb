/**
 * The client's error hierarchy. Callers branch on `code` (stable strings) or on the class, never on
 * message text. `retriable` says whether the same operation may succeed if tried again later, which
 * is what the producer and consumer reconnect logic consult before giving up.
 */
export type ClientErrorCode =
  | 'SERVER_ERROR'
  | 'TIMEOUT'
  | 'CONNECTION_CLOSED'
  | 'PRODUCER_QUEUE_IS_FULL'
  | 'ALREADY_CLOSED'
  | 'INVALID_CONFIGURATION'
  | 'MESSAGE_TOO_BIG'
  | 'LOOKUP_ERROR'
  | 'PROTOCOL_ERROR'
  | 'AUTHENTICATION_ERROR'
  | 'AUTHORIZATION_ERROR'
  | 'TLS_ERROR';

export class PulsarClientError extends Error {
  override name = 'PulsarClientError';
  readonly code: ClientErrorCode;
  readonly retriable: boolean;

  constructor(
    code: ClientErrorCode,
    message: string,
    options: { retriable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/**
 * ServerError names by code, copied from the wire enum's documented values so the client can render
 * a readable reason without importing the whole protocol table.
 */
const SERVER_ERROR_NAMES: Record<number, string> = {
  0: 'UnknownError',
  1: 'MetadataError',
  2: 'PersistenceError',
  3: 'AuthenticationError',
  4: 'AuthorizationError',
  5: 'ConsumerBusy',
  6: 'ServiceNotReady',
  7: 'ProducerBlockedQuotaExceededError',
  8: 'ProducerBlockedQuotaExceededException',
  9: 'ChecksumError',
  10: 'UnsupportedVersionError',
  11: 'TopicNotFound',
  12: 'SubscriptionNotFound',
  13: 'ConsumerNotFound',
  14: 'TooManyRequests',
  15: 'TopicTerminatedError',
  16: 'ProducerBusy',
  17: 'InvalidTopicName',
  18: 'IncompatibleSchema',
  19: 'ConsumerAssignError',
  20: 'TransactionCoordinatorNotFound',
  21: 'InvalidTxnStatus',
  22: 'NotAllowedError',
  23: 'TransactionConflict',
  24: 'TransactionNotFound',
  25: 'ProducerFenced',
};

/**
 * Server errors after which the Java and Go clients retry: the broker is busy, not ready, or the
 * topic is moving. Everything else (bad name, auth, fenced) will not improve by waiting.
 */
const RETRIABLE_SERVER_ERRORS = new Set([0, 1, 2, 6, 14, 16, 5]);

/** An ERROR, SEND_ERROR or failed response carrying Pulsar's `ServerError` code. */
export class ServerErrorException extends PulsarClientError {
  override name = 'ServerErrorException';
  readonly serverError: number;

  constructor(serverError: number, message: string, code: ClientErrorCode = 'SERVER_ERROR') {
    const label = SERVER_ERROR_NAMES[serverError] ?? `ServerError(${serverError})`;
    super(code, `${label}: ${message}`, { retriable: RETRIABLE_SERVER_ERRORS.has(serverError) });
    this.serverError = serverError;
  }

  get serverErrorName(): string {
    return SERVER_ERROR_NAMES[this.serverError] ?? 'UnknownError';
  }
}

const AUTHENTICATION_ERROR = 3;
const AUTHORIZATION_ERROR = 4;

/**
 * The broker refused the client's credentials (ServerError.AuthenticationError), on CONNECT or on
 * a credential refresh. Not retriable: the same credentials are refused again.
 */
export class AuthenticationError extends ServerErrorException {
  override name = 'AuthenticationError';
  constructor(message: string) {
    super(AUTHENTICATION_ERROR, message, 'AUTHENTICATION_ERROR');
  }
}

/** The authenticated role may not do this (ServerError.AuthorizationError). Not retriable. */
export class AuthorizationError extends ServerErrorException {
  override name = 'AuthorizationError';
  constructor(message: string) {
    super(AUTHORIZATION_ERROR, message, 'AUTHORIZATION_ERROR');
  }
}

/** The typed exception for a ServerError code received from the broker. */
export function serverError(code: number, message: string): ServerErrorException {
  if (code === AUTHENTICATION_ERROR) return new AuthenticationError(message);
  if (code === AUTHORIZATION_ERROR) return new AuthorizationError(message);
  return new ServerErrorException(code, message);
}

/**
 * The TLS handshake failed: the client does not trust the broker's certificate (or its host name,
 * with tlsValidateHostname), or the broker refused the client's certificate. Not retriable: trust
 * settings do not change by waiting. `cause` holds Node's error, whose `code` names the reason.
 */
export class TlsError extends PulsarClientError {
  override name = 'TlsError';
  constructor(message: string, cause?: unknown) {
    super('TLS_ERROR', message, { retriable: false, cause });
  }
}

export class TimeoutError extends PulsarClientError {
  override name = 'TimeoutError';
  constructor(message: string, cause?: unknown) {
    super('TIMEOUT', message, { retriable: true, cause });
  }
}

export class ConnectionClosedError extends PulsarClientError {
  override name = 'ConnectionClosedError';
  constructor(message: string, cause?: unknown) {
    super('CONNECTION_CLOSED', message, { retriable: true, cause });
  }
}

/** Raised by `send` when the pending queue is full and `blockIfQueueFull` is false. */
export class ProducerQueueIsFullError extends PulsarClientError {
  override name = 'ProducerQueueIsFullError';
  constructor(message = 'producer pending queue is full') {
    super('PRODUCER_QUEUE_IS_FULL', message, { retriable: true });
  }
}

export class AlreadyClosedError extends PulsarClientError {
  override name = 'AlreadyClosedError';
  constructor(what: string) {
    super('ALREADY_CLOSED', `${what} is already closed`);
  }
}

export class InvalidConfigurationError extends PulsarClientError {
  override name = 'InvalidConfigurationError';
  constructor(message: string) {
    super('INVALID_CONFIGURATION', message);
  }
}

export class MessageTooBigError extends PulsarClientError {
  override name = 'MessageTooBigError';
  constructor(size: number, max: number) {
    super('MESSAGE_TOO_BIG', `message of ${size} bytes exceeds the broker limit of ${max} bytes`);
  }
}

/** True when an error may go away if the operation is retried after a back-off. */
export function isRetriable(err: unknown): boolean {
  if (err instanceof PulsarClientError) return err.retriable;
  // Socket-level failures (ECONNREFUSED, ECONNRESET) are what a restarting broker looks like.
  return err instanceof Error && 'code' in err && typeof (err as { code: unknown }).code === 'string';
}
