/** `tokengrid up`: the whole system on this machine, with a door list and what to try next. */
import { startStack, type LogLine } from "@tokengrid/stack";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEV_CERTS_DIR } from "./client.js";
import { CLUSTERS, findCluster } from "@tokengrid/domain";

export interface UpOptions {
  namespace: string;
  timeScale: number;
  json: boolean;
}

function compact(l: LogLine): string | undefined {
  const j = l.json;
  if (!j) return l.raw.trim() === "" ? undefined : l.raw.startsWith(`${l.process}:`) ? l.raw : `${l.process}: ${l.raw}`;
  const level = Number(j["level"]);
  const msg = typeof j["msg"] === "string" ? j["msg"] : "";
  const interesting = level >= 40 || ["job started", "job finished", "node lost: missed its heartbeats"].includes(msg);
  if (!interesting) return undefined;
  const extra = ["jobId", "outcome", "meteredMst", "nodeId", "err", "detail"]
    .filter((k) => j[k] !== undefined)
    .map((k) => `${k}=${typeof j[k] === "string" ? j[k] : JSON.stringify(j[k])}`)
    .join(" ");
  return `${l.process}: ${msg}${extra ? ` ${extra}` : ""}`;
}

export async function up(opts: UpOptions): Promise<void> {
  let ready = false;
  const stack = await startStack({
    namespace: opts.namespace,
    timeScale: opts.timeScale,
    // Where the CLI looks for the CA when TLS_CA_FILE is not set.
    tlsDir: DEV_CERTS_DIR,
    onLine: (l) => {
      if (!ready || opts.json) return;
      const s = compact(l);
      if (s) process.stdout.write(`${s}\n`);
    },
  });
  ready = true;
  const o = stack.options;
  // Development keys, where the CLI looks when TOKENGRID_API_KEY is not set: tenant "demo", and an admin.
  const devDir = join(DEV_CERTS_DIR, "..");
  writeFileSync(join(devDir, "api-key"), `${await stack.apiKey("tenant", "demo", "tokengrid up: demo tenant")}\n`, { mode: 0o600 });
  writeFileSync(join(devDir, "admin-key"), `${await stack.apiKey("admin", "", "tokengrid up: admin")}\n`, { mode: 0o600 });
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({
        broker: o.brokerAddress,
        settlement: o.settlementAddress,
        nats: o.natsUrl,
        database: o.databaseUrl.replace(/:[^:@/]+@/, ":***@"),
        namespace: o.namespace,
        agents: o.agents.map((a) => ({ nodeId: a.nodeId, cluster: a.cluster, region: findCluster(a.cluster)?.region })),
      })}\n`,
    );
  } else {
    const west = o.agents.filter((a) => findCluster(a.cluster)?.region === "west").length;
    process.stdout.write(
      [
        "",
        "TokenGrid is up.",
        "",
        `  tenants (JobService, gRPC)       ${o.brokerAddress}`,
        `  node agents (NodeService, gRPC)  ${o.brokerAddress}`,
        `  accounts (AccountService, gRPC)  ${o.settlementAddress}`,
        `  analysts (PostgreSQL)            ${o.databaseUrl.replace(/:[^:@/]+@/, ":***@")}  (tables usage_events, jobs, job_events)`,
        `  NATS JetStream                   ${o.natsUrl}  (streams ${o.namespace.toUpperCase()}_USAGE, ${o.namespace.toUpperCase()}_JOBS)`,
        `  TLS                              mutual, development CA in ${DEV_CERTS_DIR} (the CLI finds it there)`,
        `  API keys                         tenant "demo" in ${join(devDir, "api-key")}, an admin's in ${join(devDir, "admin-key")} (the CLI uses them)`,
        "",
        `  ${o.agents.length} simulated nodes: ${west} west, ${o.agents.length - west} east, across ${new Set(o.agents.map((a) => a.cluster)).size} of ${CLUSTERS.length} national clusters; time runs ${o.timeScale}× faster.`,
        "",
        "Try, in another terminal:",
        "  pnpm tokengrid nodes",
        "  pnpm tokengrid packages",
        "  pnpm tokengrid buy standard-1b            # jobs draw on the tenant's tokens",
        "  pnpm tokengrid submit --kind inference --size-st 200000 --origin shanghai --max-latency-ms 30 --follow",
        "  pnpm tokengrid submit --kind training --model-params 7e9 --tokens 1e7 --devices 8 --follow",
        "  pnpm tokengrid jobs",
        "  pnpm tokengrid balance",
        "  pnpm tokengrid usage",
        `  psql ${o.databaseUrl} -c 'select cluster, sum(amount_mst)/1000 as st from usage_events group by 1'`,
        "",
        "Ctrl-C stops everything.",
        "",
      ].join("\n"),
    );
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  process.stdout.write("stopping...\n");
  await stack.stop();
}
