/**
 * gRPC credentials from TLS settings. Servers take a certificate from every
 * client that has one and check it against the CA; a call's principal is
 * then read from it (identity.ts). Clients without a certificate (tenants,
 * who send an API key) may still connect, over TLS; what they may do is
 * decided per call. A certificate from another CA names no one.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { PeerCertificate } from "node:tls";
import * as grpc from "@grpc/grpc-js";
import { ConfigError, type TlsSettings } from "@tokengrid/config";
import { principalFromCertificate, type Principal } from "./identity.js";

/** How often servers re-read their certificate files (so a renewed certificate is taken without a restart), ms. */
const REFRESH_MS = 60_000;

export async function serverCredentials(tls: TlsSettings): Promise<grpc.ServerCredentials> {
  if (tls.mode === "plaintext") return grpc.ServerCredentials.createInsecure();
  if (tls.mode !== "mtls") throw new Error("a server needs its own certificate and key (TLS_CERT_FILE, TLS_KEY_FILE)");
  checkFiles(tls);
  const provider = new grpc.experimental.FileWatcherCertificateProvider({
    caCertificateFile: tls.caFile,
    certificateFile: tls.certFile,
    privateKeyFile: tls.keyFile,
    refreshIntervalMs: REFRESH_MS,
  });
  // Client certificates are asked for and verified, not required: a tenant has none.
  const creds = grpc.experimental.createCertificateProviderServerCredentials(provider, provider, false);
  // The files are read in the background: take no connection before they are (an early client would be cut off).
  const loaded = (add: (l: (update: unknown) => void) => void, remove: (l: (update: unknown) => void) => void) =>
    new Promise<void>((resolve) => {
      const listener = (update: unknown) => {
        if (update === null) return;
        remove(listener);
        resolve();
      };
      add(listener);
    });
  await Promise.all([
    loaded(
      (l) => provider.addCaCertificateListener(l),
      (l) => provider.removeCaCertificateListener(l),
    ),
    loaded(
      (l) => provider.addIdentityCertificateListener(l),
      (l) => provider.removeIdentityCertificateListener(l),
    ),
  ]);
  return creds;
}

/** Each file holds what its variable says, or a ConfigError names the variable and the file. */
function checkFiles(tls: TlsSettings): void {
  if (tls.mode === "plaintext") return;
  const problems: string[] = [];
  const check = (name: string, file: string, parse: (pem: Buffer) => unknown, what: string) => {
    try {
      parse(readFileSync(file));
    } catch (err) {
      problems.push(`${name}: ${file} is not ${what} (${(err as Error).message})`);
    }
  };
  check("TLS_CA_FILE", tls.caFile, (b) => new X509Certificate(b), "a PEM certificate");
  if (tls.mode === "mtls") {
    check("TLS_CERT_FILE", tls.certFile, (b) => new X509Certificate(b), "a PEM certificate");
    check("TLS_KEY_FILE", tls.keyFile, (b) => createPrivateKey(b), "a PEM private key");
  }
  if (problems.length > 0) throw new ConfigError("environment", problems);
}

/**
 * grpc-js hands an IP address to TLS as the server name when the target is
 * one (it still checks the certificate's IP address entry); Node then warns
 * once per process (DEP0123). Nothing is wrong: that one warning is dropped.
 */
function quietIpServerNameWarning(): void {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
    const code = typeof rest[0] === "object" && rest[0] !== null ? (rest[0] as { code?: string }).code : rest[1];
    if (code === "DEP0123") return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}
let quieted = false;

export function channelCredentials(tls: TlsSettings): grpc.ChannelCredentials {
  if (tls.mode === "plaintext") return grpc.credentials.createInsecure();
  if (!quieted) {
    quieted = true;
    quietIpServerNameWarning();
  }
  checkFiles(tls);
  const ca = readFileSync(tls.caFile);
  if (tls.mode === "tls") return grpc.credentials.createSsl(ca);
  return grpc.credentials.createSsl(ca, readFileSync(tls.keyFile), readFileSync(tls.certFile));
}

/** When the call's verified client certificate was issued (its notBefore), ms; undefined without one. */
export function peerCertificateIssuedMs(call: { getAuthContext(): { sslPeerCertificate?: PeerCertificate } }): number | undefined {
  const from = call.getAuthContext().sslPeerCertificate?.valid_from;
  return from ? Date.parse(from) : undefined;
}

/** The principal the call's verified client certificate names, if any. */
export function peerPrincipal(call: { getAuthContext(): { sslPeerCertificate?: PeerCertificate } }): Principal | undefined {
  return principalFromCertificate(call.getAuthContext().sslPeerCertificate);
}
