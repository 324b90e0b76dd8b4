/**
 * The agent's config: where the broker and NATS are (environment), and what
 * the node is (a YAML or JSON file named by NODE_CONFIG).
 */
import { readFileSync } from "node:fs";
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import {
  common,
  ConfigError,
  describeIssues,
  loadMarket,
  parseEnv,
  parseYaml,
  natsAuth,
  tlsSettings,
  z,
  DEFAULT_BROKER_ADDRESS,
  type NatsAuth,
  type TlsSettings,
} from "@tokengrid/config";
import { CLUSTERS, findDevice, ID_PATTERN, type MarketModel } from "@tokengrid/domain";

const envSchema = z.object({
  NODE_CONFIG: z.string().min(1, "path to the node's YAML or JSON description is required"),
  /** The brokers, leader and standbys, comma-separated: the agent finds the leader among them. */
  BROKER_ADDRESS: common.addressList(DEFAULT_BROKER_ADDRESS),
  /**
   * A one-time token from the node's operator (tokengrid enrol-node): with no
   * certificate at TLS_CERT_FILE yet, the agent makes a key, exchanges the
   * token for its certificate, and writes both there.
   */
  ENROLMENT_TOKEN: z.string().optional(),
  NATS_URL: common.natsUrl,
  TOKENGRID_NAMESPACE: common.namespace,
  /** Simulated seconds per wall-clock second; 1 = real time. */
  TIME_SCALE: common.positiveNumber(1),
  /** How often usage is metered and reported, ms. */
  USAGE_INTERVAL_MS: common.positiveInt(1000, 60_000),
  /** The same market file the broker reads, so simulated speed matches its estimates. */
  MARKET_FILE: z.string().optional(),
  /** Where usage waits, synced, until NATS has it (default: $STATE_DIRECTORY or ~/.local/state/tokengrid, then outbox-<node id>). */
  OUTBOX_DIR: z.string().min(1).optional(),
  /** Most bytes of usage the outbox holds unacknowledged; beyond it the agent stops its jobs rather than work unrecorded. */
  OUTBOX_MAX_BYTES: common.positiveInt(256 * 1024 * 1024),
  LOG_LEVEL: common.logLevel,
});

const clusterIds = CLUSTERS.map((c) => c.id) as [string, ...string[]];

export const nodeFileSchema = z
  .object({
    nodeId: z.string().regex(ID_PATTERN, "1..64 letters, digits, '.', '_' or '-'"),
    operatorId: z.string().regex(ID_PATTERN, "1..64 letters, digits, '.', '_' or '-'"),
    cluster: z.enum(clusterIds),
    accelerators: z
      .array(
        z
          .object({
            model: z.string().min(1),
            count: z.number().int().min(1).max(64),
            vendor: z.string().optional(),
            softwareStack: z.string().optional(),
            memoryMb: z.number().int().positive().optional(),
            /** Measured ST/s per device; overrides the catalogue. */
            calibratedStPerSecond: z.number().positive().optional(),
          })
          .refine((a) => findDevice(a.model) !== undefined || a.calibratedStPerSecond !== undefined, {
            message: "model is not in the device catalogue; give calibratedStPerSecond",
            path: ["model"],
          }),
      )
      .min(1)
      .optional(),
    energy: z
      .object({
        pue: z.number().min(1).max(3).optional(),
        tariffYuanPerKwh: z.number().positive().max(10).optional(),
        greenShare: z.number().min(0).max(1).optional(),
      })
      .default({}),
    /**
     * How the node runs work: "process" runs a job's command (as `process.user`), "simulated" works a
     * size-only job at the modelled speed (demos, benchmarks). A node may do both.
     */
    executors: z
      .array(z.enum(["process", "simulated"]))
      .min(1)
      .default(["simulated"])
      .transform((xs) => [...new Set(xs)]),
    /** The process executor's settings. */
    process: z
      .object({
        /** The unprivileged user jobs run as (a name or a uid); required when the agent runs as root. */
        user: z.union([z.string().min(1), z.number().int().min(0)]).optional(),
        /** Run jobs as root: refused unless this is true. */
        allowRoot: z.boolean().default(false),
        /** Where each replica gets its working directory (default: $STATE_DIRECTORY/jobs, else ~/.local/state/tokengrid/jobs). */
        workRoot: z.string().min(1).optional(),
        /** Seconds between SIGTERM to a job's process group and SIGKILL. */
        killGraceSeconds: z.number().positive().max(3600).default(10),
        /** PATH a job's program is looked up on. */
        path: z.string().min(1).default("/usr/local/bin:/usr/bin:/bin"),
        /** Lines of stderr quoted in a failed job's message. */
        stderrTailLines: z.number().int().min(0).max(100).default(10),
      })
      .default({ allowRoot: false, killGraceSeconds: 10, path: "/usr/local/bin:/usr/bin:/bin", stderrTailLines: 10 }),
    /** Host name or IP address other nodes reach this one at (a gang's MASTER_ADDR); default: the host name. */
    address: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$/, "a host name or IP address")
      .optional(),
    /** Detect accelerators with the vendors' tools (nvidia-smi, npu-smi, cnmon, hy-smi) instead of listing them. */
    detect: z.boolean().default(false),
    /** With detect: the catalogue id per vendor, where the tool prints no usable name (hy-smi). */
    models: z.record(z.string(), z.string()).default({}),
    /** With detect: measured ST/s per device, by catalogue id. */
    calibration: z.record(z.string(), z.number().positive()).default({}),
  })
  .refine((n) => n.detect !== (n.accelerators !== undefined), {
    message: "list accelerators, or set detect: true to find them with the vendors' tools (one of the two)",
    path: ["accelerators"],
  });

export type NodeFile = z.infer<typeof nodeFileSchema>;
export type Accelerators = NonNullable<NodeFile["accelerators"]>;

export interface AgentConfig {
  node: NodeFile;
  nodeConfigPath: string;
  brokerAddresses: string[];
  /** The node's certificate (it names the node and its operator), or plaintext. */
  tls: TlsSettings;
  /** The node's NATS user (it may publish only its own usage) and TLS. */
  natsAuth: NatsAuth;
  /** A one-time enrolment token, used when the node has no certificate yet. */
  enrolmentToken?: string;
  natsUrl: string;
  namespace: string;
  timeScale: number;
  usageIntervalMs: number;
  outboxDir: string;
  outboxMaxBytes: number;
  logLevel: string;
  market: MarketModel;
  /** Where replicas get their working directories (process executor). */
  workRoot: string;
  /** The address other nodes reach this one at. */
  address: string;
}

/** Where the agent keeps its state: systemd's StateDirectory, else ~/.local/state/tokengrid. */
function stateDir(env: NodeJS.ProcessEnv): string {
  return env["STATE_DIRECTORY"] ?? join(homedir(), ".local", "state", "tokengrid");
}

export function parseNodeFile(text: string, source: string): NodeFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(source, [`not valid YAML or JSON: ${(err as Error).message}`]);
  }
  const result = nodeFileSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(source, describeIssues(result.error.issues, raw));
  return result.data;
}

export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const e = parseEnv(envSchema, env);
  let text: string;
  try {
    text = readFileSync(e.NODE_CONFIG, "utf8");
  } catch (err) {
    throw new ConfigError("environment", [`NODE_CONFIG: cannot read ${e.NODE_CONFIG}: ${(err as Error).message}`]);
  }
  const node = parseNodeFile(text, e.NODE_CONFIG);
  return {
    node,
    nodeConfigPath: e.NODE_CONFIG,
    brokerAddresses: e.BROKER_ADDRESS,
    tls: tlsSettings(env, true, { certificateMayBeMade: e.ENROLMENT_TOKEN !== undefined }),
    ...(e.ENROLMENT_TOKEN !== undefined ? { enrolmentToken: e.ENROLMENT_TOKEN } : {}),
    natsAuth: natsAuth(env),
    natsUrl: e.NATS_URL,
    namespace: e.TOKENGRID_NAMESPACE,
    timeScale: e.TIME_SCALE,
    usageIntervalMs: e.USAGE_INTERVAL_MS,
    outboxDir: e.OUTBOX_DIR ?? join(stateDir(env), `outbox-${node.nodeId}`),
    outboxMaxBytes: e.OUTBOX_MAX_BYTES,
    logLevel: e.LOG_LEVEL,
    market: loadMarket(e.MARKET_FILE),
    workRoot: node.process.workRoot ?? join(stateDir(env), "jobs"),
    address: node.address ?? hostname(),
  };
}
