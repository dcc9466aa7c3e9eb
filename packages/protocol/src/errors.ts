/**
 * Stable codes for everything that can be wrong with bytes received from a peer. Callers branch on
 * `code`, never on the message text. After a frame-level error the byte stream cannot be trusted
 * any more, so the connection owner closes the connection.
 */
export type ProtocolErrorCode =
  | 'FRAME_TOO_LARGE'
  | 'MALFORMED_FRAME'
  | 'MALFORMED_PROTOBUF'
  | 'MALFORMED_BATCH'
  | 'COMPRESSION_ERROR'
  | 'UNSUPPORTED_COMPRESSION'
  | 'INVALID_TOPIC_NAME'
  | 'INVALID_MESSAGE_ID';

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: ProtocolErrorCode;
  /** Malformed input never gets better by retrying the same bytes. */
  readonly retriable = false;

  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isProtocolError(err: unknown): err is ProtocolError {
  return err instanceof ProtocolError;
}
