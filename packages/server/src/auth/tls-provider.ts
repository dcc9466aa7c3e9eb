/**
 * TLS authentication (Pulsar's AuthenticationProviderTls): the role is the common name of the client
 * certificate. The transport hands over only certificates it verified against
 * tlsTrustCertsFilePath, so a certificate here has already proved possession of its key.
 */
import type { PeerCertificate } from 'node:tls';
import {
  AuthenticationFailure,
  type AuthCredentials,
  type AuthenticatedIdentity,
  type AuthenticationProvider,
} from './types.js';

export class TlsAuthenticationProvider implements AuthenticationProvider {
  readonly method = 'tls';

  authenticate(credentials: AuthCredentials): Promise<AuthenticatedIdentity> {
    const cert = credentials.peerCertificate;
    if (!cert || !hasSubject(cert)) {
      return Promise.reject(
        new AuthenticationFailure('TLS authentication needs a client certificate trusted by the broker'),
      );
    }
    const role = commonName(cert);
    if (role === undefined) {
      return Promise.reject(new AuthenticationFailure('The client certificate has no common name (CN)'));
    }
    return Promise.resolve({ role, method: this.method });
  }
}

/** Node answers getPeerCertificate() with {} when the peer sent none. */
function hasSubject(cert: PeerCertificate): boolean {
  return typeof cert.subject === 'object' && cert.subject !== null;
}

/**
 * The CN of the subject. With several, the last one in the certificate wins: Pulsar takes the first
 * of the RFC 2253 form of the name, which lists the attributes in reverse order.
 */
function commonName(cert: PeerCertificate): string | undefined {
  const cn = cert.subject.CN;
  const value = Array.isArray(cn) ? cn[cn.length - 1] : cn;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
