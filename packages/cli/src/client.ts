/** gRPC clients for the CLI, with the tenant in call metadata and errors in words. */
import * as grpc from "@grpc/grpc-js";
import { protos, statusName, type JobServiceClient, type NodeServiceClient, type AccountServiceClient } from "@tokengrid/contracts";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HOW_TO_START, tlsSettings, type TlsSettings } from "@tokengrid/config";
import { channelCredentials } from "@tokengrid/security";
import { REPO_ROOT } from "@tokengrid/stack";

export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Clients {
  jobs: JobServiceClient;
  nodes: NodeServiceClient;
  accounts: AccountServiceClient;
  metadata: grpc.Metadata;
  brokerAddress: string;
  settlementAddress: string;
  close(): void;
}

/** Where `tokengrid up` keeps its development CA and certificates. */
export const DEV_CERTS_DIR = join(REPO_ROOT, ".tokengrid", "certs");

/**
 * The CLI's TLS settings: TLS_CA_FILE (and TLS_CERT_FILE, TLS_KEY_FILE for a
 * certificate of one's own), or GRPC_PLAINTEXT=true; with neither, the CA
 * `tokengrid up` made, when there is one.
 */
export function cliTls(env: NodeJS.ProcessEnv = process.env): TlsSettings {
  const dev = join(DEV_CERTS_DIR, "ca.pem");
  if (!env["TLS_CA_FILE"] && env["GRPC_PLAINTEXT"] !== "true" && existsSync(dev)) return tlsSettings({ ...env, TLS_CA_FILE: dev }, false);
  return tlsSettings(env, false);
}

/** Who the CLI is: the key in TOKENGRID_API_KEY; with none, the one `tokengrid up` made for its audience. */
export function cliApiKey(audience: "tenant" | "operator", env: NodeJS.ProcessEnv = process.env): string {
  const key = env["TOKENGRID_API_KEY"];
  if (key) return key;
  const dev = join(REPO_ROOT, ".tokengrid", audience === "tenant" ? "api-key" : "admin-key");
  if (existsSync(dev)) return readFileSync(dev, "utf8").trim();
  throw new CliError(
    "UNAUTHENTICATED",
    "no API key: set TOKENGRID_API_KEY (an admin makes keys with `tokengrid keys create`; `pnpm start` makes development keys in .tokengrid/)",
  );
}

export function clients(
  brokerAddress: string,
  settlementAddress: string,
  key: string,
  tenant: string | undefined,
  tls: TlsSettings = cliTls(),
): Clients {
  const p = protos();
  const creds = channelCredentials(tls);
  const jobs = new p.job.tokengrid.job.v1.JobService(brokerAddress, creds) as unknown as JobServiceClient;
  const nodes = new p.node.tokengrid.node.v1.NodeService(brokerAddress, creds) as unknown as NodeServiceClient;
  const accounts = new p.account.tokengrid.account.v1.AccountService(settlementAddress, creds) as unknown as AccountServiceClient;
  const metadata = new grpc.Metadata();
  metadata.set("authorization", `Bearer ${key}`);
  // An admin acts for a tenant by naming it; a tenant's key needs no name.
  if (tenant !== undefined) metadata.set("x-tenant-id", tenant);
  return {
    jobs,
    nodes,
    accounts,
    metadata,
    brokerAddress,
    settlementAddress,
    close() {
      jobs.close();
      nodes.close();
      accounts.close();
    },
  };
}

/** Turns a gRPC error into a CliError that says what to do. */
export function explain(err: unknown, door: "broker" | "settlement", address: string): CliError {
  const e = err as grpc.ServiceError;
  // A standby broker names the leader: say where to go.
  const leader = e.metadata?.get("x-tokengrid-leader")[0];
  if (e.code === grpc.status.UNAVAILABLE && typeof leader === "string" && leader !== "")
    return new CliError("UNAVAILABLE", `${e.details}\n  Try: --broker ${leader} (or BROKER_ADDRESS=${leader})`);
  if (e.code === grpc.status.UNAVAILABLE && e.details?.includes("standby")) return new CliError("UNAVAILABLE", e.details);
  if (e.code === grpc.status.UNAVAILABLE && /certificate|self.signed|ssl|tls/i.test(e.details ?? ""))
    return new CliError(
      "UNAVAILABLE",
      `the ${door} at ${address} answered, but the CLI does not trust its certificate (${e.details.replace(/^No connection established\. Last error: (Error: )?/, "").replace(/\. Resolution note: $/, "")}).\n  Set TLS_CA_FILE to the CA that issued it (docs/security.md)`,
    );
  if (e.code === grpc.status.UNAVAILABLE || e.code === grpc.status.DEADLINE_EXCEEDED) {
    return new CliError("UNAVAILABLE", `the ${door} is not reachable at ${address}.\n  To start it: ${HOW_TO_START[door]}`);
  }
  if (typeof e.code === "number") return new CliError(statusName(e.code), e.details || e.message);
  return new CliError("UNKNOWN", e instanceof Error ? e.message : String(e));
}

/** A deadline for one call. */
export function deadline(ms = 10_000): grpc.CallOptions {
  return { deadline: Date.now() + ms };
}

/** Awaits a unary call made with a callback, turning its error into a CliError. */
export function rpc<Res>(
  invoke: (cb: (err: grpc.ServiceError | null, res?: Res) => void) => unknown,
  door: "broker" | "settlement",
  address: string,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    invoke((err, res) => (err || !res ? reject(explain(err ?? new Error("empty reply"), door, address)) : resolve(res)));
  });
}
