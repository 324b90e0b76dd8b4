/**
 * The whole system as processes: settlement, broker and a fleet of simulated
 * agents. `tokengrid up` (pnpm start) and the end-to-end tests both start it
 * this way.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_BROKER_ADDRESS,
  DEFAULT_DATABASE_URL,
  DEFAULT_NATS_URL,
  DEFAULT_SETTLEMENT_ADDRESS,
  type TlsSettings,
} from "@tokengrid/config";
import { CertDir, type Role } from "@tokengrid/security";
import { ApiKeyStore, connectNats, names, type NatsConnection } from "@tokengrid/events";
import { ServiceProcess, type LogLine } from "./process.js";
import { DEFAULT_FLEET, type AgentSpec } from "./fleet.js";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export function serviceScript(service: "broker" | "settlement" | "node-agent"): string {
  return join(REPO_ROOT, "services", service, "dist", "main.js");
}

export interface StackOptions {
  namespace?: string;
  natsUrl?: string;
  databaseUrl?: string;
  brokerAddress?: string;
  /** Addresses of standby brokers to run beside the first (they take over when it dies). */
  standbyBrokerAddresses?: readonly string[];
  settlementAddress?: string;
  agents?: readonly AgentSpec[];
  /** Simulated seconds per wall second for the agents. */
  timeScale?: number;
  usageIntervalMs?: number;
  nodeLostAfterMs?: number;
  logLevel?: string;
  /** Where agent config files are written. */
  workDir?: string;
  /**
   * Where the development CA and every process's certificate are kept (made
   * on first use; a CA already there is reused); default <workDir>/tls.
   */
  tlsDir?: string;
  onLine?: (line: LogLine) => void;
  /** Extra environment for every process. */
  env?: Record<string, string>;
}

export interface Stack {
  readonly options: Required<Omit<StackOptions, "onLine" | "env">>;
  /** TLS settings for a client of the stack with no certificate of its own (a tenant): the CA to trust. */
  readonly tls: TlsSettings & { mode: "tls" };
  /** Where the certificates are: issue more (another node, another CA's for tests) here. */
  readonly certs: CertDir;
  /** Makes an API key (as `tokengrid keys create` does) and returns it. */
  apiKey(role: Role, subject: string, label?: string): Promise<string>;
  readonly settlement: ServiceProcess;
  readonly broker: ServiceProcess;
  /** Every broker: the first, then the standbys. */
  readonly brokers: readonly ServiceProcess[];
  readonly agents: ReadonlyMap<string, ServiceProcess>;
  /** Restarts the broker process (SIGTERM, or SIGKILL with hard). */
  restartBroker(hard?: boolean): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A node file for one of the stack's agents: it runs commands as processes
 * (as "nobody" when the stack runs as root: jobs never run as root) in work
 * directories under `workRoot`, and simulates jobs given only a size.
 */
export function agentConfigYaml(a: AgentSpec, workRoot: string): string {
  const accel = a.accelerators.map((x) => `  - model: ${x.model}\n    count: ${x.count}\n`).join("");
  const executors = a.executors ?? ["process", "simulated"];
  const user = process.getuid?.() === 0 ? "    user: nobody\n" : "";
  return (
    `nodeId: ${a.nodeId}\noperatorId: ${a.operatorId}\ncluster: ${a.cluster}\naccelerators:\n${accel}` +
    `executors: [${executors.join(", ")}]\nprocess:\n${user}    workRoot: ${JSON.stringify(workRoot)}\n    killGraceSeconds: 2\naddress: 127.0.0.1\n`
  );
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const o = {
    namespace: opts.namespace ?? "tokengrid",
    natsUrl: opts.natsUrl ?? process.env["NATS_URL"] ?? DEFAULT_NATS_URL,
    databaseUrl: opts.databaseUrl ?? process.env["DATABASE_URL"] ?? DEFAULT_DATABASE_URL,
    brokerAddress: opts.brokerAddress ?? process.env["BROKER_ADDRESS"] ?? DEFAULT_BROKER_ADDRESS,
    standbyBrokerAddresses: opts.standbyBrokerAddresses ?? [],
    settlementAddress: opts.settlementAddress ?? process.env["SETTLEMENT_ADDRESS"] ?? DEFAULT_SETTLEMENT_ADDRESS,
    agents: opts.agents ?? DEFAULT_FLEET,
    timeScale: opts.timeScale ?? 1,
    usageIntervalMs: opts.usageIntervalMs ?? 1000,
    nodeLostAfterMs: opts.nodeLostAfterMs ?? 3000,
    logLevel: opts.logLevel ?? "info",
    workDir: opts.workDir ?? join(tmpdir(), `tokengrid-${opts.namespace ?? "tokengrid"}`),
    tlsDir: "",
  };
  o.tlsDir = opts.tlsDir ?? join(o.workDir, "tls");
  // Every process proves who it is with a certificate from one development CA (mTLS).
  const certs = new CertDir(o.tlsDir);
  await certs.ca(true);
  const brokerTls = CertDir.env(await certs.issueService("broker"));
  const settlementTls = CertDir.env(await certs.issueService("settlement"));
  const nodeTls = new Map<string, Record<string, string>>();
  for (const a of o.agents) nodeTls.set(a.nodeId, CertDir.env(await certs.issueNode(a.operatorId, a.nodeId)));
  const common = {
    ...opts.env,
    NATS_URL: o.natsUrl,
    TOKENGRID_NAMESPACE: o.namespace,
    LOG_LEVEL: o.logLevel,
  };
  const settlement = new ServiceProcess(
    {
      name: "settlement",
      script: serviceScript("settlement"),
      env: { ...common, ...settlementTls, DATABASE_URL: o.databaseUrl, SETTLEMENT_ADDRESS: o.settlementAddress },
    },
    opts.onLine,
  );
  const brokerProcess = (address: string, name: string) =>
    new ServiceProcess(
      {
        name,
        script: serviceScript("broker"),
        env: {
          ...common,
          ...brokerTls,
          BROKER_ADDRESS: address,
          SETTLEMENT_ADDRESS: o.settlementAddress,
          NODE_LOST_AFTER_MS: String(o.nodeLostAfterMs),
          // The stack's agents simulate their work (TIME_SCALE).
          ALLOW_SIMULATED_NODES: "true",
          // Node certificates at enrolment are issued by the stack's CA.
          NODE_CA_CERT_FILE: certs.caFile,
          NODE_CA_KEY_FILE: join(o.tlsDir, "ca-key.pem"),
        },
      },
      opts.onLine,
    );
  const broker = brokerProcess(o.brokerAddress, "broker");
  const brokers = [broker, ...o.standbyBrokerAddresses.map((a, i) => brokerProcess(a, `broker ${i + 2}`))];
  const agents = new Map<string, ServiceProcess>();
  const started: ServiceProcess[] = [];
  let keysNc: NatsConnection | undefined;
  let keys: ApiKeyStore | undefined;
  const stopAll = async () => {
    await keysNc?.close();
    await Promise.all([...agents.values()].map((a) => a.stop()));
    for (const b of brokers.slice(1)) await b.stop();
    await broker.stop();
    await settlement.stop();
  };
  try {
    await settlement.start();
    started.push(settlement);
    // The first broker leads; the standbys start after it.
    for (const b of brokers) {
      await b.start();
      started.push(b);
    }
    mkdirSync(join(o.workDir, "nodes"), { recursive: true });
    for (const a of o.agents) {
      const file = join(o.workDir, "nodes", `${a.nodeId}.yaml`);
      // Under the system's temporary directory, which every user can reach (a work dir under /root could not be).
      writeFileSync(file, agentConfigYaml(a, join(tmpdir(), `tokengrid-jobs-${o.namespace}`, a.nodeId)));
      agents.set(
        a.nodeId,
        new ServiceProcess(
          {
            name: `agent ${a.nodeId}`,
            script: serviceScript("node-agent"),
            env: {
              ...common,
              ...nodeTls.get(a.nodeId),
              NODE_CONFIG: file,
              OUTBOX_DIR: join(o.workDir, "outbox", a.nodeId),
              BROKER_ADDRESS: [o.brokerAddress, ...o.standbyBrokerAddresses].join(","),
              TIME_SCALE: String(o.timeScale),
              USAGE_INTERVAL_MS: String(o.usageIntervalMs),
            },
          },
          opts.onLine,
        ),
      );
    }
    await Promise.all([...agents.values()].map((a) => a.start()));
  } catch (err) {
    await stopAll();
    throw err;
  }
  return {
    options: o,
    tls: { mode: "tls", caFile: certs.caFile },
    certs,
    settlement,
    broker,
    brokers,
    agents,
    async restartBroker(hard = false) {
      if (hard) await broker.kill();
      else await broker.stop();
      await broker.start();
    },
    async apiKey(role, subject, label = `${role} ${subject}`) {
      if (!keys) {
        keysNc = await connectNats(o.natsUrl, "tokengrid-stack-keys");
        keys = await ApiKeyStore.open(keysNc, names(o.namespace).apiKeysBucket);
      }
      return (await keys.create(role, subject, label)).key;
    },
    stop: stopAll,
  };
}
