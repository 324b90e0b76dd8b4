import { readFileSync } from "node:fs";
import {
  common,
  ConfigError,
  describeIssues,
  loadMarket,
  parseEnv,
  parseYaml,
  z,
  DEFAULT_BROKER_ADDRESS,
  DEFAULT_SETTLEMENT_ADDRESS,
  natsAuth,
  tlsSettings,
  type NatsAuth,
  type TlsSettings,
} from "@tokengrid/config";
import { DEFAULT_PROFILE, PLUGINS, type SchedulingProfile } from "@tokengrid/matcher";
import type { MarketModel } from "@tokengrid/domain";

const schema = z.object({
  BROKER_ADDRESS: common.address(DEFAULT_BROKER_ADDRESS),
  /** Where settlement's AccountService is: holds are taken there before a job is accepted. */
  SETTLEMENT_ADDRESS: common.address(DEFAULT_SETTLEMENT_ADDRESS),
  NATS_URL: common.natsUrl,
  /** Calls a second each tenant may make here; beyond it RESOURCE_EXHAUSTED with how long to wait. */
  TENANT_RATE_PER_SECOND: common.tenantRate,
  TOKENGRID_NAMESPACE: common.namespace,
  /** How often agents send heartbeats, ms. */
  HEARTBEAT_INTERVAL_MS: common.positiveInt(1000, 60_000),
  /** A node not heard from for this long is declared lost (no new work goes to it), ms. */
  NODE_LOST_AFTER_MS: common.positiveInt(3000, 600_000),
  /**
   * How long a node may go on running its jobs after its last heartbeat the
   * broker answered, ms; its jobs move to other nodes only once that has run out.
   */
  NODE_LEASE_MS: common.positiveInt(10_000, 600_000),
  /**
   * Brokers share one job store and take the lead in turn: the leader renews
   * its lease in NATS, and a standby takes over after this long without a
   * renewal, ms. Must be well under NODE_LEASE_MS, so nodes keep their jobs
   * through a failover.
   */
  BROKER_LEADER_LEASE_MS: common.positiveInt(3000, 60_000),
  /** Most jobs waiting for nodes at once; beyond it SubmitJob is RESOURCE_EXHAUSTED with advice. */
  MAX_PENDING_JOBS: common.positiveInt(100_000, 10_000_000),
  /** Finished jobs kept in memory (ListJobs shows them); older ones stay in the store, where GetJob finds them. */
  FINISHED_JOBS_KEPT: common.positiveInt(10_000, 10_000_000),
  /** Open WatchJob streams at once, all tenants together; beyond it WatchJob is RESOURCE_EXHAUSTED. */
  MAX_WATCHES: common.positiveInt(10_000, 1_000_000),
  /** Open WatchJob streams at once per tenant. */
  MAX_WATCHES_PER_TENANT: common.positiveInt(100, 100_000),
  /**
   * Take nodes that simulate their work faster than real time (time_scale > 1:
   * demos and tests). Settlement's physical bound scales with a node's time
   * scale, so production brokers leave this off.
   */
  ALLOW_SIMULATED_NODES: z.enum(["true", "false"]).default("false"),
  /** The CA that signs node certificates at enrolment (PEM; may be the TLS CA); unset: this broker enrols no node. */
  NODE_CA_CERT_FILE: z.string().optional(),
  NODE_CA_KEY_FILE: z.string().optional(),
  NATS_REPLICAS: common.positiveInt(1, 5),
  /** Overrides of the catalogue, tariffs, green shares, latencies and pricing (docs/standard-token.md). */
  MARKET_FILE: z.string().optional(),
  /** The scheduling profile and tenants' fair-share weights (YAML or JSON); see docs/matching.md. */
  SCHEDULER_FILE: z.string().optional(),
  LOG_LEVEL: common.logLevel,
});

export interface BrokerConfig {
  address: string;
  /** Its certificate (it serves, and calls settlement, with it), or plaintext. */
  tls: TlsSettings;
  /** Its NATS user and TLS (NATS_USER, NATS_PASSWORD_FILE, NATS_TLS_*). */
  natsAuth: NatsAuth;
  tenantRatePerSecond: number;
  settlementAddress: string;
  natsUrl: string;
  namespace: string;
  heartbeatIntervalMs: number;
  nodeLostAfterMs: number;
  nodeLeaseMs: number;
  leaderLeaseMs: number;
  maxPendingJobs: number;
  finishedJobsKept: number;
  maxWatches: number;
  allowSimulatedNodes: boolean;
  /** The CA node certificates are issued with at enrolment. */
  nodeCa?: { certPem: string; keyPem: string };
  maxWatchesPerTenant: number;
  natsReplicas: number;
  logLevel: string;
  market: MarketModel;
  profile: SchedulingProfile;
  /** Fair-share weight per tenant; others weigh 1. */
  tenantWeights: Record<string, number>;
}

const pluginName = z.string().refine((n) => PLUGINS.has(n), { message: `a plugin: ${[...PLUGINS.keys()].join(", ")}` });

const schedulerSchema = z
  .object({
    profile: z
      .object({
        name: z.string().min(1),
        filters: z.array(pluginName),
        scores: z.array(z.object({ name: pluginName, weight: z.number().min(0).max(100) }).strict()),
        packing: z.enum(["binpack", "spread"]),
        packingWeight: z.number().min(0).max(100),
        timeShiftMinSaving: z.number().min(0).max(1),
        timeShiftMinGreenGain: z.number().min(0).max(1),
      })
      .partial()
      .strict()
      .default({}),
    tenantWeights: z.record(z.string(), z.number().positive().max(1000)).default({}),
  })
  .strict();

function loadScheduler(path: string | undefined): { profile: SchedulingProfile; tenantWeights: Record<string, number> } {
  if (!path) return { profile: DEFAULT_PROFILE, tenantWeights: {} };
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ConfigError(path, [`cannot read it as YAML or JSON: ${(err as Error).message}`]);
  }
  const r = schedulerSchema.safeParse(raw ?? {});
  if (!r.success) throw new ConfigError(path, describeIssues(r.error.issues, raw));
  return { profile: { ...DEFAULT_PROFILE, ...r.data.profile } as SchedulingProfile, tenantWeights: r.data.tenantWeights };
}

function nodeCa(certFile: string | undefined, keyFile: string | undefined): { nodeCa?: { certPem: string; keyPem: string } } {
  if (certFile === undefined && keyFile === undefined) return {};
  if (certFile === undefined || keyFile === undefined)
    throw new ConfigError("environment", ["NODE_CA_CERT_FILE and NODE_CA_KEY_FILE go together"]);
  const read = (name: string, f: string) => {
    try {
      return readFileSync(f, "utf8");
    } catch {
      throw new ConfigError("environment", [`${name}: cannot read ${f}`]);
    }
  };
  return { nodeCa: { certPem: read("NODE_CA_CERT_FILE", certFile), keyPem: read("NODE_CA_KEY_FILE", keyFile) } };
}

export function loadBrokerConfig(env: NodeJS.ProcessEnv = process.env): BrokerConfig {
  const c = parseEnv(schema, env);
  if (c.NODE_LEASE_MS < c.NODE_LOST_AFTER_MS)
    throw new ConfigError("environment", [
      `NODE_LEASE_MS (${c.NODE_LEASE_MS}) must be at least NODE_LOST_AFTER_MS (${c.NODE_LOST_AFTER_MS}): a node's jobs move only after it is lost`,
    ]);
  if (c.BROKER_LEADER_LEASE_MS >= c.NODE_LEASE_MS)
    throw new ConfigError("environment", [
      `BROKER_LEADER_LEASE_MS (${c.BROKER_LEADER_LEASE_MS}) must be less than NODE_LEASE_MS (${c.NODE_LEASE_MS}): nodes must keep their jobs while a standby takes over`,
    ]);
  return {
    address: c.BROKER_ADDRESS,
    tls: tlsSettings(env, true),
    natsAuth: natsAuth(env),
    tenantRatePerSecond: c.TENANT_RATE_PER_SECOND,
    settlementAddress: c.SETTLEMENT_ADDRESS,
    natsUrl: c.NATS_URL,
    namespace: c.TOKENGRID_NAMESPACE,
    heartbeatIntervalMs: c.HEARTBEAT_INTERVAL_MS,
    nodeLostAfterMs: c.NODE_LOST_AFTER_MS,
    nodeLeaseMs: c.NODE_LEASE_MS,
    leaderLeaseMs: c.BROKER_LEADER_LEASE_MS,
    maxPendingJobs: c.MAX_PENDING_JOBS,
    finishedJobsKept: c.FINISHED_JOBS_KEPT,
    maxWatches: c.MAX_WATCHES,
    allowSimulatedNodes: c.ALLOW_SIMULATED_NODES === "true",
    ...nodeCa(c.NODE_CA_CERT_FILE, c.NODE_CA_KEY_FILE),
    maxWatchesPerTenant: c.MAX_WATCHES_PER_TENANT,
    natsReplicas: c.NATS_REPLICAS,
    logLevel: c.LOG_LEVEL,
    market: loadMarket(c.MARKET_FILE),
    ...loadScheduler(c.SCHEDULER_FILE),
  };
}
