/**
 * A directory of certificates, as `tokengrid certs` and `tokengrid up` keep it:
 *
 *   ca.pem, ca-key.pem            the CA (the key stays here: keep it off servers in production)
 *   <name>.pem, <name>-key.pem    one certificate and key per service or node
 *
 * Keys are written readable by their owner only.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TlsSettings } from "@tokengrid/config";
import { createCa, issueCertificate, type CertificateAuthority, type IssueOptions } from "./certs.js";
import { nodeIdentity, serviceIdentity } from "./identity.js";

/** Where a development system answers: this machine. */
export const LOCAL_HOSTS: readonly string[] = ["127.0.0.1", "localhost"];

export class CertDir {
  constructor(readonly dir: string) {}

  get caFile(): string {
    return join(this.dir, "ca.pem");
  }

  /** The directory's CA; made (and written) when `create` and there is none yet. */
  async ca(create: boolean): Promise<CertificateAuthority> {
    const keyFile = join(this.dir, "ca-key.pem");
    if (existsSync(this.caFile) && existsSync(keyFile))
      return { certPem: readFileSync(this.caFile, "utf8"), keyPem: readFileSync(keyFile, "utf8") };
    if (!create) throw new Error(`no CA in ${this.dir}: make one with \`tokengrid certs init --dir ${this.dir}\``);
    const ca = await createCa();
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, ca.keyPem, { mode: 0o600 });
    writeFileSync(this.caFile, ca.certPem);
    return ca;
  }

  /** Issues `name`'s certificate with the directory's CA and writes it; returns the TLS settings that use it. */
  async issue(name: string, o: IssueOptions): Promise<TlsSettings & { mode: "mtls" }> {
    if (!/^[A-Za-z0-9._-]{1,80}$/.test(name)) throw new Error(`certificate name ${JSON.stringify(name)}: letters, digits, '.', '_' or '-'`);
    const issued = await issueCertificate(await this.ca(false), o);
    const certFile = join(this.dir, `${name}.pem`);
    const keyFile = join(this.dir, `${name}-key.pem`);
    writeFileSync(keyFile, issued.keyPem, { mode: 0o600 });
    writeFileSync(certFile, issued.certPem);
    return { mode: "mtls", caFile: this.caFile, certFile, keyFile };
  }

  /** A service's certificate (broker, settlement), for the hosts it answers on; written as `<service>.pem`. */
  issueService(service: string, hosts: readonly string[] = LOCAL_HOSTS, days?: number): Promise<TlsSettings & { mode: "mtls" }> {
    return this.issue(service, { identity: serviceIdentity(service), hosts, ...(days !== undefined ? { days } : {}) });
  }

  /** A node's certificate, naming it and its operator; written as `node-<node id>.pem`. */
  issueNode(operatorId: string, nodeId: string, o: { days?: number; backdateMs?: number } = {}): Promise<TlsSettings & { mode: "mtls" }> {
    return this.issue(`node-${nodeId}`, { identity: nodeIdentity(operatorId, nodeId), ...o });
  }

  /** The environment a process needs to use these settings. */
  static env(tls: TlsSettings): Record<string, string> {
    if (tls.mode === "plaintext") return { GRPC_PLAINTEXT: "true" };
    return tls.mode === "tls"
      ? { TLS_CA_FILE: tls.caFile }
      : { TLS_CA_FILE: tls.caFile, TLS_CERT_FILE: tls.certFile, TLS_KEY_FILE: tls.keyFile };
  }
}
