/**
 * Refusals of admin operations. Each carries the HTTP status and the `reason` text Pulsar's REST
 * API answers with (NamespacesBase, TenantsBase, ClustersBase), so the HTTP layer only has to copy
 * them into `{"reason": "..."}`. `statusCode` is the property fastify's error handler reads.
 */

export type AdminErrorCode =
  'BAD_REQUEST' | 'FORBIDDEN' | 'NOT_FOUND' | 'METHOD_NOT_ALLOWED' | 'CONFLICT' | 'PRECONDITION_FAILED';

const STATUS: Record<AdminErrorCode, number> = {
  BAD_REQUEST: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
};

export class AdminError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: AdminErrorCode,
    reason: string,
  ) {
    super(reason);
    this.name = 'AdminError';
    this.statusCode = STATUS[code];
  }
}

/** Malformed input: wrong JSON type, unknown enum value, missing required field. */
export const badRequest = (reason: string) => new AdminError('BAD_REQUEST', reason);
export const forbidden = (reason: string) => new AdminError('FORBIDDEN', reason);
export const notFound = (reason: string) => new AdminError('NOT_FOUND', reason);
export const methodNotAllowed = (reason: string) => new AdminError('METHOD_NOT_ALLOWED', reason);
export const conflict = (reason: string) => new AdminError('CONFLICT', reason);
/** Well-formed input that breaks a rule: a range, a name, a cross-field check. */
export const preconditionFailed = (reason: string) => new AdminError('PRECONDITION_FAILED', reason);
