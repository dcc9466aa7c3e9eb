/**
 * The verified client certificate of a connection, for the tls authentication provider on either
 * transport (binary protocol and HTTPS).
 */
import type { Socket } from 'node:net';
import { TLSSocket, type PeerCertificate } from 'node:tls';

/**
 * The client certificate of `socket` when it is a TLS socket whose peer presented a certificate
 * that verified against tlsTrustCertsFilePath; otherwise undefined. A certificate accepted only
 * because of tlsAllowInsecureConnection does not count: it proves nothing about the peer.
 */
export function verifiedPeerCertificate(socket: Socket): PeerCertificate | undefined {
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  // Without a peer certificate Node returns an empty object (or null once the socket is closed).
  return cert !== null && Object.keys(cert).length > 0 ? cert : undefined;
}

/** True when the socket is a TLS socket (the connection arrived on a TLS listener). */
export function isTlsSocket(socket: Socket): socket is TLSSocket {
  return socket instanceof TLSSocket;
}
