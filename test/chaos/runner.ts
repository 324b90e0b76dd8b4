/**
 * The chaos runner: the real stack (two brokers, settlement, three agents) on
 * a nats-server and a PostgreSQL server of its own, a workload of jobs, and
 * faults drawn from a seed — kill -9 and SIGSTOP of any process, NATS and
 * PostgreSQL killed and started again — then the invariants:
 *
 * - every accepted job reached a final state;
 * - usage metered by the agents (every distinct event they published) equals
 *   usage settled plus usage for time after its placement ended (a stopped
 *   run's last chunk, quarantined: nothing after a placement's end is paid),
 *   to the mST; nothing else is quarantined, and no event is counted twice;
 * - every ledger balances;
 * - no replica of a job ran in two attempts (or on two nodes) at once;
 * - no process of a job outlives its run: once an agent killed with -9 is
 *   back, its earlier run's processes are gone, and once the stack has
 *   stopped, no process of the run's jobs is left;
 * - every tenant's bill equals its jobs' records: what the ledger charged it
 *   for each ended job (captures, less what the platform loss account gave
 *   back) is the work the broker's record kept (GetJob's done_mst), never
 *   more than the job's size.
 *
 * The same seed draws the same faults at the same moments of the run, and the
 * same jobs (from a generator of their own, so the two do not shift each other).
 */
import * as grpc from "@grpc/grpc-js";
import pg from "pg";
import {
  usageBatchCodec,
  type GetJobResponse__Output,
  type Job__Output,
  type JobServiceClient,
  type ListJobsResponse__Output,
  type SubmitJobResponse__Output,
} from "@tokengrid/contracts";
import { ensureDatabase } from "@tokengrid/db";
import { AckPolicy, connectNats, jetstream, jetStreamManager, names } from "@tokengrid/events";
import { rm } from "node:fs/promises";
import { appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TlsSettings } from "@tokengrid/config";
import { startStack, type LogLine, type ServiceProcess, type Stack } from "@tokengrid/stack";
import { freePort, ownNats, ownPostgres, seededRandom, type OwnNats, type OwnPostgres } from "@tokengrid/stack/testing";
import { accountClient, jobClient, keyMetadata, unary } from "../helpers.js";
import { describeProcess, jobProcesses, stillRunning, type JobProcess } from "@tokengrid/stack/testing";
import { drawJob } from "./workload.js";

export interface ChaosOptions {
  seed: number;
  /** How long jobs are submitted and faults injected, ms. */
  durationMs: number;
  /** Log what happens as it happens. */
  log?: (line: string) => void;
  /** Append every service's log lines to this file, each after the time it was read (ms) and the process's name. */
  linesFile?: string;
}

export interface ChaosResult {
  seed: number;
  faultsInjected: number;
  faults: string[];
  jobsAccepted: number;
  /** Accepted jobs with a command (run as processes), and of them gangs of two replicas. */
  processJobs: number;
  gangJobs: number;
  /** Jobs the workload cancelled (CancelJob answered). */
  cancelledByWorkload: number;
  jobsLost: number;
  usageMetered: string;
  usageSettled: string;
  /** Metered for time after its placement ended: quarantined, not paid. */
  usageAfterEnd: string;
  /** mST quarantined for any other reason, by code (none expected of honest agents). */
  quarantinedOther: Record<string, string>;
  doubleCounted: number;
  ledgerImbalance: string;
  concurrentDoubleRuns: number;
  /** Agents killed with -9 and checked once back: none of their earlier run's processes may be left. */
  agentRestartsChecked: number;
  /** Processes of jobs alive just after those kills: what the agents, back, had to end. */
  processesAtAgentKill: number;
  /** Processes of the run's jobs alive when they should not be (after an agent's restart, after the stack stopped). */
  orphanedProcesses: number;
  /** Per tenant: the ended jobs, the work their records kept and what the ledger charged for them, mST. */
  bills: Record<string, { jobs: number; keptMst: string; chargedMst: string }>;
  /** Jobs whose bill is not their record (or above their size), or charges for no ended job of the tenant's. */
  billMismatches: number;
  /** Calls answered INTERNAL (a bug: faults must give UNAVAILABLE and the like, with advice). */
  internalErrors: number;
  /** Invariants broken, in words; empty when all held. */
  broken: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TENANTS = ["chaos-tenant-1", "chaos-tenant-2"];
const AGENTS = [
  { nodeId: "chaos-guian-1", operatorId: "op-west", cluster: "guian", accelerators: [{ model: "ascend-910b", count: 8 }] },
  { nodeId: "chaos-guian-2", operatorId: "op-west", cluster: "guian", accelerators: [{ model: "ascend-910b", count: 8 }] },
  { nodeId: "chaos-horinger-1", operatorId: "op-west", cluster: "horinger", accelerators: [{ model: "nvidia-h100-sxm", count: 8 }] },
];

/** Calls whichever broker leads: a standby names the leader; a dead one is skipped. */
class LeaderClient {
  private readonly clients = new Map<string, JobServiceClient>();
  private current: string;

  constructor(
    private readonly addresses: string[],
    private readonly tls: TlsSettings,
  ) {
    this.current = addresses[0]!;
  }

  private client(address: string): JobServiceClient {
    let c = this.clients.get(address);
    if (!c) this.clients.set(address, (c = jobClient(address, this.tls)));
    return c;
  }

  async call<T>(
    invoke: (c: JobServiceClient, cb: (err: grpc.ServiceError | null, res?: T) => void) => void,
    deadlineMs = 30_000,
  ): Promise<T> {
    const end = Date.now() + deadlineMs;
    for (let i = 0; ; i++) {
      try {
        return await unary<T>((cb) => invoke(this.client(this.current), cb));
      } catch (err) {
        const e = err as grpc.ServiceError;
        if (e.code !== grpc.status.UNAVAILABLE && e.code !== grpc.status.DEADLINE_EXCEEDED) throw err;
        if (Date.now() > end) throw err;
        const named = e.metadata?.get("x-tokengrid-leader")[0];
        this.current =
          typeof named === "string" && named !== ""
            ? named
            : this.addresses[(this.addresses.indexOf(this.current) + 1) % this.addresses.length]!;
        await sleep(Math.min(500, 50 * 2 ** Math.min(i, 4)));
      }
    }
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
  }
}

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const log = o.log ?? (() => {});
  const rand = seededRandom(o.seed);
  // The jobs draw from a generator of their own: the faults drawn do not move with the workload's timing.
  const jobRand = seededRandom(o.seed ^ 0x5bd1e995);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const namespace = `chaos_${o.seed}_${Date.now().toString(36)}`;
  const nats: OwnNats = await ownNats(`chaos-${o.seed}`);
  const postgres: OwnPostgres = await ownPostgres(`chaos-${o.seed}`);
  const databaseUrl = postgres.url("tokengrid");
  await ensureDatabase(databaseUrl);
  const workDir = join(tmpdir(), `tokengrid-${namespace}`);
  const brokers = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`];
  let stack: Stack | undefined;
  const faults: string[] = [];
  const accepted: string[] = [];
  /** Every job of the run (accepted, or found in the broker's list though its submit was not answered): its tenant's index. */
  const tenantOf = new Map<string, number>();
  const orphans: string[] = [];
  /** Each orphan once (pid and start time), though several checks may see it. */
  const reported = new Set<string>();
  const orphan = (x: JobProcess, when: string) => {
    const key = `${x.pid}:${x.startTicks}`;
    if (reported.has(key)) return;
    reported.add(key);
    orphans.push(`${describeProcess(x)}: ${when}`);
  };
  let agentRestartsChecked = 0;
  let processesAtAgentKill = 0;
  let result: ChaosResult | undefined;
  // Clients are made once the stack has made its CA there.
  const leader = new LeaderClient(brokers, { mode: "tls", caFile: join(workDir, "tls", "ca.pem") });
  try {
    stack = await startStack({
      namespace,
      natsUrl: nats.url,
      databaseUrl,
      brokerAddress: brokers[0]!,
      standbyBrokerAddresses: brokers.slice(1),
      settlementAddress: `127.0.0.1:${await freePort()}`,
      agents: AGENTS,
      timeScale: 1,
      usageIntervalMs: 200,
      nodeLostAfterMs: 1500,
      logLevel: "info",
      workDir,
      ...(o.linesFile ? { onLine: (l: LogLine) => appendFileSync(o.linesFile!, `${Date.now()} ${l.process} ${l.raw}\n`) } : {}),
      env: { NODE_LEASE_MS: "4000", BROKER_LEADER_LEASE_MS: "1500", HOLD_TTL_MS: "600000" },
    });
    const s = stack;
    const mds: grpc.Metadata[] = [];
    const accounts = accountClient(s.options.settlementAddress, s.tls);
    for (const tenant of TENANTS) {
      const md = keyMetadata(await s.apiKey("tenant", tenant));
      await unary((cb) => accounts.PurchasePackage({ requestId: `chaos-enterprise-${tenant}`, packageId: "enterprise-100b" }, md, cb));
      mds.push(md);
    }
    accounts.close();

    // Every process the faults may hit, by name.
    const processes = (): [string, ServiceProcess][] => [
      ...s.brokers.map((b, i): [string, ServiceProcess] => [`broker-${i + 1}`, b]),
      ["settlement", s.settlement],
      ...[...s.agents.entries()].map(([id, a]): [string, ServiceProcess] => [id, a]),
    ];
    const killed = new Set<ServiceProcess>();
    const ensureRunning = async () => {
      for (const [name, p] of processes())
        if (!p.running) {
          if (!killed.has(p))
            log(
              `  ${name} had died by itself; its last words: ${p.lines
                .slice(-3)
                .map((l) => l.raw)
                .join(" | ")}`,
            );
          killed.delete(p);
          log(`  starting ${name} again`);
          await p.start(60_000);
        }
    };
    /** An agent killed with -9 is back: what its earlier run left running must be gone (it ends its pid files' groups first). */
    const checkRecovered = async (nodeId: string, left: readonly JobProcess[]) => {
      agentRestartsChecked += 1;
      const ours = left.filter((x) => tenantOf.has(x.jobId));
      processesAtAgentKill += ours.length;
      // A SIGKILL takes a moment to land on a busy machine.
      let alive = await stillRunning(ours);
      for (let i = 0; i < 10 && alive.length > 0; i++) {
        await sleep(100);
        alive = await stillRunning(alive);
      }
      for (const x of alive) orphan(x, `still running after ${nodeId} was killed and came back`);
      log(`  ${nodeId} back: ${ours.length} processes of its earlier run were left at the kill, ${alive.length} still run`);
    };

    // The workload: a job every 600 ms or so, a few seconds of work each; some cancelled.
    let submitting = true;
    let internalErrors = 0;
    let processJobs = 0;
    let gangJobs = 0;
    let cancelledByWorkload = 0;
    const cancels: Promise<void>[] = [];
    let n = 0;
    const failed = (what: string, err: unknown) => {
      log(`  ${what}: ${(err as Error).message}`);
      // An internal error is a bug: say what the servers said.
      if ((err as grpc.ServiceError).code !== grpc.status.INTERNAL) return;
      internalErrors += 1;
      for (const p of [...s.brokers, s.settlement])
        for (const l of p.lines.filter((x) => x.json?.["msg"] === "request failed").slice(-2)) log(`    ${p.spec.name}: ${l.raw}`);
    };
    const cancelLater = (jobId: string, md: grpc.Metadata, afterMs: number) =>
      sleep(afterMs)
        .then(() => leader.call((c, cb) => c.CancelJob({ jobId, reason: "the chaos workload cancels it" }, md, cb)))
        .then(
          () => {
            cancelledByWorkload += 1;
          },
          (err: unknown) => {
            // It may have ended first.
            if ((err as grpc.ServiceError).code !== grpc.status.FAILED_PRECONDITION) failed(`cancel ${jobId} not done`, err);
          },
        );
    const workload = (async () => {
      while (submitting) {
        // Unique to the run: job ids (a hash of tenant and request id) never meet another run's processes.
        const requestId = `${namespace}-${n++}`;
        const tenant = Math.floor(jobRand() * TENANTS.length);
        const job = drawJob(jobRand);
        try {
          const res = await leader.call<SubmitJobResponse__Output>((c, cb) => c.SubmitJob({ requestId, spec: job.spec }, mds[tenant]!, cb));
          const jobId = res.job!.jobId;
          accepted.push(jobId);
          tenantOf.set(jobId, tenant);
          if (job.spec.command) processJobs += 1;
          if (job.variant === "gang") gangJobs += 1;
          if (job.cancelAfterMs !== undefined) cancels.push(cancelLater(jobId, mds[tenant]!, job.cancelAfterMs));
        } catch (err) {
          failed(`submit ${requestId} (${job.variant}) not accepted`, err);
        }
        await sleep(400 + jobRand() * 400);
      }
    })();

    // The faults: one at a time, each healed before the next.
    const start = Date.now();
    while (Date.now() - start < o.durationMs) {
      await sleep(1500 + rand() * 1500);
      const kind = pick(["kill", "kill", "freeze", "nats", "postgres"] as const);
      if (kind === "postgres") {
        const downMs = 500 + Math.floor(rand() * 2500);
        faults.push(`PostgreSQL killed for ${downMs} ms`);
        log(`fault: ${faults.at(-1)!}`);
        await postgres.kill();
        await sleep(downMs);
        await postgres.start();
      } else if (kind === "nats") {
        const downMs = 500 + Math.floor(rand() * 2000);
        faults.push(`NATS killed for ${downMs} ms`);
        log(`fault: ${faults.at(-1)!}`);
        await nats.kill();
        await sleep(downMs);
        await nats.start();
      } else {
        let [name, p] = pick(processes());
        if (kind === "kill" && s.agents.has(name)) {
          // Of the agents, the one running the most processes of jobs: what its restart must end is the point.
          const running = (await jobProcesses()).filter((x) => tenantOf.has(x.jobId));
          const [busiest, count] = [...s.agents.keys()]
            .map((id): [string, number] => [id, running.filter((x) => x.nodeId === id).length])
            .reduce((a, b) => (b[1] > a[1] ? b : a));
          if (count > 0) [name, p] = [busiest, s.agents.get(busiest)!];
        }
        if (!p.running) continue;
        if (kind === "kill") {
          faults.push(`kill -9 ${name}`);
          log(`fault: ${faults.at(-1)!}`);
          killed.add(p);
          await p.kill();
          // What a dead agent leaves: its jobs' leaders die with it (pdeathsig), what they started lives on.
          const left = s.agents.has(name) ? (await jobProcesses()).filter((x) => x.nodeId === name) : [];
          await sleep(300 + rand() * 1200);
          if (s.agents.has(name)) {
            await ensureRunning();
            await checkRecovered(name, left);
          }
        } else {
          const frozenMs = 1000 + Math.floor(rand() * 5000);
          faults.push(`SIGSTOP ${name} for ${frozenMs} ms`);
          log(`fault: ${faults.at(-1)!}`);
          p.signal("SIGSTOP");
          await sleep(frozenMs);
          p.signal("SIGCONT");
        }
      }
      await ensureRunning();
    }
    submitting = false;
    await workload;
    await Promise.all(cancels);
    await ensureRunning();
    // A submit whose answer was lost may still have landed (the leader takes it in as accepted): it is the run's too.
    for (const [t, md] of mds.entries()) {
      let pageToken = "";
      do {
        const page = await leader.call<ListJobsResponse__Output>((c, cb) => c.ListJobs({ pageSize: 500, pageToken }, md, cb));
        for (const j of page.jobs)
          if (!tenantOf.has(j.jobId)) {
            tenantOf.set(j.jobId, t);
            log(`  ${j.jobId} (${j.requestId}) was accepted though its submit was not answered`);
          }
        pageToken = page.nextPageToken;
      } while (pageToken !== "");
    }
    log(
      `workload done: ${accepted.length} jobs accepted (${processJobs} with a command, ${gangJobs} gangs), ${cancelledByWorkload} cancelled; waiting for them to end`,
    );

    // Every accepted job must end.
    const FINAL = new Set(["JOB_STATE_SUCCEEDED", "JOB_STATE_FAILED", "JOB_STATE_CANCELLED"]);
    const deadline = Date.now() + 180_000;
    let open = [...tenantOf.keys()];
    const lastSeen = new Map<string, string>();
    const ended = new Map<string, Job__Output>();
    while (open.length > 0 && Date.now() < deadline) {
      const still: string[] = [];
      for (const jobId of open) {
        const j = await leader
          .call<GetJobResponse__Output>((c, cb) => c.GetJob({ jobId }, mds[tenantOf.get(jobId)!]!, cb))
          .then((r) => r.job)
          .catch(() => undefined);
        if (j && FINAL.has(String(j.state))) ended.set(jobId, j);
        else {
          still.push(jobId);
          lastSeen.set(jobId, j ? `${String(j.state)} on ${j.nodeId || "-"}: ${j.message}` : "not found");
        }
      }
      open = still;
      if (open.length > 0) await sleep(1000);
    }

    // What the agents published (every distinct event in the stream) against what settlement wrote.
    const nc = await connectNats(nats.url, "chaos-check");
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const jsm = await jetStreamManager(nc, nats.url);
      const n2 = names(namespace);
      // Settled: settlement has acked everything the usage and job streams hold.
      const settleDeadline = Date.now() + 60_000;
      for (const [stream, consumerName] of [
        [n2.usageStream, n2.settlementUsageConsumer],
        [n2.jobsStream, n2.settlementJobsConsumer],
      ] as const)
        for (;;) {
          const info = await jsm.consumers.info(stream, consumerName).catch(() => undefined);
          if (info && info.num_pending === 0 && info.num_ack_pending === 0) break;
          if (Date.now() > settleDeadline) break;
          await sleep(500);
        }
      await jsm.consumers.add(n2.usageStream, { durable_name: "chaos-check", ack_policy: AckPolicy.None });
      const consumer = await jetstream(nc).consumers.get(n2.usageStream, "chaos-check");
      const metered = new Map<string, bigint>();
      const total = (await jsm.streams.info(n2.usageStream)).state.messages;
      let read = 0;
      while (read < total) {
        const iter = await consumer.fetch({ max_messages: Math.min(1000, total - read), expires: 2000 });
        let got = 0;
        for await (const m of iter) {
          got += 1;
          for (const e of usageBatchCodec().decode(m.data).events) metered.set(e.eventId, BigInt(e.amountMst));
        }
        if (got === 0) break;
        read += got;
      }
      const settledRows = await db.query<{ event_id: string; amount_mst: string }>("select event_id, amount_mst::text from usage_events");
      const settled = new Map<string, bigint>();
      let doubleCounted = 0;
      for (const r of settledRows.rows) {
        if (settled.has(r.event_id)) doubleCounted += 1;
        settled.set(r.event_id, BigInt(r.amount_mst));
      }
      // An event settled that no agent published would be invented; count it with the doubles.
      for (const id of settled.keys()) if (!metered.has(id)) doubleCounted += 1;
      const sum = (m: Map<string, bigint>) => [...m.values()].reduce((t, v) => t + v, 0n);
      const imbalance = await db.query<{ off: string }>(
        "select coalesce(sum(abs(d)), 0)::text as off from (select sum(debits_posted) - sum(credits_posted) + sum(debits_pending) - sum(credits_pending) as d from ledger_accounts group by ledger) x",
      );
      // Two attempts (or two nodes) of one replica whose usage periods overlap in time.
      const overlaps = await db.query<{ n: string }>(`
        with runs as (
          select job_id, split_part(split_part(event_id, '#', 2), '.', 1) as replica,
                 split_part(split_part(event_id, '#', 2), ':', 1) as run, node_id,
                 min(period_start) as s, max(period_end) as e
          from usage_events group by 1, 2, 3, 4
        )
        select a.job_id || ' ' || a.run || '@' || a.node_id || ' ' || to_char(a.s, 'HH24:MI:SS.MS') || '-' || to_char(a.e, 'HH24:MI:SS.MS')
               || ' overlaps ' || b.run || '@' || b.node_id || ' ' || to_char(b.s, 'HH24:MI:SS.MS') || '-' || to_char(b.e, 'HH24:MI:SS.MS') as n
        from runs a join runs b
          on a.job_id = b.job_id and a.replica = b.replica and (a.run, a.node_id) < (b.run, b.node_id)
         and a.s < b.e and b.s < a.e`);
      const held = await db.query<{ code: string; mst: string }>(
        "select code, sum(amount_mst)::text as mst from usage_quarantine group by code order by code",
      );
      const usageAfterEnd = BigInt(held.rows.find((r) => r.code === "after_end")?.mst ?? "0");
      const quarantinedOther = Object.fromEntries(held.rows.filter((r) => r.code !== "after_end").map((r) => [r.code, r.mst]));
      const usageMetered = sum(metered);
      const usageSettled = sum(settled);

      // Bills: settlement closes each as the job's final event and its last usage settle, in either order.
      const billDeadline = Date.now() + 30_000;
      let bills = await checkBills(db, ended, tenantOf);
      while (bills.mismatches.length > 0 && Date.now() < billDeadline) {
        await sleep(1000);
        bills = await checkBills(db, ended, tenantOf);
      }
      result = {
        seed: o.seed,
        faultsInjected: faults.length,
        faults,
        jobsAccepted: accepted.length,
        processJobs,
        gangJobs,
        cancelledByWorkload,
        jobsLost: open.length,
        usageMetered: usageMetered.toString(),
        usageSettled: usageSettled.toString(),
        usageAfterEnd: usageAfterEnd.toString(),
        quarantinedOther,
        doubleCounted,
        ledgerImbalance: imbalance.rows[0]!.off,
        concurrentDoubleRuns: overlaps.rows.length,
        agentRestartsChecked,
        processesAtAgentKill,
        orphanedProcesses: 0,
        bills: bills.perTenant,
        billMismatches: bills.mismatches.length,
        internalErrors,
        broken: [],
      };
      if (result.jobsLost > 0)
        result.broken.push(
          `${result.jobsLost} accepted jobs did not end: ${open
            .slice(0, 5)
            .map((id) => `${id} (${lastSeen.get(id)})`)
            .join(", ")}`,
        );
      if (usageMetered !== usageSettled + usageAfterEnd)
        result.broken.push(
          `usage metered ${usageMetered} mST, settled ${usageSettled} mST, after its placement's end ${usageAfterEnd} mST`,
        );
      if (Object.keys(quarantinedOther).length > 0) {
        // Why, in settlement's words (the node, the placement it claimed), for the first few.
        const why = await db.query<{ event_id: string; reason: string }>(
          "select event_id, reason from usage_quarantine where code <> 'after_end' order by quarantined_at limit 3",
        );
        result.broken.push(
          `usage quarantined: ${JSON.stringify(quarantinedOther)} (mST by code): ${why.rows.map((r) => `${r.event_id} ${r.reason}`).join("; ")}`,
        );
      }
      if (doubleCounted > 0) result.broken.push(`${doubleCounted} usage events counted twice or invented`);
      if (result.ledgerImbalance !== "0") result.broken.push(`ledgers off by ${result.ledgerImbalance}`);
      if (internalErrors > 0) result.broken.push(`${internalErrors} calls answered INTERNAL`);
      if (result.concurrentDoubleRuns > 0)
        result.broken.push(`${result.concurrentDoubleRuns} replicas ran twice at once: ${overlaps.rows.map((r) => r.n).join("; ")}`);
      for (const [tenant, b] of Object.entries(bills.perTenant))
        if (b.keptMst !== b.chargedMst)
          result.broken.push(`${tenant} was charged ${b.chargedMst} mST for ${b.jobs} ended jobs whose records kept ${b.keptMst} mST`);
      if (bills.mismatches.length > 0)
        result.broken.push(
          `${bills.mismatches.length} bills off their records: ${bills.mismatches.slice(0, 5).join("; ")}${bills.mismatches.length > 5 ? "; ..." : ""}`,
        );
    } finally {
      await db.end();
      await nc.close();
    }
    // Stopped as the stack stops when done (SIGTERM: agents end their jobs' groups and drain), no process of the run's
    // jobs may be left.
    await stack.stop();
    let left = (await jobProcesses()).filter((x) => tenantOf.has(x.jobId));
    for (let i = 0; i < 10 && left.length > 0; i++) {
      await sleep(100);
      left = await stillRunning(left);
    }
    for (const x of left) {
      orphan(x, "still running after the stack stopped");
      // Not left on the machine: the runner started it.
      try {
        process.kill(x.pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    result.orphanedProcesses = orphans.length;
    if (orphans.length > 0)
      result.broken.push(
        `${orphans.length} processes of jobs outlived their runs: ${orphans.slice(0, 5).join("; ")}${orphans.length > 5 ? "; ..." : ""}`,
      );
    return result;
  } finally {
    leader.close();
    await stack?.stop().catch(() => {});
    await nats.cleanup();
    await postgres.cleanup();
    await rm(workDir, { recursive: true, force: true });
    // The agents' job directories (the stack puts them under the temporary directory, where the job user reaches them).
    await rm(join(tmpdir(), `tokengrid-jobs-${namespace}`), { recursive: true, force: true });
  }
}

/**
 * Each ended job's bill against its record: what the ledger charged its
 * tenant for it (captures and usage from its lots and overdraft, less what
 * the platform loss account gave back to them, per hold = job id) must be the
 * work the broker's record kept (GetJob's done_mst, never above the size),
 * which is also what settlement closed its bill at (the final event's
 * kept_mst); and no tenant is charged for a job that is not an ended one of its own.
 */
async function checkBills(
  db: pg.Client,
  ended: ReadonlyMap<string, Job__Output>,
  tenantOf: ReadonlyMap<string, number>,
): Promise<{ perTenant: ChaosResult["bills"]; mismatches: string[] }> {
  const charged = await db.query<{ job_id: string; tenant_id: string; mst: string }>(`
    select t.hold_id as job_id, a.owner as tenant_id,
           (coalesce(sum(t.amount) filter (where t.kind in ('capture', 'usage', 'overdraft') and t.debit_account_id = a.id), 0)
            - coalesce(sum(t.amount) filter (where t.kind = 'loss_return' and t.credit_account_id = a.id), 0))::text as mst
    from ledger_transfers t join ledger_accounts a on a.id = t.debit_account_id or a.id = t.credit_account_id
    where t.ledger = 'ST' and t.status = 'posted' and t.hold_id is not null
      and t.kind in ('capture', 'usage', 'overdraft', 'loss_return') and a.kind in ('lot', 'overdraft')
    group by 1, 2`);
  const closed = new Map(
    (await db.query<{ job_id: string; kept_mst: string }>("select job_id, kept_mst::text from job_bills")).rows.map((r) => [
      r.job_id,
      BigInt(r.kept_mst),
    ]),
  );
  const chargedTo = new Map(charged.rows.map((r) => [`${r.job_id} ${r.tenant_id}`, BigInt(r.mst)]));
  const totals = new Map(TENANTS.map((t) => [t, { jobs: 0, keptMst: 0n, chargedMst: 0n }]));
  const mismatches: string[] = [];
  for (const [jobId, j] of ended) {
    const tenant = TENANTS[tenantOf.get(jobId)!]!;
    const size = BigInt(j.sizeMst);
    const kept = BigInt(j.doneMst) < size ? BigInt(j.doneMst) : size;
    const got = chargedTo.get(`${jobId} ${tenant}`) ?? 0n;
    const t = totals.get(tenant)!;
    t.jobs += 1;
    t.keptMst += kept;
    t.chargedMst += got;
    const what = `${jobId} (${String(j.state).replace("JOB_STATE_", "").toLowerCase()})`;
    if (BigInt(j.doneMst) > size) mismatches.push(`${what}: its record kept ${j.doneMst} mST, above its size ${size}`);
    if (got > size) mismatches.push(`${what}: charged ${got} mST, above its size ${size}`);
    else if (got !== kept) mismatches.push(`${what}: charged ${got} mST, its record kept ${kept}`);
    const bill = closed.get(jobId);
    if (bill === undefined) mismatches.push(`${what}: settlement closed no bill for it`);
    else if (bill !== kept) mismatches.push(`${what}: its final event kept ${bill} mST, GetJob ${kept}`);
  }
  for (const r of charged.rows) {
    const owner = tenantOf.get(r.job_id);
    if (BigInt(r.mst) !== 0n && !(owner !== undefined && TENANTS[owner] === r.tenant_id && ended.has(r.job_id)))
      mismatches.push(`${r.tenant_id} charged ${r.mst} mST for ${r.job_id}, no ended job of its own`);
  }
  const perTenant = Object.fromEntries(
    [...totals].map(([t, v]) => [t, { jobs: v.jobs, keptMst: v.keptMst.toString(), chargedMst: v.chargedMst.toString() }]),
  );
  return { perTenant, mismatches };
}
