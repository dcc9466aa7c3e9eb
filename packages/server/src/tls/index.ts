/** TLS for the broker's listeners: certificate loading, hot reload, peer certificates. */
export {
  ServerTlsContext,
  TLS_HANDSHAKE_TIMEOUT_MS,
  tlsSettingsOf,
  type ReloadOutcome,
  type ServerTlsDeps,
  type ServerTlsSettings,
} from './server-tls.js';
export { loadTlsMaterial, type TlsFiles, type TlsMaterial } from './material.js';
export { isTlsSocket, verifiedPeerCertificate } from './peer.js';
