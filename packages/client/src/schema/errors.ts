import { ServerErrorException } from '../errors.js';

/** ServerError.IncompatibleSchema */
export const INCOMPATIBLE_SCHEMA = 18;

/**
 * The broker refused a producer's or consumer's schema under the topic's compatibility strategy
 * (ServerError.IncompatibleSchema). Not retriable: the same schema will be refused again.
 */
export class IncompatibleSchemaError extends ServerErrorException {
  override name = 'IncompatibleSchemaError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(INCOMPATIBLE_SCHEMA, message);
    if (options.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause });
  }
}

/** Rethrows a broker IncompatibleSchema refusal as IncompatibleSchemaError; other errors unchanged. */
export function asSchemaError(err: unknown): unknown {
  if (err instanceof ServerErrorException && err.serverError === INCOMPATIBLE_SCHEMA) {
    return new IncompatibleSchemaError(err.message.replace(/^IncompatibleSchema: /, ''), { cause: err });
  }
  return err;
}
