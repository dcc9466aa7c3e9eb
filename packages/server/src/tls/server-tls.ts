/**
 * The TLS side of the broker's listeners (pulsar+ssl:// and https://): the server options built
 * from the configuration, and the reloader that re-reads certificate, key and CA every
 * tlsCertRefreshCheckDurationSec and hands new ones to the live servers (`setSecureContext`), so a
 * rotated certificate is served without a restart. New handshakes see the new certificate;
 * established connections keep the session they negotiated.
 */
import type { X509Certificate } from 'node:crypto';
import type { Server as TlsServer, TLSSocket, TlsOptions } from 'node:tls';
import type { Logger } from 'pino';
import type { BrokerConfig } from '../config/schema.js';
import type { Cancel, Scheduler } from '../util/clock.js';
import {
  checkTlsMaterial,
  loadTlsMaterial,
  readTlsFiles,
  sameContents,
  type TlsFileContents,
  type TlsFiles,
  type TlsMaterial,
} from './material.js';

/** A peer that opens a TLS connection and never finishes the handshake is dropped after this. */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

export interface ServerTlsSettings {
  files: TlsFiles;
  /** tlsRequireTrustedClientCertOnConnect: refuse handshakes without a client certificate. */
  requireClientCert: boolean;
  /** tlsAllowInsecureConnection: do not refuse client certificates that fail verification. */
  allowInsecureConnection: boolean;
  /** tlsCertRefreshCheckDurationSec in ms; 0 never re-reads the files. */
  refreshCheckIntervalMs: number;
}

/** The TLS settings of the configuration, or undefined when TLS is off (no certificate file). */
export function tlsSettingsOf(config: BrokerConfig): ServerTlsSettings | undefined {
  if (config.tlsCertificateFilePath === '') return undefined;
  return {
    files: {
      certificateFile: config.tlsCertificateFilePath,
      keyFile: config.tlsKeyFilePath,
      trustCertsFile: config.tlsTrustCertsFilePath,
    },
    requireClientCert: config.tlsRequireTrustedClientCertOnConnect,
    allowInsecureConnection: config.tlsAllowInsecureConnection,
    refreshCheckIntervalMs: config.tlsCertRefreshCheckDurationSec * 1000,
  };
}

/** What one look at the files found. */
export type ReloadOutcome =
  /** The files hold the bytes already in use. */
  | 'unchanged'
  /** New bytes that check out: every attached server now presents them. */
  | 'reloaded'
  /** New bytes that do not (a half-written rotation, a key for another certificate): kept the old. */
  | 'invalid';

export interface ServerTlsDeps {
  log: Logger;
  /** Drives the refresh checks; file I/O keeps real time, so standalone passes the system scheduler. */
  scheduler: Scheduler;
}

/**
 * The certificate material shared by every TLS listener of the broker, kept current. One instance
 * serves the binary TLS listener and the HTTPS listener alike.
 */
export class ServerTlsContext {
  private material: TlsMaterial;
  private contents: TlsFileContents;
  /** The last contents found invalid, so the same broken files are reported once, not every tick. */
  private rejected: TlsFileContents | undefined;
  private readonly servers = new Set<TlsServer>();
  private checking: Promise<ReloadOutcome> | undefined;
  private readonly cancelTimer: Cancel;

  private constructor(
    readonly settings: ServerTlsSettings,
    private readonly deps: ServerTlsDeps,
    material: TlsMaterial,
  ) {
    this.material = material;
    this.contents = { cert: material.cert, key: material.key, ca: material.ca };
    const period = settings.refreshCheckIntervalMs;
    this.cancelTimer =
      period > 0
        ? deps.scheduler.every(period, () => {
            void this.checkForChanges();
          })
        : () => {};
  }

  /** Loads and checks the files; rejects with a ConfigError naming each faulty one. */
  static async load(settings: ServerTlsSettings, deps: ServerTlsDeps): Promise<ServerTlsContext> {
    const material = await loadTlsMaterial(settings.files);
    const ctx = new ServerTlsContext(settings, deps, material);
    deps.log.info(
      { serial: material.leaf.serialNumber, validTo: material.leaf.validTo },
      'TLS certificate loaded',
    );
    return ctx;
  }

  /** The certificate presented to new handshakes. */
  get certificate(): X509Certificate {
    return this.material.leaf;
  }

  /**
   * Options for `tls.createServer` / `https.createServer`. Client certificates are asked for when
   * they are required or when there is a CA to verify them against (the tls authentication
   * provider reads a verified one). Verification never fails the handshake itself: Node would then
   * drop the socket without a word, so `refusal` decides once the handshake is done and the
   * binary listener can tell the client why.
   */
  serverOptions(): TlsOptions {
    const { requireClientCert, files } = this.settings;
    return {
      ...this.secureContextOptions(),
      requestCert: requireClientCert || files.trustCertsFile !== '',
      rejectUnauthorized: false,
      handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
    };
  }

  /**
   * Why a completed handshake may not proceed, or undefined when it may. Only with
   * tlsRequireTrustedClientCertOnConnect: the peer must present a certificate that verifies
   * against tlsTrustCertsFilePath (any certificate at all with tlsAllowInsecureConnection).
   */
  refusal(socket: TLSSocket): string | undefined {
    const { requireClientCert, allowInsecureConnection } = this.settings;
    if (!requireClientCert || socket.authorized) return undefined;
    const peer = socket.getPeerCertificate();
    const presented = peer !== null && Object.keys(peer).length > 0;
    if (!presented) return 'A TLS client certificate is required';
    if (allowInsecureConnection) return undefined;
    return `The TLS client certificate is not trusted (${String(socket.authorizationError)})`;
  }

  /** Registers a live server so reloads reach it; returns the function that unregisters it. */
  attach(server: TlsServer): () => void {
    this.servers.add(server);
    return () => this.servers.delete(server);
  }

  /**
   * Reads the files and, if their bytes changed and check out, swaps them in. Concurrent calls
   * share one look. Also what the refresh timer calls; tests call it to avoid waiting.
   */
  checkForChanges(): Promise<ReloadOutcome> {
    this.checking ??= this.check().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  /** Stops the refresh checks. */
  close(): void {
    this.cancelTimer();
    this.servers.clear();
  }

  private async check(): Promise<ReloadOutcome> {
    let contents: TlsFileContents | undefined;
    let material: TlsMaterial;
    try {
      contents = await readTlsFiles(this.settings.files);
      if (sameContents(contents, this.contents)) return 'unchanged';
      material = checkTlsMaterial(this.settings.files, contents);
    } catch (err) {
      this.reportInvalid(err, contents);
      return 'invalid';
    }
    this.material = material;
    this.contents = contents;
    this.rejected = undefined;
    const options = this.secureContextOptions();
    for (const server of this.servers) server.setSecureContext(options);
    this.deps.log.info(
      { serial: material.leaf.serialNumber, validTo: material.leaf.validTo, servers: this.servers.size },
      'TLS certificate reloaded',
    );
    return 'reloaded';
  }

  private reportInvalid(err: unknown, contents: TlsFileContents | undefined): void {
    if (contents && this.rejected && sameContents(contents, this.rejected)) return;
    this.rejected = contents;
    this.deps.log.warn(
      { err: err instanceof Error ? err.message : String(err) },
      'TLS files changed but cannot be used; still serving the previous certificate',
    );
  }

  private secureContextOptions(): TlsOptions {
    const { cert, key, ca } = this.material;
    return ca ? { cert, key, ca } : { cert, key };
  }
}
