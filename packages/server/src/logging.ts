/**
 * The process logger: pino, one JSON object per line, so that log shippers need no parsing rules.
 * Anything that looks like credentials is redacted by path before it is serialised, because auth
 * data travels in CONNECT frames and HTTP headers that handlers may be tempted to log whole.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** A pino level name: fatal, error, warn, info, debug, trace or silent. */
  level: string;
  /** Added to every line as `name`, e.g. "magnetar". */
  name?: string;
  /** Where lines go; defaults to standard output, written synchronously. */
  destination?: DestinationStream;
}

const SECRET_FIELDS = [
  'authData',
  'auth_data',
  'authToken',
  'token',
  'password',
  'secret',
  'authorization',
  'Authorization',
  'cookie',
  'credentials',
];

/**
 * Redaction paths: each secret field at the top level, one level down (`*.token`), and in HTTP
 * request headers as fastify logs them. pino's `*` matches exactly one level, so deeper nesting
 * needs an explicit path here.
 */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

export const REDACTED = '[redacted]';

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      name: options.name,
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      // An ISO time is what operators grep for; the epoch number pino writes by default is not.
      timestamp: pino.stdTimeFunctions.isoTime,
      base: { pid: process.pid },
    },
    // Synchronous by default: log lines then keep their order with other output on stdout, and a
    // fatal line written just before process.exit() is not lost. Logging is off the hot path.
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}
