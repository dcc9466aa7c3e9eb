/**
 * The glue between commander and the admin client: every `magnetar admin` action gets a client
 * for --admin-url (with the credentials and TLS files of the global options) and a printer
 * honouring --json, and any failure (an HTTP error with the broker's
 * reason, an unreachable broker, a bad argument) is printed as one "error: ..." line on stderr with
 * exit status 1, as pulsar-admin does.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { parseAuthFlags } from './auth.js';
import { AdminClient, AdminHttpError } from './http.js';
import { createPrinter, type Printer } from './output.js';

export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:8080';

export interface AdminRun {
  client: AdminClient;
  print: Printer;
}

/** The options of `magnetar admin` itself (commands/admin.ts), as commander hands them over. */
export interface AdminGlobals {
  adminUrl?: string;
  json?: boolean;
  authPlugin?: string;
  authParams?: string;
  token?: string;
  tlsTrustCertsFilePath?: string;
  tlsAllowInsecure?: boolean;
  tlsCertFile?: string;
  tlsKeyFile?: string;
}

/** The client for the global options; throws on contradictory or malformed credentials. */
export function adminClient(globals: AdminGlobals): AdminClient {
  return new AdminClient(globals.adminUrl ?? DEFAULT_ADMIN_URL, {
    auth: parseAuthFlags(globals),
    tls: {
      trustCertsFile: globals.tlsTrustCertsFilePath,
      allowInsecure: globals.tlsAllowInsecure,
      certFile: globals.tlsCertFile,
      keyFile: globals.tlsKeyFile,
    },
  });
}

/** Wraps an action; `args` are commander's positional arguments followed by the options object. */
export function adminAction<A extends unknown[]>(
  run: (ctx: AdminRun, ...args: A) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const globals = command.optsWithGlobals<AdminGlobals>();
    try {
      const ctx: AdminRun = { client: adminClient(globals), print: createPrinter(globals.json === true) };
      await run(ctx, ...(args.slice(0, -1) as A));
    } catch (err) {
      const message = err instanceof AdminHttpError || err instanceof Error ? err.message : String(err);
      process.stderr.write(`error: ${message}\n`);
      process.exitCode = 1;
    }
  };
}

/** Turns a parser's Error into commander's "option ... argument ... is invalid" (exit status 1). */
export function argParser<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

export const intArg = (min: number) =>
  argParser((text) => {
    const n = Number(text);
    if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new Error(`expected an integer of at least ${min}`);
    }
    return n;
  });

/** "a,b,c" → ["a", "b", "c"], as pulsar-admin's comma-separated lists. */
export const listArg = argParser((text) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''),
);

/** "tenant/namespace" → path segments under /admin/v2/namespaces. */
export function namespaceSegments(ns: string): [string, string] {
  const parts = ns.split('/');
  if (parts.length !== 2 || parts.some((p) => p === '')) {
    throw new Error(`namespace must be given as tenant/namespace, got '${ns}'`);
  }
  return [parts[0], parts[1]];
}
