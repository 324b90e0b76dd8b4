/**
 * TLS settings of a gRPC end, from the environment:
 *
 *   TLS_CA_FILE    the TokenGrid CA's certificate (PEM): whom to trust
 *   TLS_CERT_FILE  this end's certificate (PEM), naming who it is
 *   TLS_KEY_FILE   its private key (PEM)
 *   GRPC_PLAINTEXT=true  no TLS at all: development only, and said so at start
 *
 * Services and node agents need all three files (mutual TLS). A client
 * without a certificate of its own (a tenant, with an API key) needs the CA
 * only. `tokengrid certs` makes a development CA and certificates.
 */
import { accessSync, constants } from "node:fs";
import { ConfigError } from "./env.js";

export type TlsSettings =
  { mode: "mtls"; caFile: string; certFile: string; keyFile: string } | { mode: "tls"; caFile: string } | { mode: "plaintext" };

export const TLS_HOW_TO =
  "make a development CA and certificates with `tokengrid certs init --dir certs` and `tokengrid certs issue ...` (docs/security.md), " +
  "or set GRPC_PLAINTEXT=true to run without encryption (development only)";

/** The TLS settings in env; `needsCertificate` for services and agents, which must prove who they are. */
export function tlsSettings(env: NodeJS.ProcessEnv, needsCertificate: boolean, opts: { certificateMayBeMade?: boolean } = {}): TlsSettings {
  const get = (k: string) => (env[k] === "" ? undefined : env[k]);
  const plaintext = get("GRPC_PLAINTEXT");
  if (plaintext !== undefined && plaintext !== "true" && plaintext !== "false")
    throw new ConfigError("environment", [`GRPC_PLAINTEXT: "true" or "false" (got ${JSON.stringify(plaintext)})`]);
  const files = { caFile: get("TLS_CA_FILE"), certFile: get("TLS_CERT_FILE"), keyFile: get("TLS_KEY_FILE") };
  if (plaintext === "true") {
    const set = Object.entries({ TLS_CA_FILE: files.caFile, TLS_CERT_FILE: files.certFile, TLS_KEY_FILE: files.keyFile }).filter(
      ([, v]) => v !== undefined,
    );
    if (set.length > 0)
      throw new ConfigError("environment", [`GRPC_PLAINTEXT=true and ${set.map(([k]) => k).join(", ")} are both set: choose one`]);
    return { mode: "plaintext" };
  }
  const problems: string[] = [];
  const need = (name: string, v: string | undefined, mayBeMade = false) => {
    if (v === undefined) problems.push(`${name}: required; ${TLS_HOW_TO}`);
    else if (mayBeMade) return;
    else
      try {
        accessSync(v, constants.R_OK);
      } catch {
        problems.push(`${name}: cannot read ${v}`);
      }
  };
  need("TLS_CA_FILE", files.caFile);
  if (needsCertificate || files.certFile !== undefined || files.keyFile !== undefined) {
    need("TLS_CERT_FILE", files.certFile, opts.certificateMayBeMade);
    need("TLS_KEY_FILE", files.keyFile, opts.certificateMayBeMade);
  }
  if (problems.length > 0) throw new ConfigError("environment", problems);
  return files.certFile !== undefined
    ? { mode: "mtls", caFile: files.caFile!, certFile: files.certFile, keyFile: files.keyFile! }
    : { mode: "tls", caFile: files.caFile! };
}
