/**
 * Small helpers shared by the admin routes: how a value or "nothing" is answered, and how request
 * bodies are parsed. Pulsar's JAX-RS resources answer a null result with 204 No Content and every
 * other result as JSON, including bare strings ("FULL") and numbers.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { badRequest } from '../../resources/errors.js';

export type Params<K extends string> = { Params: Record<K, string> };
export type WithQuery<K extends string, Q extends string> = Params<K> & {
  Querystring: Partial<Record<Q, string>>;
};

export function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  if (value === undefined || value === null) return reply.code(204).send();
  return reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(value));
}

export function noContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}

/** Jersey reads a boolean query parameter as Boolean.valueOf: "true" in any case, else false. */
export function isTrue(value: string | undefined): boolean {
  return value?.toLowerCase() === 'true';
}

/** A body the endpoint cannot do without (a scalar or object policy value). */
export function requireBody(body: unknown, what: string): unknown {
  if (body === undefined || body === null) throw badRequest(`${what} is required in the request body`);
  return body;
}

/**
 * JSON bodies for the admin routes. pulsar-admin and the Java admin client send PUTs without a
 * body (creating a namespace with default policies) as an empty `application/json` entity, which
 * fastify's own parser refuses; here an empty body reads as "no body". Malformed JSON is still a 400.
 */
export function acceptEmptyJsonBodies(scope: FastifyInstance): void {
  const parseJson = scope.getDefaultJsonParser('error', 'error');
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (typeof body === 'string' && body.trim() === '') {
      done(null, undefined);
      return;
    }
    void parseJson(req, body as string, done);
  });
}
