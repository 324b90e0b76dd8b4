#!/usr/bin/env node
/**
 * pnpm bench:e2e [--json] [--jobs 1000] [--tenants 20] [--in-flight 4] [--agents 4] [--rate 200] [--seconds 5]
 *                [--executor process|simulated] [--profile DIR] [--verbose]
 *
 * The whole system end to end: settlement, a broker and node agents running
 * commands with the process executor, each its own process (startStack), in a
 * fresh namespace and database, removed afterwards. Tenants, each with its
 * own API key, tokens (enterprise-100b) and TLS connection, submit trivial
 * jobs over gRPC: the command `true` on one device, 10,000,000 ST (about 400 s
 * of an H100: the budget never ends it). --executor simulated runs no
 * command (a 1-ST job the agents simulate), to see the control path alone.
 *
 * (1) Throughput: --jobs jobs, each tenant keeping --in-flight jobs in the
 *     system (closed loop: it submits the next when one of its jobs has
 *     ended); jobs per second from the first SubmitJob call to the last
 *     SUCCEEDED.
 * (2) Latency: --rate jobs per second offered for --seconds, open loop (each
 *     submitted on its schedule, whether or not earlier calls returned),
 *     tenants in turn. submit→running is the broker's RUNNING transition time
 *     (its clock, when it applied the agent's report) minus the moment the
 *     tenant began the SubmitJob call (the same machine's clock).
 *
 * The bench learns each job's transitions from the broker's job events
 * (a plain subscription to the namespace's job subjects), not by calling the
 * broker: watching would add calls to what is measured.
 *
 * In the same run, after the stack has stopped, three ceilings: (a) a bare
 * grpc-js unary echo over the same TLS as tenants use (server certificate
 * from the stack's CA, client without one; the server in its own process),
 * with as many connections and calls in flight as (1); (b) JetStream KV puts
 * of a job record's size from one connection, 64 in flight; (c) processes
 * started as an agent starts a job's, from one Node process; (d) holds on
 * tokens as settlement takes one per job, in PostgreSQL. Also printed:
 * CPU time per job of each process during (1), and JetStream writes and
 * PostgreSQL commits per job, and the warnings the services logged
 * (--verbose: as they come). --profile DIR profiles every service's CPU
 * (cpu-profile.ts), each profile written to DIR when the service stops.
 */
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import {
  fromTimestamp,
  jobEventCodec,
  protos,
  type AccountServiceClient,
  type JobServiceClient,
  type JobSpec,
  type SubmitJobResponse__Output,
} from "@tokengrid/contracts";
import { createDb, sql } from "@tokengrid/db";
import { authorize } from "@tokengrid/ledger";
import { connectNats, jetStreamManager, Kvm, names, type JetStreamManager, type NatsConnection } from "@tokengrid/events";
import type { TlsSettings } from "@tokengrid/config";
import { channelCredentials, type CertDir } from "@tokengrid/security";
import { ServiceProcess, startStack, type AgentSpec, type LogLine, type Stack } from "@tokengrid/stack";
import { freePort, testEnv } from "@tokengrid/stack/testing";

const args = process.argv.slice(2);
const json = args.includes("--json");
const verbose = args.includes("--verbose");
function flag(name: string, fallback: number): number {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v <= 0) {
    console.error(`${name}: a positive whole number, got ${args[i + 1] ?? "nothing"}`);
    process.exit(2);
  }
  return v;
}
const JOBS = flag("--jobs", 1000);
const TENANTS = flag("--tenants", 20);
const IN_FLIGHT = flag("--in-flight", 4);
const AGENTS = flag("--agents", 4);
const RATE = flag("--rate", 200);
const SECONDS = flag("--seconds", 5);
const profileDir = args.includes("--profile") ? args[args.indexOf("--profile") + 1] : undefined;
/** `process` runs `true` per job; `simulated` runs nothing (a job given only a size), to see the control path alone. */
const EXECUTOR = args.includes("--executor") ? args[args.indexOf("--executor") + 1] : "process";
if (EXECUTOR !== "process" && EXECUTOR !== "simulated") {
  console.error(`--executor: process or simulated, got ${EXECUTOR ?? "nothing"}`);
  process.exit(2);
}

/** Devices per node: the most one registration may declare, so that many `true` jobs run on a node at once. */
const DEVICES = 64;
/**
 * A few big nodes rather than many small ones: every agent is a process on
 * this machine's two cores, so more agents cost CPU without adding anything
 * a trivial job needs; four of 64 devices hold 256 jobs at once, and no
 * agent is alone in serialising its work (its usage outbox syncs one append
 * at a time). One cluster and device model: the scheduler then chooses by
 * free capacity alone.
 */
const fleet: AgentSpec[] = Array.from({ length: AGENTS }, (_, i) => ({
  nodeId: `bench-h100-${i + 1}`,
  operatorId: "op-bench",
  cluster: "horinger",
  accelerators: [{ model: "nvidia-h100-sxm", count: DEVICES }],
  executors: [EXECUTOR],
}));

/**
 * The trivial job: a program that exits 0 at once, on one device; its budget
 * (about 400 s of an H100) is never what ends it. Simulated: 1 ST, done at
 * the first metering tick.
 */
const SIZE_ST = EXECUTOR === "process" ? "10000000" : "1";
const SPEC: JobSpec = { kind: "JOB_KIND_BATCH", sizeSt: SIZE_ST, devices: 1, ...(EXECUTOR === "process" ? { command: ["true"] } : {}) };
/** Simulated jobs end at a metering tick: a short one, so that they end at once as `true` does. */
const USAGE_INTERVAL_MS = EXECUTOR === "process" ? 1000 : 20;
/** Each client its own connection, as tenants on their own machines have (grpc-js would otherwise share one). */
const CLIENT_OPTIONS: grpc.ChannelOptions = { "grpc.use_local_subchannel_pool": 1 };
/** KV puts in flight for the KV ceiling. */
const KV_WINDOW = 64;
const CEILING_SECONDS = 5;
/** How long the stack's idle CPU use is measured before (1), ms. */
const IDLE_MS = 3000;
/** Processes started at once for the spawn ceiling. */
const SPAWNS_AT_ONCE = 16;

type Phase = "warm-up" | "throughput" | "latency";

interface Tenant {
  id: string;
  jobs: JobServiceClient;
  md: grpc.Metadata;
}

interface Submitted {
  phase: Phase;
  /** When the SubmitJob call began, wall clock ms (the broker's clock on this machine). */
  startMs: number;
  /** How long the call took, ms. */
  callMs: number;
}

/** What the job events said of a job: the broker's transition times, and when the bench heard of them. */
interface Seen {
  runningMs?: number;
  runningHeardMs?: number;
  final?: string;
  finalMs?: number;
  message?: string;
}

const submitted = new Map<string, Submitted>();
const seen = new Map<string, Seen>();
const errors: string[] = [];
let throttled = 0;

/** Warnings and errors the services logged, by service and message. */
const warnings = new Map<string, number>();
function noteWarning(l: LogLine): void {
  const level = l.json?.["level"];
  if (typeof level !== "number" || level < 40) return;
  const msg = l.json?.["msg"];
  const key = `${l.process.split(" ")[0]}: ${typeof msg === "string" ? msg : ""}`;
  const seen = (warnings.get(key) ?? 0) + 1;
  warnings.set(key, seen);
  // --verbose: the first few of each kind as they come.
  if (verbose && seen <= 3) console.error(`${l.process}: ${l.raw.slice(0, 1000)}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function submitCall(t: Tenant, requestId: string): Promise<SubmitJobResponse__Output> {
  return new Promise((resolve, reject) =>
    t.jobs.SubmitJob({ requestId, spec: SPEC }, t.md, { deadline: Date.now() + 30_000 }, (err, res) =>
      err ? reject(err) : res ? resolve(res) : reject(new Error("empty reply")),
    ),
  );
}

/**
 * Submits one job and returns its id (undefined if refused); over the
 * tenant's call rate it waits as told and retries with the same request_id
 * (a retry never makes a second job).
 */
async function submit(t: Tenant, requestId: string, phase: Phase): Promise<string | undefined> {
  const startMs = Date.now();
  const t0 = performance.now();
  for (;;) {
    try {
      const res = await submitCall(t, requestId);
      submitted.set(res.job!.jobId, { phase, startMs, callMs: performance.now() - t0 });
      return res.job!.jobId;
    } catch (err) {
      const e = err as grpc.ServiceError;
      const wait = e.code === grpc.status.RESOURCE_EXHAUSTED ? /retry in (\d+) ms/.exec(e.details)?.[1] : undefined;
      if (wait === undefined) {
        errors.push(`${grpc.status[e.code] ?? e.code}: ${e.details ?? e.message}`);
        return undefined;
      }
      throttled += 1;
      await sleep(Number(wait));
    }
  }
}

/** Those waiting for a job to end, by job id. */
const waiters = new Map<string, () => void>();

/** Resolves when the job's final event is heard, or after timeoutMs (the phase then counts it unfinished). */
function whenEnded(jobId: string, timeoutMs = 60_000): Promise<void> {
  if (seen.get(jobId)?.final) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiters.delete(jobId);
      resolve();
    }, timeoutMs);
    waiters.set(jobId, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Closed loop: every tenant keeps IN_FLIGHT jobs in the system, submitting
 * the next when one has ended, until `count` jobs are submitted. (Submitting
 * without waiting for jobs to end only grows the queue past what the nodes
 * can start; the open loop of (2) offers a rate instead.)
 */
async function closedLoop(tenants: Tenant[], phase: Phase, count: number): Promise<void> {
  let next = 0;
  const worker = async (t: Tenant) => {
    for (let k = next++; k < count; k = next++) {
      const jobId = await submit(t, `${phase}-${k}`, phase);
      if (jobId) await whenEnded(jobId);
    }
  };
  await Promise.all(tenants.flatMap((t) => Array.from({ length: IN_FLIGHT }, () => worker(t))));
}

/** Open loop: job k is submitted at k / rate seconds, whatever became of the ones before; returns the worst lag behind schedule, ms. */
async function openLoop(tenants: Tenant[], phase: Phase, rate: number, count: number): Promise<number> {
  const calls: Promise<unknown>[] = [];
  const t0 = performance.now();
  let maxLagMs = 0;
  for (let k = 0; k < count;) {
    const now = performance.now();
    const due = Math.min(count, Math.floor(((now - t0) * rate) / 1000) + 1);
    for (; k < due; k++) {
      maxLagMs = Math.max(maxLagMs, now - (t0 + (k * 1000) / rate));
      calls.push(submit(tenants[k % tenants.length]!, `${phase}-${k}`, phase));
    }
    await sleep(1);
  }
  await Promise.all(calls);
  return maxLagMs;
}

/** Waits until every job of the phase has ended (its final event heard); returns how many had not within the timeout. */
async function ended(phase: Phase, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let open = 0;
    for (const [id, s] of submitted) if (s.phase === phase && !seen.get(id)?.final) open += 1;
    if (open === 0 || Date.now() > deadline) return open;
    await sleep(50);
  }
}

/** Waits until settlement has taken every job and usage event (its consumers have nothing pending); returns how long, ms (NaN: not within the timeout). */
async function settlementDrained(jsm: JetStreamManager, n: ReturnType<typeof names>, timeoutMs = 60_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const infos = await Promise.all([
      jsm.consumers.info(n.usageStream, n.settlementUsageConsumer).catch(() => undefined),
      jsm.consumers.info(n.jobsStream, n.settlementJobsConsumer).catch(() => undefined),
    ]);
    if (infos.every((i) => i && i.num_pending === 0 && i.num_ack_pending === 0)) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) return NaN;
    await sleep(50);
  }
}

function phaseFigures(phase: Phase) {
  const running: number[] = [];
  const heard: number[] = [];
  const calls: number[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  let succeeded = 0;
  let failed = 0;
  let failure: string | undefined;
  for (const [id, s] of submitted) {
    if (s.phase !== phase) continue;
    calls.push(s.callMs);
    first = Math.min(first, s.startMs);
    const e = seen.get(id);
    // A job that never ran in the time waited counts as slower than any that did.
    running.push(e?.runningMs !== undefined ? e.runningMs - s.startMs : Number.POSITIVE_INFINITY);
    if (e?.runningHeardMs !== undefined) heard.push(e.runningHeardMs - s.startMs);
    if (e?.final === "JOB_STATE_SUCCEEDED") {
      succeeded += 1;
      last = Math.max(last, e.finalMs!);
    } else if (e?.final) {
      failed += 1;
      failure ??= `${e.final}: ${e.message ?? ""}`;
    }
  }
  for (const xs of [running, heard, calls]) xs.sort((a, b) => a - b);
  return {
    jobs: calls.length,
    neverRan: running.filter((x) => x === Number.POSITIVE_INFINITY).length,
    succeeded,
    failed,
    failure,
    jobsPerSec: succeeded / ((last - first) / 1000),
    submitToRunningP50Ms: percentile(running, 0.5),
    submitToRunningP99Ms: percentile(running, 0.99),
    heardRunningP99Ms: percentile(heard, 0.99),
    submitCallP50Ms: percentile(calls, 0.5),
    submitCallP99Ms: percentile(calls, 0.99),
  };
}

// ---- CPU time of each process, from /proc --------------------------------

const TICK_MS = 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** CPU time a process has used, ms; with its reaped children's (an agent's jobs) when `children`. */
function processCpuMs(pid: number | undefined, children = false): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields from the state on (field 3): utime is field 14, stime 15, cutime 16, cstime 17.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0)) * TICK_MS;
  } catch {
    return 0;
  }
}

function pidsNamed(comm: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, "utf8").trim() === comm) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The machine's busy and total CPU time over all cores, ms (/proc/stat). */
function machineCpuMs(): { busy: number; total: number } {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0) * TICK_MS;
  return { busy: total - (f[3]! + f[4]!) * TICK_MS, total };
}

type CpuSnapshot = Record<string, number> & { machineBusy: number; machineTotal: number };

function cpuSnapshot(stack: Stack): CpuSnapshot {
  const own = process.cpuUsage();
  const m = machineCpuMs();
  return {
    broker: processCpuMs(stack.broker.pid),
    settlement: processCpuMs(stack.settlement.pid),
    // With the jobs they ran (setpriv, then `true`), which are theirs once reaped.
    agents: [...stack.agents.values()].reduce((t, a) => t + processCpuMs(a.pid, true), 0),
    // The machine's shared servers: other work on them is counted too.
    "nats-server": pidsNamed("nats-server").reduce((t, p) => t + processCpuMs(p), 0),
    postgres: pidsNamed("postgres").reduce((t, p) => t + processCpuMs(p), 0),
    bench: (own.user + own.system) / 1000,
    machineBusy: m.busy,
    machineTotal: m.total,
  };
}

// ---- ceilings -------------------------------------------------------------

/** (a) A bare grpc-js unary echo over the tenants' TLS: calls per second, as many connections and calls in flight as (1). */
async function echoCeiling(certs: CertDir, tenantTls: TlsSettings, md: grpc.Metadata): Promise<number> {
  const tls = await certs.issueService("echo");
  const address = `127.0.0.1:${await freePort()}`;
  const server = new ServiceProcess({
    name: "echo",
    script: fileURLToPath(new URL("./echo-server.js", import.meta.url)),
    env: { ECHO_ADDRESS: address, TLS_CA_FILE: tls.caFile, TLS_CERT_FILE: tls.certFile, TLS_KEY_FILE: tls.keyFile },
  });
  await server.start();
  const credentials = channelCredentials(tenantTls);
  const clients = Array.from({ length: TENANTS }, () => new grpc.Client(address, credentials, CLIENT_OPTIONS));
  // About a SubmitJob request's size.
  const payload = Buffer.alloc(64, 1);
  const same = (b: Buffer) => b;
  const echo = (c: grpc.Client) =>
    new Promise<void>((resolve, reject) =>
      c.makeUnaryRequest("/bench.v1.EchoService/Echo", same, same, payload, md, (err) => (err ? reject(err) : resolve())),
    );
  try {
    // Connections up and code warm before the clock starts.
    await Promise.all(
      clients.map(async (c) => Array.from({ length: 20 }).reduce<Promise<void>>((p) => p.then(() => echo(c)), Promise.resolve())),
    );
    let calls = 0;
    const t0 = performance.now();
    const until = t0 + CEILING_SECONDS * 1000;
    const worker = async (c: grpc.Client) => {
      while (performance.now() < until) {
        await echo(c);
        calls += 1;
      }
    };
    await Promise.all(clients.flatMap((c) => Array.from({ length: IN_FLIGHT }, () => worker(c))));
    return calls / ((performance.now() - t0) / 1000);
  } finally {
    for (const c of clients) c.close();
    await server.stop();
  }
}

/** (b) JetStream KV puts of `value` into a bucket made as the job store's is: per second with KV_WINDOW in flight, and one at a time. */
async function kvCeiling(
  nc: NatsConnection,
  jsm: JetStreamManager,
  bucket: string,
  value: Uint8Array,
): Promise<{ perSec: number; p50Ms: number }> {
  const kv = await new Kvm(nc).create(bucket, { history: 1 });
  try {
    const one: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t = performance.now();
      await kv.put(`job.one-${i}`, value);
      one.push(performance.now() - t);
    }
    one.sort((a, b) => a - b);
    let puts = 0;
    const t0 = performance.now();
    const until = t0 + CEILING_SECONDS * 1000;
    const worker = async (w: number) => {
      // A key per job, as the broker writes; bounded, so the bucket stays small.
      for (let i = 0; performance.now() < until; i++) {
        await kv.put(`job.w${w}-${i % 100}`, value);
        puts += 1;
      }
    };
    await Promise.all(Array.from({ length: KV_WINDOW }, (_, w) => worker(w)));
    return { perSec: puts / ((performance.now() - t0) / 1000), p50Ms: percentile(one, 0.5) };
  } finally {
    await jsm.streams.delete(`KV_${bucket}`).catch(() => undefined);
  }
}

/**
 * (c) Starting processes as an agent starts a job's: setpriv (switching to
 * the job user, as the stack's agents do when root) running `true`,
 * detached, stdout and stderr piped; per second with SPAWNS_AT_ONCE at once,
 * and the CPU it costs the Node process that spawns (a fork of it, then exec).
 */
async function spawnCeiling(): Promise<{ perSec: number; parentCpuMs: number }> {
  const id = (flag: string) => execFileSync("id", [flag, "nobody"], { encoding: "utf8" }).trim();
  const user = process.getuid?.() === 0 ? ["--reuid", id("-u"), "--regid", id("-g"), "--init-groups"] : [];
  const argv = ["--pdeathsig", "SIGKILL", ...user, "--", "true"];
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const child = spawn("/usr/bin/setpriv", argv, { detached: true, stdio: ["ignore", "pipe", "pipe"], env: { PATH: "/usr/bin:/bin" } });
      child.once("error", reject);
      child.once("close", () => resolve());
    });
  let spawned = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const until = t0 + CEILING_SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      await one();
      spawned += 1;
    }
  };
  await Promise.all(Array.from({ length: SPAWNS_AT_ONCE }, worker));
  const cpu = process.cpuUsage(cpu0);
  return { perSec: spawned / ((performance.now() - t0) / 1000), parentCpuMs: (cpu.user + cpu.system) / 1000 / spawned };
}

/**
 * (d) Holds as settlement takes one for each job submitted: the ledger's
 * authorize, a transaction each, on the run's own database with nothing else
 * running; as many callers as (1) has jobs in flight, through a pool of
 * settlement's size (10), the tenants in turn. Per second.
 */
async function holdsCeiling(databaseUrl: string, tenants: Tenant[]): Promise<number> {
  const pool = createDb(databaseUrl, 10);
  try {
    let held = 0;
    const t0 = performance.now();
    const until = t0 + CEILING_SECONDS * 1000;
    const worker = async (w: number) => {
      for (let i = 0; performance.now() < until; i++) {
        const id = `ceiling-${w}-${i}`;
        await authorize(pool, tenants[(w + i) % tenants.length]!.id, id, id, BigInt(SIZE_ST) * 1000n, Date.now(), 60_000);
        held += 1;
      }
    };
    await Promise.all(Array.from({ length: tenants.length * IN_FLIGHT }, (_, w) => worker(w)));
    return held / ((performance.now() - t0) / 1000);
  } finally {
    await pool.destroy();
  }
}

// ---- the run ------------------------------------------------------------------

async function main() {
  const env = await testEnv("benche2e");
  const n = names(env.namespace);
  const workDir = join(tmpdir(), `tokengrid-${env.namespace}`);
  const nc = await connectNats(env.natsUrl, "bench-e2e");
  const jsm = await jetStreamManager(nc, env.natsUrl);
  const db = createDb(env.databaseUrl, 1);
  let stack: Stack | undefined;
  const tenants: Tenant[] = [];
  try {
    stack = await startStack({
      namespace: env.namespace,
      natsUrl: env.natsUrl,
      databaseUrl: env.databaseUrl,
      brokerAddress: `127.0.0.1:${await freePort()}`,
      settlementAddress: `127.0.0.1:${await freePort()}`,
      agents: fleet,
      usageIntervalMs: USAGE_INTERVAL_MS,
      workDir,
      onLine: noteWarning,
      ...(profileDir
        ? {
            env: {
              NODE_OPTIONS: `--import=${fileURLToPath(new URL("./cpu-profile.js", import.meta.url))}`,
              CPU_PROFILE_DIR: resolve(profileDir),
            },
          }
        : {}),
    });
    const jobService = protos().job.tokengrid.job.v1.JobService;
    const accounts = new (protos().account.tokengrid.account.v1.AccountService)(
      stack.options.settlementAddress,
      channelCredentials(stack.tls),
    ) as unknown as AccountServiceClient;
    for (let i = 0; i < TENANTS; i++) {
      const id = `bench-t${i + 1}`;
      const md = new grpc.Metadata();
      md.set("authorization", `Bearer ${await stack.apiKey("tenant", id)}`);
      await new Promise<void>((resolve, reject) =>
        accounts.PurchasePackage({ requestId: `${id}-tokens`, packageId: "enterprise-100b" }, md, (err) => (err ? reject(err) : resolve())),
      );
      const jobs = new jobService(
        stack.options.brokerAddress,
        channelCredentials(stack.tls),
        CLIENT_OPTIONS,
      ) as unknown as JobServiceClient;
      tenants.push({ id, jobs, md });
    }
    accounts.close();

    // Every transition of every job, as the broker publishes it.
    const sub = nc.subscribe(n.jobSubjects, {
      callback: (err, msg) => {
        if (err) return;
        const e = jobEventCodec().decode(msg.data);
        const s = seen.get(e.jobId) ?? {};
        const state = String(e.state);
        if (state === "JOB_STATE_RUNNING" && s.runningMs === undefined) {
          s.runningMs = fromTimestamp(e.time);
          s.runningHeardMs = Date.now();
        } else if (state === "JOB_STATE_SUCCEEDED" || state === "JOB_STATE_FAILED" || state === "JOB_STATE_CANCELLED") {
          s.final = state;
          s.finalMs = fromTimestamp(e.time);
          s.message = e.message;
          waiters.get(e.jobId)?.();
          waiters.delete(e.jobId);
        }
        seen.set(e.jobId, s);
      },
    });
    const commits = async () =>
      Number(
        (await sql<{ n: string }>`select xact_commit::text as n from pg_stat_database where datname = current_database()`.execute(db))
          .rows[0]!.n,
      );
    const commitsBefore = await commits();

    // Warm-up: connections open, code compiled, the scheduler's buckets made; not counted.
    await closedLoop(tenants, "warm-up", Math.min(500, Math.max(TENANTS * IN_FLIGHT, Math.floor(JOBS / 10))));
    await ended("warm-up");
    await settlementDrained(jsm, n);

    // What the stack spends idle (heartbeats, leases, timers), to take from what (1) costs.
    const idle0 = cpuSnapshot(stack);
    const idleStart = performance.now();
    await sleep(IDLE_MS);
    const idle1 = cpuSnapshot(stack);
    const idleMs = performance.now() - idleStart;

    // (1) Throughput.
    const cpu0 = cpuSnapshot(stack);
    const phaseStart = performance.now();
    await closedLoop(tenants, "throughput", JOBS);
    const unfinished = await ended("throughput");
    const cpu1 = cpuSnapshot(stack);
    const phaseMs = performance.now() - phaseStart;
    const settlementLagMs = await settlementDrained(jsm, n);
    const throughput = phaseFigures("throughput");

    // (2) Latency at a fixed offered rate.
    const latencyJobs = RATE * SECONDS;
    const maxLagMs = await openLoop(tenants, "latency", RATE, latencyJobs);
    const latencyUnfinished = await ended("latency", 120_000);
    await settlementDrained(jsm, n);
    const latency = phaseFigures("latency");

    // What each job cost the stores.
    const total = submitted.size;
    const lastSeq = async (stream: string) => (await jsm.streams.info(stream).catch(() => undefined))?.state.last_seq ?? 0;
    const perJob = async (stream: string) => Number(((await lastSeq(stream)) / total).toFixed(2));
    const jetstreamWritesPerJob = {
      jobRecordPuts: await perJob(`KV_${n.jobsBucket}`),
      jobEvents: await perJob(n.jobsStream),
      usageMessages: await perJob(n.usageStream),
      logChunks: await perJob(n.logsStream),
    };
    // A finished job's record, as the broker keeps it: the KV ceiling puts records of its size.
    const someJob = [...submitted.keys()].at(-1)!;
    const record = (await (await new Kvm(nc).open(n.jobsBucket)).get(`job.${someJob}`))?.value ?? new Uint8Array(2048);
    sub.unsubscribe();
    for (const t of tenants) t.jobs.close();
    // Its certificates stay on disk for the echo ceiling.
    const { certs, tls: tenantTls } = stack;
    // A profiled agent may take longer than the stack waits to stop (and write its profile).
    if (profileDir) await Promise.all([...stack.agents.values()].map((a) => a.stop(60_000)));
    await stack.stop();
    stack = undefined;
    // Its connections closed, settlement's commits are all counted.
    await sleep(500);
    const pgCommitsPerJob = Number(((await commits()) - commitsBefore) / total).toFixed(2);

    // Ceilings, on the same machine, with the stack stopped.
    const echoPerSec = await echoCeiling(certs, tenantTls, tenants[0]!.md);
    const kv = await kvCeiling(nc, jsm, `${env.namespace}_bench_kv`, record);
    const spawns = await spawnCeiling();
    const holdsPerSec = await holdsCeiling(env.databaseUrl, tenants);

    // CPU per job of each process in (1), less what it spends idle; and what other work on the machine took meanwhile.
    const used = (k: string) => cpu1[k]! - cpu0[k]!;
    const idleRate = (k: string) => (idle1[k]! - idle0[k]!) / idleMs;
    const components = ["broker", "settlement", "agents", "nats-server", "postgres", "bench"];
    const cpuMsPerJob: Record<string, number> = {};
    for (const k of components) cpuMsPerJob[k] = Number(((used(k) - idleRate(k) * phaseMs) / throughput.jobs).toFixed(2));
    const ours = components.reduce((t, k) => t + used(k), 0);
    const otherCores = Math.max(0, used("machineBusy") - ours) / phaseMs;
    const machineBusyShare = used("machineBusy") / used("machineTotal");

    const r1 = (x: number) => Math.round(x * 10) / 10;
    const result = {
      executor: EXECUTOR,
      jobs: throughput.jobs,
      tenants: TENANTS,
      inFlightPerTenant: IN_FLIGHT,
      agents: AGENTS,
      devicesPerAgent: DEVICES,
      jobsPerSec: Math.round(throughput.jobsPerSec),
      submitCallP50Ms: r1(throughput.submitCallP50Ms),
      submitCallP99Ms: r1(throughput.submitCallP99Ms),
      offeredJobsPerSec: RATE,
      latencyJobs: latency.jobs,
      maxScheduleLagMs: r1(maxLagMs),
      // null: more than half (p50) or 1 % (p99) of the jobs had not run when the bench stopped waiting.
      submitToRunningP50Ms: Number.isFinite(latency.submitToRunningP50Ms) ? latency.submitToRunningP50Ms : null,
      submitToRunningP99Ms: Number.isFinite(latency.submitToRunningP99Ms) ? latency.submitToRunningP99Ms : null,
      latencyNeverRan: latency.neverRan,
      heardRunningP99Ms: latency.heardRunningP99Ms,
      latencySubmitCallP50Ms: r1(latency.submitCallP50Ms),
      latencySubmitCallP99Ms: r1(latency.submitCallP99Ms),
      echoPerSec: Math.round(echoPerSec),
      kvPutsPerSec: Math.round(kv.perSec),
      kvPutP50Ms: Number(kv.p50Ms.toFixed(3)),
      kvValueBytes: record.length,
      spawnsPerSec: Math.round(spawns.perSec),
      holdsPerSec: Math.round(holdsPerSec),
      spawnCpuMs: Number(spawns.parentCpuMs.toFixed(2)),
      jetstreamWritesPerJob,
      pgCommitsPerJob: Number(pgCommitsPerJob),
      cpuMsPerJob,
      machineBusyShare: Number(machineBusyShare.toFixed(3)),
      otherCores: Number(otherCores.toFixed(2)),
      settlementLagMs: Math.round(settlementLagMs),
      succeeded: throughput.succeeded + latency.succeeded,
      failed: throughput.failed + latency.failed,
      unfinished: unfinished + latencyUnfinished,
      submitErrors: errors.length,
      throttledRetries: throttled,
      ...((throughput.failure ?? latency.failure) ? { firstFailure: throughput.failure ?? latency.failure } : {}),
      ...(errors.length > 0 ? { firstSubmitError: errors[0] } : {}),
      warnings: Object.fromEntries([...warnings].sort((a, b) => b[1] - a[1]).slice(0, 10)),
    };
    if (json) console.log(JSON.stringify(result));
    else {
      console.log(
        `end to end: jobs ${EXECUTOR === "process" ? "`true`" : "with no command"} (1 device, ${SIZE_ST} ST) from ${TENANTS} tenants over gRPC with TLS, on ${AGENTS} agents × ${DEVICES} devices (${EXECUTOR} executor)`,
      );
      console.log(
        `(1) throughput   ${result.jobsPerSec} jobs/s submit → SUCCEEDED   (${result.jobs} jobs, ${IN_FLIGHT} in the system per tenant; SubmitJob p50 ${result.submitCallP50Ms} ms, p99 ${result.submitCallP99Ms} ms)`,
      );
      console.log(
        `(2) latency      submit → RUNNING p50 ${result.submitToRunningP50Ms ?? "never"} ms, p99 ${result.submitToRunningP99Ms ?? "never"} ms   (${RATE} jobs/s offered open loop, ${result.latencyJobs} jobs, ${result.latencyNeverRan} never ran; schedule lag ≤ ${result.maxScheduleLagMs} ms; SubmitJob p50 ${result.latencySubmitCallP50Ms} ms, p99 ${result.latencySubmitCallP99Ms} ms)`,
      );
      console.log(
        `(a) gRPC echo    ${result.echoPerSec} calls/s   (bare grpc-js unary, same TLS, server in its own process, ${TENANTS} connections × ${IN_FLIGHT} in flight)`,
      );
      console.log(
        `(b) JetStream KV ${result.kvPutsPerSec} puts/s   (${KV_WINDOW} in flight, ${result.kvValueBytes}-byte job records; one at a time p50 ${result.kvPutP50Ms} ms)`,
      );
      console.log(
        `(c) spawn        ${result.spawnsPerSec} processes/s   (setpriv … true as agents start jobs, ${SPAWNS_AT_ONCE} at once, from one Node process: ${result.spawnCpuMs} ms of its CPU each)`,
      );
      console.log(
        `(d) holds        ${result.holdsPerSec} holds/s   (the ledger's authorize as settlement takes one per job, ${TENANTS * IN_FLIGHT} callers, a pool of 10, nothing else running)`,
      );
      console.log(
        `per job: JetStream writes ${JSON.stringify(jetstreamWritesPerJob)}, PostgreSQL commits ${result.pgCommitsPerJob}; settlement caught up ${result.settlementLagMs} ms after (1)`,
      );
      console.log(
        `CPU ms per job in (1): ${Object.entries(cpuMsPerJob)
          .map(([k, v]) => `${k} ${v}`)
          .join(
            ", ",
          )} (less each one's idle use); machine busy ${(machineBusyShare * 100).toFixed(0)} % of its cores, ${result.otherCores} cores of it other work`,
      );
      console.log(
        `jobs succeeded ${result.succeeded}, failed ${result.failed}, unfinished ${result.unfinished}; submit errors ${result.submitErrors}, throttled retries ${result.throttledRetries}`,
      );
      if ("firstFailure" in result) console.log(`first failure: ${result.firstFailure}`);
      if ("firstSubmitError" in result) console.log(`first submit error: ${result.firstSubmitError}`);
      if (warnings.size > 0) console.log(`the services' warnings and errors, most frequent first: ${JSON.stringify(result.warnings)}`);
    }
  } finally {
    // Closing twice is harmless; a run that failed midway has not closed them.
    for (const t of tenants) t.jobs.close();
    await stack?.stop();
    await db.destroy();
    await nc.close();
    await env.cleanup();
    rmSync(workDir, { recursive: true, force: true });
    rmSync(join(tmpdir(), `tokengrid-jobs-${env.namespace}`), { recursive: true, force: true });
  }
}

await main();
