/**
 * What tests need to run against the real NATS and PostgreSQL without
 * depending on leftovers: a fresh namespace (streams, buckets) and a fresh
 * database per test file, removed afterwards; free ports; and, for fault
 * tests, a nats-server and a PostgreSQL server of their own to kill and restart.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dropDatabase, ensureDatabase } from "@tokengrid/db";
import { ApiKeyStore, connectNats, deleteNamespace, jetStreamManager, names } from "@tokengrid/events";
import { DEFAULT_DATABASE_URL, DEFAULT_NATS_URL, type TlsSettings } from "@tokengrid/config";
import { CertDir, type Role } from "@tokengrid/security";

export * from "./processes.js";

export interface TestEnv {
  namespace: string;
  natsUrl: string;
  databaseUrl: string;
  cleanup(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh namespace and database for one test file. */
export async function testEnv(label: string): Promise<TestEnv> {
  const suffix = randomBytes(4).toString("hex");
  const namespace = `t_${label.replace(/[^a-z0-9]/g, "").slice(0, 12)}_${suffix}`;
  const natsUrl = process.env["NATS_URL"] ?? DEFAULT_NATS_URL;
  const base = new URL(process.env["DATABASE_URL"] ?? DEFAULT_DATABASE_URL);
  base.pathname = `/${namespace}`;
  const databaseUrl = base.toString();
  await ensureDatabase(databaseUrl);
  return {
    namespace,
    natsUrl,
    databaseUrl,
    async cleanup() {
      const nc = await connectNats(natsUrl, "tokengrid-test-cleanup");
      try {
        await deleteNamespace(await jetStreamManager(nc, natsUrl), names(namespace));
      } finally {
        await nc.close();
      }
      await dropDatabase(databaseUrl);
    },
  };
}

/** Polls until fn returns a value that is not undefined, or fails after timeoutMs. */
export async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A nats-server of a test's own, which the test may stop, kill and start again (on the same port and store). */
export interface OwnNats {
  readonly url: string;
  readonly storeDir: string;
  start(): Promise<void>;
  /** SIGKILL: the server dies as in a crash. */
  kill(): Promise<void>;
  /** Stops it and removes its store. */
  cleanup(): Promise<void>;
}

/** The nats-server binary: on PATH, or Debian's /usr/sbin/nats-server. */
function natsServerBinary(): string {
  for (const dir of (process.env["PATH"] ?? "").split(":").concat("/usr/sbin", "/usr/local/bin")) {
    const p = join(dir, "nats-server");
    if (existsSync(p)) return p;
  }
  throw new Error("nats-server is not installed (apt-get install nats-server); fault tests run a server of their own");
}

/**
 * `config`: more server configuration (e.g. `include "/path/auth.conf"`), with
 * `env` for the variables it names; without it, a plain JetStream server.
 */
export async function ownNats(label: string, opts: { config?: string; env?: Record<string, string> } = {}): Promise<OwnNats> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), `nats-${label}-`));
  const configFile = join(storeDir, "nats-server.conf");
  writeFileSync(
    configFile,
    `listen: "127.0.0.1:${port}"\njetstream { store_dir: ${JSON.stringify(join(storeDir, "js"))} }\n${opts.config ?? ""}\n`,
  );
  const binary = natsServerBinary();
  let child: ChildProcess | undefined;
  const up = () =>
    new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 10_000;
      const probe = () => {
        const s = createConnection({ host: "127.0.0.1", port }, () => {
          s.end();
          resolve();
        });
        s.on("error", () => {
          s.destroy();
          if (Date.now() > deadline) reject(new Error(`nats-server did not listen on ${port}`));
          else setTimeout(probe, 50);
        });
      };
      probe();
    });
  const self: OwnNats = {
    url: `nats://127.0.0.1:${port}`,
    storeDir,
    async start() {
      child = spawn(binary, ["-c", configFile], { stdio: "ignore", env: { ...process.env, ...opts.env } });
      await up();
    },
    async kill() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once("exit", () => resolve());
        c.kill("SIGKILL");
      });
    },
    async cleanup() {
      await self.kill();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}

/** A PostgreSQL server of a test's own (initdb in a temp directory), which it may kill and start again. */
export interface OwnPostgres {
  /** postgres://postgres@127.0.0.1:<port>/<database> for a database name. */
  url(database: string): string;
  start(): Promise<void>;
  /** Stops it the hard way (`pg_ctl stop -m immediate`: as in a crash; it recovers from its WAL on start). */
  kill(): Promise<void>;
  cleanup(): Promise<void>;
}

/** PostgreSQL's server binaries (initdb, pg_ctl): Debian keeps them under /usr/lib/postgresql/<version>/bin. */
function postgresBin(): string {
  for (const dir of (process.env["PATH"] ?? "").split(":"))
    if (existsSync(join(dir, "pg_ctl")) && existsSync(join(dir, "initdb"))) return dir;
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(base, v, "bin", "pg_ctl"))) return join(base, v, "bin");
  throw new Error("PostgreSQL's server binaries (initdb, pg_ctl) are not installed (apt-get install postgresql)");
}

export async function ownPostgres(label: string): Promise<OwnPostgres> {
  const port = await freePort();
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), `pg-${label}-`));
  const data = join(dir, "data");
  // PostgreSQL refuses to run as root: as root, run it as the postgres user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", dir]);
  const run = (cmd: string, args: string[]) =>
    execFileSync(asRoot ? "runuser" : join(bin, cmd), asRoot ? ["-u", "postgres", "--", join(bin, cmd), ...args] : args, {
      stdio: "ignore",
    });
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const self: OwnPostgres = {
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      run("pg_ctl", ["-D", data, "-l", join(dir, "log"), "-w", "-o", `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir}`, "start"]);
    },
    async kill() {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    },
    async cleanup() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // not running
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}

/** Mulberry32: a small, fast generator; the same seed gives the same draws (benchmarks, the chaos runner). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Certificates for services started in a test's own process: each one's environment, and a tenant's client settings. */
export interface TestCertificates {
  readonly certs: CertDir;
  /** TLS_* variables for a broker and for settlement. */
  readonly broker: Record<string, string>;
  readonly settlement: Record<string, string>;
  /** A client with no certificate of its own (a tenant): trusts the CA. */
  readonly client: TlsSettings;
  /** A node's certificate. */
  node(operatorId: string, nodeId: string): Promise<TlsSettings & { mode: "mtls" }>;
  cleanup(): void;
}

export async function testCertificates(label: string): Promise<TestCertificates> {
  const certs = new CertDir(mkdtempSync(join(tmpdir(), `tokengrid-tls-${label}-`)));
  await certs.ca(true);
  return {
    certs,
    broker: CertDir.env(await certs.issueService("broker")),
    settlement: CertDir.env(await certs.issueService("settlement")),
    client: { mode: "tls", caFile: certs.caFile },
    node: (operatorId, nodeId) => certs.issueNode(operatorId, nodeId),
    cleanup: () => rmSync(certs.dir, { recursive: true, force: true }),
  };
}

/** An API key in the test's namespace, as `tokengrid keys create` makes one. */
export async function testApiKey(env: { natsUrl: string; namespace: string }, role: Role, subject: string): Promise<string> {
  const nc = await connectNats(env.natsUrl, "tokengrid-test-keys");
  try {
    return (await (await ApiKeyStore.open(nc, names(env.namespace).apiKeysBucket)).create(role, subject, `test ${role} ${subject}`)).key;
  } finally {
    await nc.close();
  }
}
