/**
 * Who sent an HTTP request: the Authorization header (Bearer → token, Basic → basic), else the
 * client certificate TLS verified, else the anonymous role, as Pulsar's AuthenticationFilter
 * asks AuthenticationService.authenticateHttpRequest. A proxy role names the client it acts for
 * in the X-Original-Principal header (PulsarWebResource.ORIGINAL_PRINCIPAL_HEADER).
 */
import type { FastifyRequest } from 'fastify';
import type { AuthenticationService, Principal } from '../../auth/types.js';
import { verifiedPeerCertificate } from '../../tls/peer.js';

export const ORIGINAL_PRINCIPAL_HEADER = 'x-original-principal';

/** Rejects with AuthenticationFailure when the request carries no acceptable credential. */
export async function authenticateRequest(
  req: FastifyRequest,
  authentication: AuthenticationService,
): Promise<Principal> {
  const identity = await authentication.authenticateHttp({
    authorization: req.headers.authorization,
    // Only a certificate the HTTPS handshake verified (never one let in by tlsAllowInsecureConnection).
    peerCertificate: verifiedPeerCertificate(req.raw.socket),
    remoteAddress: `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? ''}`,
  });
  const original = headerText(req.headers[ORIGINAL_PRINCIPAL_HEADER]);
  // Pulsar treats a blank header as no header (StringUtils.isBlank).
  return original === undefined || original.trim() === ''
    ? { role: identity.role }
    : { role: identity.role, originalPrincipal: original };
}

/** Node joins repeated unknown headers with ", "; an array only comes from set-cookie-like ones. */
function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
