/**
 * How a process authenticates to NATS and encrypts the connection, from the
 * environment (deploy/nats/auth.conf has the users and what each may do):
 *
 *   NATS_USER, NATS_PASSWORD_FILE (or NATS_PASSWORD)   this process's NATS user
 *   NATS_TLS_CA_FILE                                   trust for a tls:// server
 *   NATS_TLS_CERT_FILE, NATS_TLS_KEY_FILE              a client certificate, if the server asks
 *
 * None set: no credentials (a development server).
 */
import { readFileSync } from "node:fs";
import { ConfigError } from "./env.js";

export interface NatsAuth {
  user?: string;
  pass?: string;
  tls?: { caFile: string; certFile?: string; keyFile?: string };
}

export function natsAuth(env: NodeJS.ProcessEnv = process.env): NatsAuth {
  const get = (k: string) => (env[k] === "" ? undefined : env[k]);
  const problems: string[] = [];
  const user = get("NATS_USER");
  let pass = get("NATS_PASSWORD");
  const passFile = get("NATS_PASSWORD_FILE");
  if (passFile !== undefined) {
    if (pass !== undefined) problems.push("NATS_PASSWORD and NATS_PASSWORD_FILE are both set: choose one");
    try {
      pass = readFileSync(passFile, "utf8").trim();
    } catch {
      problems.push(`NATS_PASSWORD_FILE: cannot read ${passFile}`);
    }
  }
  if ((user === undefined) !== (pass === undefined)) problems.push("NATS_USER and a password (NATS_PASSWORD_FILE) go together");
  const caFile = get("NATS_TLS_CA_FILE");
  const certFile = get("NATS_TLS_CERT_FILE");
  const keyFile = get("NATS_TLS_KEY_FILE");
  if ((certFile === undefined) !== (keyFile === undefined)) problems.push("NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE go together");
  if (certFile !== undefined && caFile === undefined) problems.push("NATS_TLS_CERT_FILE needs NATS_TLS_CA_FILE");
  if (problems.length > 0) throw new ConfigError("environment", problems);
  return {
    ...(user !== undefined ? { user, pass: pass! } : {}),
    ...(caFile !== undefined ? { tls: { caFile, ...(certFile !== undefined ? { certFile, keyFile: keyFile! } : {}) } } : {}),
  };
}
