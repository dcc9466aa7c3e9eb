/**
 * Reading and checking the PEM files the TLS listeners use: the certificate (chain), its private
 * key and the CA certificates client certificates are verified against. Every problem names the
 * file and the setting it came from, and all of them are reported at once, as the configuration
 * loader does (config/errors.ts).
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { ConfigError, type ConfigProblem } from '../config/errors.js';

/** The files of a TLS listener, by the settings that name them. */
export interface TlsFiles {
  /** tlsCertificateFilePath: the certificate, optionally followed by its intermediates. */
  certificateFile: string;
  /** tlsKeyFilePath: the unencrypted private key of the first certificate. */
  keyFile: string;
  /** tlsTrustCertsFilePath: CA certificates for client certificates; empty when none. */
  trustCertsFile: string;
}

/** The bytes of the three files, checked to form a usable secure context. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** Absent when no trust file is configured (Node's bundled CAs are used then). */
  ca: Buffer | undefined;
  /** The first certificate of `cert`, for logs (serial, expiry). */
  leaf: X509Certificate;
}

/** The raw contents of the files, read in one go so that a reload compares like with like. */
export interface TlsFileContents {
  cert: Buffer;
  key: Buffer;
  ca: Buffer | undefined;
}

const SETTING = {
  cert: 'tlsCertificateFilePath',
  key: 'tlsKeyFilePath',
  ca: 'tlsTrustCertsFilePath',
} as const;

/** Reads the three files; an unreadable one is a ConfigError naming it. */
export async function readTlsFiles(files: TlsFiles): Promise<TlsFileContents> {
  const problems: ConfigProblem[] = [];
  if (files.keyFile === '') {
    problems.push({
      source: 'config',
      key: SETTING.key,
      expected: `the PEM private key of ${files.certificateFile} (required when ${SETTING.cert} is set)`,
    });
  }
  const read = async (path: string, setting: string): Promise<Buffer | undefined> => {
    if (path === '') return undefined;
    try {
      return await readFile(path);
    } catch (err) {
      problems.push(fileProblem(path, setting, `a readable file (${(err as Error).message})`));
      return undefined;
    }
  };
  const [cert, key, ca] = await Promise.all([
    read(files.certificateFile, SETTING.cert),
    read(files.keyFile, SETTING.key),
    read(files.trustCertsFile, SETTING.ca),
  ]);
  if (problems.length > 0 || !cert || !key) throw new ConfigError(problems);
  return { cert, key, ca };
}

/**
 * Checks that the contents parse (a certificate, a key that belongs to it, CA certificates) and
 * that OpenSSL accepts them together; throws a ConfigError naming each faulty file.
 */
export function checkTlsMaterial(files: TlsFiles, contents: TlsFileContents): TlsMaterial {
  const problems: ConfigProblem[] = [];
  const leaf = parseFirstCertificate(contents.cert, files.certificateFile, SETTING.cert, problems);
  const key = parsePrivateKey(contents.key, files.keyFile, problems);
  if (leaf && key && !leaf.checkPrivateKey(key)) {
    problems.push(
      fileProblem(
        files.keyFile,
        SETTING.key,
        `the private key of the certificate in ${files.certificateFile} (this key belongs to another certificate)`,
      ),
    );
  }
  if (contents.ca) checkCaBundle(contents.ca, files.trustCertsFile, problems);
  if (problems.length > 0 || !leaf) throw new ConfigError(problems);
  try {
    // What the listeners will do with them; catches what the parsers above let through.
    createSecureContext({ cert: contents.cert, key: contents.key, ca: contents.ca });
  } catch (err) {
    throw new ConfigError([
      fileProblem(
        files.certificateFile,
        SETTING.cert,
        `a certificate, key and CA that OpenSSL accepts together (${(err as Error).message})`,
      ),
    ]);
  }
  return { cert: contents.cert, key: contents.key, ca: contents.ca, leaf };
}

/** Reads and checks the files: what start-up does. */
export async function loadTlsMaterial(files: TlsFiles): Promise<TlsMaterial> {
  return checkTlsMaterial(files, await readTlsFiles(files));
}

/** True when two reads of the files found the same bytes. */
export function sameContents(a: TlsFileContents, b: TlsFileContents): boolean {
  const sameCa = a.ca === undefined || b.ca === undefined ? a.ca === b.ca : a.ca.equals(b.ca);
  return a.cert.equals(b.cert) && a.key.equals(b.key) && sameCa;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function parseFirstCertificate(
  pem: Buffer,
  path: string,
  setting: string,
  problems: ConfigProblem[],
): X509Certificate | undefined {
  const blocks = pem.toString('latin1').match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    problems.push(fileProblem(path, setting, 'a PEM certificate (no "BEGIN CERTIFICATE" block found)'));
    return undefined;
  }
  let first: X509Certificate | undefined;
  for (const [i, block] of blocks.entries()) {
    try {
      const cert = new X509Certificate(block);
      first ??= cert;
    } catch (err) {
      problems.push(fileProblem(path, setting, `a valid PEM certificate (block ${i + 1}: ${reason(err)})`));
      return undefined;
    }
  }
  return first;
}

function parsePrivateKey(pem: Buffer, path: string, problems: ConfigProblem[]): KeyObject | undefined {
  try {
    return createPrivateKey(pem);
  } catch (err) {
    problems.push(fileProblem(path, SETTING.key, `an unencrypted PEM private key (${reason(err)})`));
    return undefined;
  }
}

function checkCaBundle(pem: Buffer, path: string, problems: ConfigProblem[]): void {
  const blocks = pem.toString('latin1').match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    problems.push(fileProblem(path, SETTING.ca, 'PEM CA certificates (no "BEGIN CERTIFICATE" block found)'));
    return;
  }
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (err) {
      problems.push(
        fileProblem(path, SETTING.ca, `valid PEM CA certificates (block ${i + 1}: ${reason(err)})`),
      );
      return;
    }
  }
}

function fileProblem(path: string, setting: string, expected: string): ConfigProblem {
  return { source: `file ${path}`, key: setting, value: path, expected };
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
