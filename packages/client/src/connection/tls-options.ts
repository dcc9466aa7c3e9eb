/**
 * How `pulsar+ssl://` connections are made: the trust store, the client certificate and the two
 * checks the official clients let users relax (tlsAllowInsecureConnection, tlsValidateHostname).
 * Files are read once, when the Client is built, so a wrong path fails `new Client()` at once.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import type { Authentication } from '../auth/authentication.js';
import { InvalidConfigurationError } from '../errors.js';

/** The TLS settings of ClientConfig, named as in the official Node client. */
export interface ClientTlsConfig {
  /** PEM CA certificates the broker's certificate must chain to; Node's bundled CAs if absent. */
  tlsTrustCertsFilePath?: string;
  /** PEM client certificate for brokers that ask for one (mTLS); AuthenticationTls's wins. */
  tlsCertificateFilePath?: string;
  /** PEM private key of tlsCertificateFilePath. */
  tlsPrivateKeyFilePath?: string;
  /** Accept a broker certificate that does not verify (testing only). Default false. */
  tlsAllowInsecureConnection?: boolean;
  /** Also check that the certificate names the host connected to. Default false, as the official clients. */
  tlsValidateHostname?: boolean;
}

/** The settings with their files read; shared by every TLS connection of a client. */
export interface ClientTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  allowInsecureConnection: boolean;
  validateHostname: boolean;
}

export function loadClientTls(config: ClientTlsConfig, auth: Authentication | undefined): ClientTls {
  const certPath = auth?.tlsCertificate?.certificatePath ?? config.tlsCertificateFilePath;
  const keyPath = auth?.tlsCertificate?.privateKeyPath ?? config.tlsPrivateKeyFilePath;
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new InvalidConfigurationError(
      'a client certificate needs both tlsCertificateFilePath and tlsPrivateKeyFilePath',
    );
  }
  return {
    ca: readPem(config.tlsTrustCertsFilePath, 'tlsTrustCertsFilePath'),
    cert: readPem(certPath, 'tlsCertificateFilePath'),
    key: readPem(keyPath, 'tlsPrivateKeyFilePath'),
    allowInsecureConnection: config.tlsAllowInsecureConnection ?? false,
    validateHostname: config.tlsValidateHostname ?? false,
  };
}

/** Options for `tls.connect` to one broker. */
export function tlsConnectOptions(tls: ClientTls, host: string, port: number): ConnectionOptions {
  return {
    host,
    port,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    // SNI takes host names only; Node warns about IP addresses there.
    servername: isIP(host) === 0 ? host : undefined,
    rejectUnauthorized: !tls.allowInsecureConnection,
    // The chain is always verified (unless insecure); the name only when asked, as the official clients do.
    checkServerIdentity: tls.validateHostname ? checkServerIdentity : () => undefined,
  };
}

function readPem(path: string | undefined, setting: string): Buffer | undefined {
  if (path === undefined || path === '') return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new InvalidConfigurationError(`${setting} ${path} cannot be read: ${(err as Error).message}`);
  }
}
