/** `tokengrid up`: the whole system on this machine, with a door list and what to try next. */
import { startStack, type LogLine } from "@tokengrid/stack";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { clients, deadline, DEV_CERTS_DIR, rpc } from "./client.js";
import { CLUSTERS, findCluster, formatMst } from "@tokengrid/domain";
import type { PurchasePackageResponse__Output } from "@tokengrid/contracts";

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

/** Buys the demo tenant its first package, once per namespace; says what it holds. */
async function buyStarter(broker: string, settlement: string, key: string, namespace: string): Promise<string> {
  const c = clients(broker, settlement, key, undefined);
  try {
    const res = await rpc<PurchasePackageResponse__Output>(
      (cb) =>
        c.accounts.PurchasePackage(
          { requestId: `tokengrid-up-${namespace}-starter`, packageId: "standard-1b" },
          c.metadata,
          deadline(),
          cb,
        ),
      "settlement",
      settlement,
    );
    return `${formatMst(BigInt(res.lot!.availableMst))} of package standard-1b`;
  } finally {
    c.close();
  }
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
  const demoKey = await stack.apiKey("tenant", "demo", "tokengrid up: demo tenant");
  writeFileSync(join(devDir, "api-key"), `${demoKey}\n`, { mode: 0o600 });
  writeFileSync(join(devDir, "admin-key"), `${await stack.apiKey("admin", "", "tokengrid up: admin")}\n`, { mode: 0o600 });
  // The demo tenant starts with a package (bought once per namespace: a restart buys nothing more), so the first thing tried works.
  const starter = await buyStarter(o.brokerAddress, o.settlementAddress, demoKey, o.namespace);
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
        `  ${o.agents.length} nodes: ${west} west, ${o.agents.length - west} east, across ${new Set(o.agents.map((a) => a.cluster)).size} of ${CLUSTERS.length} national clusters. A job with a command runs`,
        `  it on this machine${process.getuid?.() === 0 ? ' as user "nobody"' : ""} (metered at the node's modelled device speed); a job given only a size is simulated, ${o.timeScale}× faster than real time.`,
        "",
        `  Tenant "demo" holds ${starter}.`,
        "",
        "Try, in another terminal:",
        "  pnpm tokengrid submit --kind batch --size-st 1000 --follow -- sh -c 'echo hello from $TOKENGRID_JOB_ID'",
        "  pnpm tokengrid logs <job id>              # what it printed",
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
