/** The deploy files cannot be run here (no Docker engine); check what can be checked. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { common } from "@tokengrid/config";
import { parseNodeFile } from "@tokengrid/node-agent";
import { REPO_ROOT } from "@tokengrid/stack";

const deploy = join(REPO_ROOT, "deploy");
const hasSystemdAnalyze = spawnSync("systemd-analyze", ["--version"]).status === 0;
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));

describe("deploy/", () => {
  it("every YAML document parses, and every Kubernetes object has a kind and a name", () => {
    const yamls = files(deploy).filter((f) => f.endsWith(".yaml"));
    expect(yamls.length).toBeGreaterThan(0);
    for (const f of yamls) {
      for (const doc of parseAllDocuments(readFileSync(f, "utf8"))) {
        expect(doc.errors, f).toEqual([]);
        const obj = doc.toJS() as { kind?: string; metadata?: { name?: string } };
        expect(obj.kind, f).toBeTruthy();
        expect(obj.metadata?.name, f).toBeTruthy();
      }
    }
  });

  it("every service entry point a deploy file names exists in the source tree", () => {
    for (const f of files(deploy)) {
      for (const m of readFileSync(f, "utf8").matchAll(/services\/([a-z-]+)\/dist\/main\.js/g)) {
        expect(existsSync(join(REPO_ROOT, "services", m[1]!, "src", "main.ts")), `${f}: ${m[0]}`).toBe(true);
      }
    }
  });

  it("the Dockerfile copies every workspace member the lockfile needs", () => {
    const dockerfile = readFileSync(join(deploy, "docker", "Dockerfile"), "utf8");
    for (const member of ["packages", "services", "protos", "test/package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml"])
      expect(dockerfile).toContain(member);
  });
});

/** A systemd unit's settings: section → key → values, in order (a key may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let section: Map<string, string[]> | undefined;
  for (const raw of text.replace(/\\\n/g, " ").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      section = new Map();
      sections.set(head[1]!, section);
      continue;
    }
    const eq = line.indexOf("=");
    if (!section || eq < 0) throw new Error(`not a unit file line: ${line}`);
    const key = line.slice(0, eq).trim();
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return sections;
}

/** NAME=value lines, as systemd's EnvironmentFile= reads them (no quoting in ours). */
function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`not a NAME=value line: ${line}`);
    env[m[1]!] = m[2]!;
  }
  return env;
}

const systemd = join(deploy, "systemd");
const unitPath = join(systemd, "tokengrid-node-agent.service");
const unit = parseUnit(readFileSync(unitPath, "utf8"));
const service = unit.get("Service")!;
const one = (key: string) => service.get(key)?.at(-1);
/** The unit's Environment= lines (Environment=A=b C=d sets two). */
const unitEnv = Object.fromEntries(
  (service.get("Environment") ?? []).flatMap((v) => v.split(/\s+/)).map((a) => [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]),
);
const envExample = parseEnvFile(readFileSync(join(systemd, "agent.env.example"), "utf8"));
/** What the agent sees: the env file overrides the unit's Environment= (systemd.exec(5)). */
const agentEnv: Record<string, string> = { ...unitEnv, ...envExample };
const nodeExamplePath = join(systemd, "node.yaml.example");
const nodeExample = parseNodeFile(readFileSync(nodeExamplePath, "utf8"), nodeExamplePath);

describe("deploy/systemd: the node agent's unit", () => {
  it("lets the agent write the certificate it enrols for: TLS_CERT_FILE and TLS_KEY_FILE lie in a writable path", () => {
    // ProtectSystem=strict makes everything read-only but the API file systems,
    // the StateDirectory (/var/lib/<name>) and ReadWritePaths.
    expect(one("ProtectSystem")).toBe("strict");
    const writable = [
      ...(service.get("StateDirectory") ?? []).flatMap((v) => v.split(/\s+/)).map((d) => `/var/lib/${d}`),
      ...(service.get("ReadWritePaths") ?? []).flatMap((v) => v.split(/\s+/)).map((p) => p.replace(/^[-+]+/, "")),
    ];
    const under = (path: string) => writable.some((w) => path === w || path.startsWith(`${w.replace(/\/$/, "")}/`));
    for (const name of ["TLS_CERT_FILE", "TLS_KEY_FILE"]) {
      const path = agentEnv[name];
      expect(path, name).toBeDefined();
      expect(under(path!), `${name}=${path} is not under ${writable.join(", ") || "any writable path"}`).toBe(true);
    }
    // Enrolment makes the key's directory only, and writes the certificate beside it.
    expect(dirname(agentEnv["TLS_CERT_FILE"]!)).toBe(dirname(agentEnv["TLS_KEY_FILE"]!));
    // The state directory is a single one: the agent joins paths to $STATE_DIRECTORY, which lists several with ":".
    expect((service.get("StateDirectory") ?? []).flatMap((v) => v.split(/\s+/))).toHaveLength(1);
  });

  it("names what the agent needs to find the brokers and NATS, and to enrol, in the unit or its env file", () => {
    expect(one("EnvironmentFile")).toBe("/etc/tokengrid/agent.env"); // required (no "-"), where the guide puts it
    for (const name of [
      "NODE_CONFIG",
      "TLS_CA_FILE",
      "BROKER_ADDRESS",
      "NATS_URL",
      "TOKENGRID_NAMESPACE",
      "NATS_USER",
      "NATS_PASSWORD_FILE",
      "ENROLMENT_TOKEN",
    ])
      expect(agentEnv[name], name).toBeTruthy();
    expect(common.addressList("x").safeParse(agentEnv["BROKER_ADDRESS"]).success).toBe(true);
    expect(common.natsUrl.safeParse(agentEnv["NATS_URL"]).success).toBe(true);
    expect(agentEnv["NATS_URL"]).not.toContain(","); // one URL: the NATS client does not split a list
    expect(common.namespace.safeParse(agentEnv["TOKENGRID_NAMESPACE"]).success).toBe(true);
    // Secrets stay out of the unit file, which anyone may read (and `systemctl show` prints).
    for (const secret of ["ENROLMENT_TOKEN", "NATS_PASSWORD", "TOKENGRID_API_KEY"]) expect(unitEnv[secret], secret).toBeUndefined();
  });

  it("gives the node a NATS user with no dot: node-<nodeId>, one that auth.conf grants its own usage", () => {
    // Each place that may set it, the unit's default included: a specifier
    // (%H, %l) is the host's name, not the node id, and %H keeps the dots.
    expect(unitEnv["NATS_USER"] ?? "", "unit").not.toMatch(/[%.]/);
    expect(envExample["NATS_USER"] ?? "", "agent.env.example").not.toMatch(/[%.]/);
    const user = agentEnv["NATS_USER"]!;
    expect(user).toBe(`node-${nodeExample.nodeId}`);
    const auth = readFileSync(join(deploy, "nats", "auth.conf"), "utf8");
    const users = [...auth.matchAll(/user:\s*([^\s,}]+)/g)].map((m) => m[1]!);
    for (const u of users.filter((u) => u.startsWith("node-"))) expect(u, "auth.conf").not.toContain(".");
    expect(users).toContain(user);
    const ns = agentEnv["TOKENGRID_NAMESPACE"];
    expect(auth).toContain(`publish: ["${ns}.usage.${nodeExample.nodeId}", "${ns}.logs.${nodeExample.nodeId}.>"]`);
  });

  it("runs the agent as root with only the capabilities it needs, and gives nothing to jobs", () => {
    expect(one("User") ?? "root").toBe("root");
    expect(one("CapabilityBoundingSet")!.split(/\s+/).sort()).toEqual([
      "CAP_CHOWN",
      "CAP_DAC_OVERRIDE",
      "CAP_KILL",
      "CAP_SETGID",
      "CAP_SETUID",
    ]);
    expect(service.get("AmbientCapabilities")).toBeUndefined(); // they would pass on to jobs
    expect(one("NoNewPrivileges")).toBe("true");
    // The agent stops its jobs itself (SIGTERM, SIGKILL after the grace), then systemd kills what is left.
    expect(one("KillMode")).toBe("mixed");
    const grace = (nodeExample as { process?: { killGraceSeconds?: number } }).process?.killGraceSeconds ?? 10;
    expect(Number(one("TimeoutStopSec"))).toBeGreaterThan(grace);
  });

  it.skipIf(!hasSystemdAnalyze)("passes systemd-analyze verify", () => {
    // verify checks that ExecStart's program exists: point it at this machine's node.
    const dir = mkdtempSync(join(tmpdir(), "tokengrid-unit-"));
    const copy = join(dir, "tokengrid-node-agent.service");
    writeFileSync(copy, readFileSync(unitPath, "utf8").replace("ExecStart=/usr/bin/node ", `ExecStart=${process.execPath} `));
    const r = spawnSync("systemd-analyze", ["verify", copy], { encoding: "utf8" });
    rmSync(dir, { recursive: true });
    expect(r.stderr).toBe(""); // unknown keys and bad values are warnings: exit 0, but said here
    expect(r.status).toBe(0);
  });
});

describe("deploy/systemd/node.yaml.example", () => {
  it("parses with the agent's node-file schema", () => {
    expect(nodeExample.nodeId).toBe("horinger-h100-01");
    expect(nodeExample.nodeId).not.toContain(".");
  });

  it("runs tenants' commands as the unprivileged job user, never as root", () => {
    const n = nodeExample;
    expect(n.executors).toContain("process");
    expect(n.process.user).toBe("tokengrid-job");
    expect(n.process.allowRoot).toBe(false);
    expect(n.address).toBe("10.20.0.17");
  });
});
