/**
 * Test certificates: a private CA, a server certificate for loopback and client certificates with
 * chosen common names, written as PEM files. Keys come from node:crypto (fast, native); node-forge
 * only builds and signs the X.509 structures.
 *
 * ```ts
 * const certs = await mintCertificates(dir, { clients: ['alice'] });
 * startTestBroker({
 *   tlsCertificateFilePath: certs.server.certFile,
 *   tlsKeyFilePath: certs.server.keyFile,
 *   tlsTrustCertsFilePath: certs.caFile,
 * });
 * new Client({ serviceUrl, tlsTrustCertsFilePath: certs.caFile, ...certs.clientOptions('alice') });
 * ```
 *
 * A second call with another directory makes an unrelated CA (certificates the broker must refuse).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';

/** A certificate and its private key, as PEM file paths. */
export interface CertificateFiles {
  certFile: string;
  keyFile: string;
  /** Hex serial number, to tell two certificates for the same name apart. */
  serial: string;
}

export interface MintOptions {
  /** Common names of client certificates to issue (the role the tls provider derives is the CN). */
  clients?: string[];
  /** Subject alternative names of the server certificate; DNS:localhost and IP:127.0.0.1 by default. */
  serverDnsNames?: string[];
  serverIps?: string[];
  /** Common name of the CA, "Magnetar Test CA" by default. */
  caName?: string;
}

export interface MintedCertificates {
  dir: string;
  /** The CA certificate (PEM): pass as tlsTrustCertsFilePath on either side. */
  caFile: string;
  caKeyFile: string;
  server: CertificateFiles;
  clients: Record<string, CertificateFiles>;
  /** `{ tlsCertificateFilePath, tlsPrivateKeyFilePath }` of a client certificate, for ClientConfig. */
  clientOptions(name: string): { tlsCertificateFilePath: string; tlsPrivateKeyFilePath: string };
  /**
   * Issues a new server certificate from the same CA (new key, new serial) and writes it over
   * `certFile` and `keyFile` (the server's files by default): what a certificate rotation does.
   */
  reissueServer(files?: { certFile: string; keyFile: string }): Promise<CertificateFiles>;
  /** Issues one more client certificate from the same CA. */
  issueClient(commonName: string): Promise<CertificateFiles>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Mints a CA, a server certificate and the requested client certificates into `dir`. */
export async function mintCertificates(dir: string, options: MintOptions = {}): Promise<MintedCertificates> {
  await mkdir(dir, { recursive: true });
  const ca = newKeyPair();
  const caCert = buildCertificate({
    subjectCn: options.caName ?? 'Magnetar Test CA',
    publicKey: ca.publicKey,
    issuer: undefined,
    signingKey: ca.privateKey,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
  const caFile = join(dir, 'ca.cert.pem');
  const caKeyFile = join(dir, 'ca.key.pem');
  await writeFile(caFile, forge.pki.certificateToPem(caCert));
  await writeFile(caKeyFile, ca.privateKeyPem);

  const issue = async (
    cn: string,
    kind: 'server' | 'client',
    files: { certFile: string; keyFile: string },
  ): Promise<CertificateFiles> => {
    const leaf = newKeyPair();
    const altNames =
      kind === 'server'
        ? [
            ...(options.serverDnsNames ?? ['localhost']).map((value) => ({ type: 2, value })),
            ...(options.serverIps ?? ['127.0.0.1']).map((ip) => ({ type: 7, ip })),
          ]
        : [];
    const cert = buildCertificate({
      subjectCn: cn,
      publicKey: leaf.publicKey,
      issuer: caCert,
      signingKey: ca.privateKey,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: kind === 'server', clientAuth: kind === 'client' },
        ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames }] : []),
      ],
    });
    // Key first: a reloader that sees the new certificate then finds its key already in place.
    await writeFile(files.keyFile, leaf.privateKeyPem);
    await writeFile(files.certFile, forge.pki.certificateToPem(cert));
    return { ...files, serial: cert.serialNumber };
  };

  const serverFiles = { certFile: join(dir, 'server.cert.pem'), keyFile: join(dir, 'server.key.pem') };
  const server = await issue('localhost', 'server', serverFiles);
  const clients: Record<string, CertificateFiles> = {};
  const issueClient = async (name: string) => {
    const safe = name.replace(/[^\w.-]/g, '_');
    clients[name] = await issue(name, 'client', {
      certFile: join(dir, `client-${safe}.cert.pem`),
      keyFile: join(dir, `client-${safe}.key.pem`),
    });
    return clients[name];
  };
  for (const name of options.clients ?? []) await issueClient(name);

  return {
    dir,
    caFile,
    caKeyFile,
    server,
    clients,
    clientOptions(name) {
      const c = clients[name];
      if (!c) throw new Error(`no client certificate minted for ${name}`);
      return { tlsCertificateFilePath: c.certFile, tlsPrivateKeyFilePath: c.keyFile };
    },
    reissueServer: (files = serverFiles) => issue('localhost', 'server', files),
    issueClient,
  };
}

interface KeyPair {
  publicKey: forge.pki.rsa.PublicKey;
  privateKey: forge.pki.rsa.PrivateKey;
  privateKeyPem: string;
}

function newKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    privateKeyPem: privateKey,
  };
}

function buildCertificate(spec: {
  subjectCn: string;
  publicKey: forge.pki.rsa.PublicKey;
  issuer: forge.pki.Certificate | undefined;
  signingKey: forge.pki.rsa.PrivateKey;
  extensions: object[];
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = spec.publicKey;
  // A positive random serial (leading 0x01 keeps the DER integer positive), unique per call.
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  const now = Date.now();
  cert.validity.notBefore = new Date(now - DAY_MS);
  cert.validity.notAfter = new Date(now + 30 * DAY_MS);
  cert.setSubject([{ name: 'commonName', value: spec.subjectCn }]);
  cert.setIssuer(spec.issuer ? spec.issuer.subject.attributes : cert.subject.attributes);
  cert.setExtensions(spec.extensions);
  cert.sign(spec.signingKey, forge.md.sha256.create());
  return cert;
}
