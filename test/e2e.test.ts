/**
 * The whole loop on real processes, NATS JetStream and PostgreSQL: settlement,
 * a broker, one west and one east agent, in a fresh namespace and database.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  usageBatchCodec,
  toTimestamp,
  type JobServiceClient,
  type SubmitJobResponse__Output,
  type GetJobResponse__Output,
  type ListJobsResponse__Output,
  type CancelJobResponse__Output,
  type ListNodesResponse__Output,
  type QuoteResponse__Output,
  type ListPackagesResponse__Output,
  type PurchasePackageResponse__Output,
  type GetBalanceResponse__Output,
  type GetStatementResponse__Output,
} from "@tokengrid/contracts";
import { connectNats, headers, jetstream, names } from "@tokengrid/events";
import { REPO_ROOT, startStack, type Stack } from "@tokengrid/stack";
import { eventually, freePort, testEnv, type TestEnv } from "@tokengrid/stack/testing";
import { accountClient, failure, jobClient, keyMetadata, nodeClient, publishPlacement, unary, watchToEnd } from "./helpers.js";

const WEST = {
  nodeId: "e2e-horinger-01",
  operatorId: "op-west",
  cluster: "horinger",
  accelerators: [{ model: "nvidia-h100-sxm", count: 8 }],
};
const EAST = {
  nodeId: "e2e-yrd-01",
  operatorId: "op-east",
  cluster: "yangtze-delta",
  accelerators: [{ model: "nvidia-h100-sxm", count: 8 }],
};
const SOUTH = {
  nodeId: "e2e-shaoguan-01",
  operatorId: "op-south",
  cluster: "shaoguan",
  accelerators: [{ model: "ascend-910b", count: 8 }],
};
const TENANT = "e2e-tenant";

let env: TestEnv;
let stack: Stack;
/** The CLI runs as a tenant would: over TLS, trusting the stack's CA. */
const cliEnv = (key = tenantKey) => ({ ...process.env, TLS_CA_FILE: stack.tls.caFile, TOKENGRID_API_KEY: key });
let tenantKey: string;
let adminKey: string;
let jobs: JobServiceClient;
let db: pg.Client;
let md: grpc.Metadata;
let admin: grpc.Metadata;
const accepted: string[] = [];

function submit(requestId: string, spec: Record<string, unknown>): Promise<SubmitJobResponse__Output> {
  return unary<SubmitJobResponse__Output>((cb) => jobs.SubmitJob({ requestId, spec }, md, cb));
}

async function listAll(): Promise<string[]> {
  const res = await unary<ListJobsResponse__Output>((cb) => jobs.ListJobs({ pageSize: 500 }, md, cb));
  return res.jobs.map((j) => j.jobId);
}

async function settledMst(jobId: string): Promise<bigint> {
  const r = await db.query<{ total: string }>("select coalesce(sum(amount_mst), 0)::text as total from usage_events where job_id = $1", [
    jobId,
  ]);
  return BigInt(r.rows[0]!.total);
}

/** Usage for time after its placement ended (a run's last chunk, after a cancel or a preemption): metered, not paid. */
async function quarantinedAfterEnd(jobId: string): Promise<bigint> {
  const r = await db.query<{ total: string }>(
    "select coalesce(sum(amount_mst), 0)::text as total from usage_quarantine where job_id = $1 and code = 'after_end'",
    [jobId],
  );
  return BigInt(r.rows[0]!.total);
}

function meteredByAgents(jobId: string): bigint {
  let total = 0n;
  for (const agent of stack.agents.values()) {
    for (const l of agent.lines) {
      if (l.json?.["msg"] === "job finished" && l.json["jobId"] === jobId) total += BigInt(String(l.json["meteredMst"]));
    }
  }
  return total;
}

beforeAll(async () => {
  env = await testEnv("e2e");
  stack = await startStack({
    namespace: env.namespace,
    natsUrl: env.natsUrl,
    databaseUrl: env.databaseUrl,
    brokerAddress: `127.0.0.1:${await freePort()}`,
    settlementAddress: `127.0.0.1:${await freePort()}`,
    agents: [WEST, EAST, SOUTH],
    timeScale: 1,
    usageIntervalMs: 200,
    logLevel: "info",
    // Short holds and frequent sweeps, so a hold's expiry can be seen in a test.
    env: { HOLD_TTL_MS: "3000", LEDGER_SWEEP_INTERVAL_MS: "500" },
  });
  jobs = jobClient(stack.options.brokerAddress, stack.tls);
  tenantKey = await stack.apiKey("tenant", TENANT);
  adminKey = await stack.apiKey("admin", "");
  md = keyMetadata(tenantKey);
  admin = keyMetadata(adminKey);
  db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
  // Jobs draw on the tenant's tokens.
  const accounts = accountClient(stack.options.settlementAddress, stack.tls);
  await unary((cb) => accounts.PurchasePackage({ requestId: "e2e-enterprise", packageId: "enterprise-100b" }, md, cb));
  accounts.close();
});

afterAll(async () => {
  jobs?.close();
  await db?.end();
  await stack?.stop();
  await env?.cleanup();
});

describe("the whole loop", () => {
  let inference: SubmitJobResponse__Output;
  let training: SubmitJobResponse__Output;

  it("places inference near its users in the east and training on cheap power in the west, and both succeed", async () => {
    // ~1.3 s on one H100 at inference speed; ~1.9 s on eight at training speed.
    inference = await submit("e2e-inference-1", {
      kind: "JOB_KIND_INFERENCE",
      sizeSt: "20000",
      devices: 1,
      origin: "shanghai",
      maxLatencyMs: 30,
    });
    training = await submit("e2e-training-1", { kind: "JOB_KIND_TRAINING", sizeSt: "300000", devices: 8 });
    expect(inference.created).toBe(true);
    accepted.push(inference.job!.jobId, training.job!.jobId);

    const [inf, tr] = await Promise.all([watchToEnd(jobs, md, inference.job!.jobId), watchToEnd(jobs, md, training.job!.jobId)]);

    expect(inf.job.nodeId).toBe(EAST.nodeId);
    expect(inf.job.region).toBe("east");
    expect(tr.job.nodeId).toBe(WEST.nodeId);
    expect(tr.job.region).toBe("west");
    const states = (t: typeof inf) => t.transitions.map((x) => x.state);
    expect(states(inf)).toEqual(["JOB_STATE_PENDING", "JOB_STATE_SCHEDULED", "JOB_STATE_RUNNING", "JOB_STATE_SUCCEEDED"]);
    expect(states(tr)).toEqual(["JOB_STATE_PENDING", "JOB_STATE_SCHEDULED", "JOB_STATE_RUNNING", "JOB_STATE_SUCCEEDED"]);
    expect(inf.job.doneMst).toBe(inf.job.sizeMst);
  });

  it("quotes with the CLI: west first for night training, only clusters within the bound for inference", async () => {
    const cli = (...args: string[]) => {
      const r = spawnSync(
        process.execPath,
        [join(REPO_ROOT, "packages/cli/dist/main.js"), "--json", "--tenant", TENANT, "--broker", stack.options.brokerAddress, ...args],
        {
          encoding: "utf8",
          env: cliEnv(),
        },
      );
      expect(r.status, r.stderr + r.stdout).toBe(0);
      return JSON.parse(r.stdout) as QuoteResponse__Output;
    };
    const training = cli("quote", "--kind", "training", "--model-params", "7e9", "--tokens", "1e9", "--devices", "8", "--start", "02:00");
    expect(training.sizeMst).toBe("2100000000000");
    expect(training.options[0]!.region).toBe("west");
    expect(training.options.map((o) => o.nodeId)).toEqual([WEST.nodeId, EAST.nodeId, SOUTH.nodeId]);
    const inference = cli(
      "quote",
      "--kind",
      "inference",
      "--model-params",
      "7e9",
      "--tokens",
      "1e6",
      "--origin",
      "guangzhou",
      "--max-latency-ms",
      "20",
    );
    expect(inference.options.map((o) => o.cluster)).toEqual(["shaoguan"]);
    expect(inference.options[0]!.latencyMs).toBeLessThanOrEqual(20);
    expect(inference.exclusions.map((e) => e.cluster).sort()).toEqual(["horinger", "yangtze-delta"]);
    const bad = spawnSync(
      process.execPath,
      [
        join(REPO_ROOT, "packages/cli/dist/main.js"),
        "--broker",
        stack.options.brokerAddress,
        "quote",
        "--kind",
        "training",
        "--size-st",
        "-1",
      ],
      {
        encoding: "utf8",
        env: cliEnv(),
      },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("INVALID_ARGUMENT: spec.size_st");
  });

  it("a retried SubmitJob with the same request id returns the same job", async () => {
    const again = await submit("e2e-inference-1", {
      kind: "JOB_KIND_INFERENCE",
      sizeSt: "20000",
      devices: 1,
      origin: "shanghai",
      maxLatencyMs: 30,
    });
    expect(again.created).toBe(false);
    expect(again.job!.jobId).toBe(inference.job!.jobId);
    const changed = await failure(submit("e2e-inference-1", { kind: "JOB_KIND_INFERENCE", sizeSt: "999", devices: 1 }));
    expect(changed.code).toBe(grpc.status.ALREADY_EXISTS);
    expect(changed.details).toContain("request_id");
  });

  it("settles in PostgreSQL exactly the usage the agents metered", async () => {
    for (const job of [inference.job!, training.job!]) {
      const metered = meteredByAgents(job.jobId);
      expect(metered).toBe(BigInt(job.sizeMst));
      await eventually(`usage of ${job.jobId} settled`, async () => ((await settledMst(job.jobId)) === metered ? true : undefined));
    }
    // Job lifecycle reached the database too.
    await eventually("job rows", async () => {
      const r = await db.query<{ state: string }>("select state from jobs where job_id = any($1)", [
        [inference.job!.jobId, training.job!.jobId],
      ]);
      return r.rows.length === 2 && r.rows.every((x) => x.state === "SUCCEEDED") ? true : undefined;
    });
  });

  it("counts a usage event published twice only once", async () => {
    const nc = await connectNats(env.natsUrl, "e2e-duplicate");
    try {
      const js = jetstream(nc);
      const n = names(env.namespace);
      const t = Date.now() - 10_000;
      const event = (seq: number, amountMst: string) =>
        usageBatchCodec().encode({
          events: [
            {
              eventId: `e2e-dup-job#0.1:${EAST.nodeId}:${seq}`,
              jobId: "e2e-dup-job",
              tenantId: TENANT,
              nodeId: EAST.nodeId,
              operatorId: EAST.operatorId,
              cluster: EAST.cluster,
              deviceModel: "nvidia-h100-sxm",
              deviceCount: 1,
              amountMst,
              seq,
              periodStartTime: toTimestamp(t + seq * 1000),
              periodEndTime: toTimestamp(t + (seq + 1) * 1000),
              // Not a run's last event: that one would wait for its placement's end, which this test never publishes.
              final: false,
              attempt: 1,
            },
          ],
        });
      const subject = n.usageSubject(EAST.nodeId);
      await publishPlacement(js, env.namespace, TENANT, "e2e-dup-job", EAST.nodeId);
      const first = await js.publish(subject, event(1, "777"), { msgID: "dup-1" });
      // Same Nats-Msg-Id: JetStream drops it.
      const second = await js.publish(subject, event(1, "777"), { msgID: "dup-1" });
      expect(first.duplicate).toBe(false);
      expect(second.duplicate).toBe(true);
      // Past JetStream's window (another message id), the database drops it on the event id.
      const h = headers();
      await js.publish(subject, event(1, "777"), { msgID: "dup-1-redelivered", headers: h });
      await js.publish(subject, event(2, "1"), { msgID: "dup-marker" });
    } finally {
      await nc.close();
    }
    await eventually("marker settled", async () => ((await settledMst("e2e-dup-job")) >= 778n ? true : undefined));
    const rows = await db.query<{ n: string; total: string }>(
      "select count(*)::text as n, sum(amount_mst)::text as total from usage_events where event_id = $1",
      [`e2e-dup-job#0.1:${EAST.nodeId}:1`],
    );
    expect(rows.rows[0]).toEqual({ n: "1", total: "777" });
    expect(await settledMst("e2e-dup-job")).toBe(778n);
  });

  it("refuses bad requests with INVALID_ARGUMENT naming the field, and changes nothing", async () => {
    const before = await listAll();
    const cases: [string, Record<string, unknown> | undefined, string][] = [
      ["bad-missing-spec", undefined, "spec"],
      ["bad-missing-kind", { sizeSt: "10" }, "spec.kind"],
      ["bad-unknown-enum", { kind: 99, sizeSt: "10" }, "spec.kind"],
      ["bad-negative-size", { kind: "JOB_KIND_TRAINING", sizeSt: "-5" }, "spec.size_st"],
      ["bad-negative-tokens", { kind: "JOB_KIND_TRAINING", modelParams: "7000000000", tokens: "-1" }, "spec.tokens"],
      ["bad-missing-size", { kind: "JOB_KIND_BATCH" }, "spec.size_st"],
      ["bad-origin", { kind: "JOB_KIND_INFERENCE", sizeSt: "10", origin: "atlantis", maxLatencyMs: 20 }, "spec.origin"],
      ["", { kind: "JOB_KIND_BATCH", sizeSt: "10" }, "request_id"],
    ];
    for (const [requestId, spec, field] of cases) {
      const err = await failure(unary((cb) => jobs.SubmitJob(spec === undefined ? { requestId } : { requestId, spec }, md, cb)));
      expect(err.code, `${requestId}: ${err.details}`).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.details.startsWith(`${field}:`), `${requestId}: ${err.details}`).toBe(true);
    }
    const noTenant = await failure(
      unary((cb) => jobs.SubmitJob({ requestId: "x", spec: { kind: "JOB_KIND_BATCH", sizeSt: "1" } }, new grpc.Metadata(), cb)),
    );
    expect(noTenant.code).toBe(grpc.status.UNAUTHENTICATED);
    const badGet = await failure(unary((cb) => jobs.GetJob({ jobId: "" }, md, cb)));
    expect(badGet.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(badGet.details).toMatch(/^job_id:/);
    // Another tenant's job, and a job that does not exist, are not found; WatchJob says so too.
    const stranger = keyMetadata(await stack.apiKey("tenant", "someone-else"));
    const theirs = await failure(unary((cb) => jobs.GetJob({ jobId: before[0]! }, stranger, cb)));
    expect(theirs.code).toBe(grpc.status.NOT_FOUND);
    const watched = await failure(watchToEnd(jobs, md, "j-does-not-exist"));
    expect(watched.code).toBe(grpc.status.NOT_FOUND);
    const cancelDone = await failure(unary((cb) => jobs.CancelJob({ jobId: before[0]! }, md, cb)));
    expect(cancelDone.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(await listAll()).toEqual(before);
    // Nothing about them reached the database either (but the placement the duplicate-usage test published for its job).
    const r = await db.query("select 1 from job_events where job_id <> all($1) and job_id <> 'e2e-dup-job'", [before]);
    expect(r.rowCount).toBe(0);
  });

  it("cancels a running job and settles exactly the work done before it stopped", async () => {
    const long = await submit("e2e-long", { kind: "JOB_KIND_TRAINING", sizeSt: "100000000", devices: 1 });
    const jobId = long.job!.jobId;
    await eventually("the job running", async () => {
      const r = await unary<GetJobResponse__Output>((cb) => jobs.GetJob({ jobId }, md, cb));
      return r.job!.state === "JOB_STATE_RUNNING" && BigInt(r.job!.doneMst) > 0n ? true : undefined;
    });
    const cancelled = await unary<CancelJobResponse__Output>((cb) => jobs.CancelJob({ jobId, reason: "changed my mind" }, md, cb));
    expect(cancelled.job!.state).toBe("JOB_STATE_CANCELLED");
    expect(cancelled.job!.message).toContain("changed my mind");
    const metered = await eventually("the agent's last word on the job", () => {
      const m = meteredByAgents(jobId);
      return m > 0n ? m : undefined;
    });
    expect(metered).toBeLessThan(BigInt(long.job!.sizeMst));
    // What it metered is paid or, for time after the cancel (its last chunk), quarantined: never lost, never paid twice.
    await eventually("partial usage settled", async () =>
      (await settledMst(jobId)) + (await quarantinedAfterEnd(jobId)) === metered ? true : undefined,
    );
  });

  it("runs a gang's replicas together and settles every replica's usage", async () => {
    const gang = await submit("e2e-gang", {
      kind: "JOB_KIND_TRAINING",
      sizeSt: "200000",
      devices: 4,
      replicas: 2,
      allowedClusters: ["horinger"],
    });
    const done = await watchToEnd(jobs, md, gang.job!.jobId);
    expect(done.job.state).toBe("JOB_STATE_SUCCEEDED");
    expect(done.job.nodeIds).toEqual([WEST.nodeId]);
    expect(meteredByAgents(gang.job!.jobId)).toBe(200_000_000n);
    await eventually("gang usage settled", async () => ((await settledMst(gang.job!.jobId)) === 200_000_000n ? true : undefined));
    const replicas = await db.query<{ replica: number }>("select distinct replica from usage_events where job_id = $1 order by replica", [
      gang.job!.jobId,
    ]);
    expect(replicas.rows.map((r) => r.replica)).toEqual([0, 1]);
  });

  it("explains where a job went and why, and why a pending job waits", async () => {
    const cli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [join(REPO_ROOT, "packages/cli/dist/main.js"), "--tenant", TENANT, "--broker", stack.options.brokerAddress, ...args],
        { encoding: "utf8", env: cliEnv() },
      );
    const placed = await unary<GetJobResponse__Output>((cb) => jobs.GetJob({ jobId: training.job!.jobId }, md, cb));
    expect(placed.job!.receipt!.chosen!.cluster).toBe("horinger");
    expect(placed.job!.receipt!.summary).toContain("placed on e2e-horinger-01");
    const text = cli("explain", training.job!.jobId);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain("chosen");
    expect(text.stdout).toContain("horinger nvidia-h100-sxm");

    const stuck = await submit("e2e-stuck", { kind: "JOB_KIND_INFERENCE", sizeSt: "10", origin: "guangzhou", maxLatencyMs: 2 });
    const why = await eventually("a pending reason", async () => {
      const r = await unary<GetJobResponse__Output>((cb) => jobs.GetJob({ jobId: stuck.job!.jobId }, md, cb));
      return r.job!.receipt ? r.job! : undefined;
    });
    expect(why.state).toBe("JOB_STATE_PENDING");
    expect(why.message).toMatch(/Latency: .* over the 2 ms bound/);
    expect(why.receipt!.filters.map((f) => f.plugin)).toContain("Latency");
    const explained = cli("explain", stuck.job!.jobId);
    expect(explained.stdout).toContain("filtered out:");
    expect(explained.stdout).toContain("Latency");
    await unary((cb) => jobs.CancelJob({ jobId: stuck.job!.jobId, reason: "cannot be met" }, md, cb));
  });

  it("an east inference job preempts low-priority batch work only when nothing else meets its bound", async () => {
    const batch = await submit("e2e-batch-east", {
      kind: "JOB_KIND_BATCH",
      sizeSt: "1000000000",
      devices: 8,
      allowedClusters: ["yangtze-delta"],
    });
    await eventually("the batch job running", async () => {
      const r = await unary<GetJobResponse__Output>((cb) => jobs.GetJob({ jobId: batch.job!.jobId }, md, cb));
      return r.job!.state === "JOB_STATE_RUNNING" ? true : undefined;
    });
    // Within 40 ms the west node has room: no preemption.
    const relaxed = await submit("e2e-infer-relaxed", { kind: "JOB_KIND_INFERENCE", sizeSt: "2000", origin: "shanghai", maxLatencyMs: 40 });
    const r1 = await watchToEnd(jobs, md, relaxed.job!.jobId);
    expect(r1.job.state).toBe("JOB_STATE_SUCCEEDED");
    expect(r1.job.receipt!.preemptedJobIds).toEqual([]);
    // Within 10 ms only the east node will do, and it is full of preemptible work.
    const urgent = await submit("e2e-infer-urgent", { kind: "JOB_KIND_INFERENCE", sizeSt: "2000", origin: "shanghai", maxLatencyMs: 10 });
    const r2 = await watchToEnd(jobs, md, urgent.job!.jobId);
    expect(r2.job.state).toBe("JOB_STATE_SUCCEEDED");
    expect(r2.job.nodeIds).toEqual([EAST.nodeId]);
    expect(r2.job.receipt!.preemptedJobIds).toEqual([batch.job!.jobId]);
    const victim = await unary<GetJobResponse__Output>((cb) => jobs.GetJob({ jobId: batch.job!.jobId }, md, cb));
    expect(
      victim.job!.transitions.some(
        (t) => t.state === "JOB_STATE_PENDING" && t.message.includes(`preempted by higher-priority job ${urgent.job!.jobId}`),
      ),
    ).toBe(true);
    await unary((cb) => jobs.CancelJob({ jobId: batch.job!.jobId }, md, cb));
    // The victim's usage, from its first run and from any rerun, is settled to the unit.
    await eventually("the victim's usage settled", async () => {
      const metered = meteredByAgents(batch.job!.jobId);
      const settled = (await settledMst(batch.job!.jobId)) + (await quarantinedAfterEnd(batch.job!.jobId));
      return metered > 0n && settled === metered ? true : undefined;
    });
  });

  it("sells token packages: a purchase adds a lot once, and the balance shows it", async () => {
    const accounts = accountClient(stack.options.settlementAddress, stack.tls);
    const md = keyMetadata(await stack.apiKey("tenant", "e2e-shopper"));
    try {
      const list = await unary<ListPackagesResponse__Output>((cb) => accounts.ListPackages({}, md, cb));
      expect(list.packages.map((p) => p.packageId)).toContain("starter-10m");
      const buy = () =>
        unary<PurchasePackageResponse__Output>((cb) =>
          accounts.PurchasePackage({ requestId: "e2e-buy-1", packageId: "starter-10m" }, md, cb),
        );
      const first = await buy();
      const again = await buy();
      expect([first.created, again.created]).toEqual([true, false]);
      expect(again.lot!.lotId).toBe(first.lot!.lotId);
      const bal = await unary<GetBalanceResponse__Output>((cb) => accounts.GetBalance({}, md, cb));
      expect(bal.availableMst).toBe("10000000000");
      expect(bal.lots).toHaveLength(1);
      const missing = await failure(unary((cb) => accounts.PurchasePackage({ requestId: "e2e-buy-2", packageId: "gold-bars" }, md, cb)));
      expect(missing.code).toBe(grpc.status.NOT_FOUND);
      const noId = await failure(unary((cb) => accounts.PurchasePackage({ requestId: "", packageId: "starter-10m" }, md, cb)));
      expect(noId.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(noId.details).toMatch(/^request_id:/);
      const other = await failure(unary((cb) => accounts.PurchasePackage({ requestId: "e2e-buy-1", packageId: "standard-1b" }, md, cb)));
      expect(other.code).toBe(grpc.status.ALREADY_EXISTS);
      const cli = spawnSync(
        process.execPath,
        [
          join(REPO_ROOT, "packages/cli/dist/main.js"),
          // An admin acting for the tenant.
          "--tenant",
          "e2e-shopper",
          "--settlement",
          stack.options.settlementAddress,
          "balance",
        ],
        { encoding: "utf8", env: cliEnv(adminKey) },
      );
      expect(cli.status, cli.stderr).toBe(0);
      expect(cli.stdout).toContain("available 10.0 million ST");
    } finally {
      accounts.close();
    }
  });

  it("refuses a job its tenant cannot pay for, with the shortfall, and accepts nothing", async () => {
    const poor = keyMetadata(await stack.apiKey("tenant", "e2e-poor"));
    const err = await failure(
      unary((cb) => jobs.SubmitJob({ requestId: "poor-1", spec: { kind: "JOB_KIND_BATCH", sizeSt: "1000" } }, poor, cb)),
    );
    expect(err.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(err.details).toContain("short by 1000000 mST");
    const list = await unary<ListJobsResponse__Output>((cb) => jobs.ListJobs({}, poor, cb));
    expect(list.jobs).toEqual([]);
  });

  it("holds a job's tokens while it runs and gives back the rest when it ends", async () => {
    const accounts = accountClient(stack.options.settlementAddress, stack.tls);
    const md2 = keyMetadata(await stack.apiKey("tenant", "e2e-holder"));
    try {
      await unary((cb) => accounts.PurchasePackage({ requestId: "holder-1", packageId: "starter-10m" }, md2, cb));
      const sub = await unary<SubmitJobResponse__Output>((cb) =>
        jobs.SubmitJob({ requestId: "holder-job", spec: { kind: "JOB_KIND_TRAINING", sizeSt: "40000", devices: 1 } }, md2, cb),
      );
      const held = await unary<GetBalanceResponse__Output>((cb) => accounts.GetBalance({}, md2, cb));
      expect(BigInt(held.heldMst)).toBe(40_000_000n);
      expect(BigInt(held.availableMst)).toBe(10_000_000_000n - 40_000_000n);
      const done = await watchToEnd(jobs, md2, sub.job!.jobId);
      expect(done.job.state).toBe("JOB_STATE_SUCCEEDED");
      // Everything used is captured; nothing stays held.
      await eventually("the hold settled", async () => {
        const b = await unary<GetBalanceResponse__Output>((cb) => accounts.GetBalance({}, md2, cb));
        return b.heldMst === "0" && BigInt(b.availableMst) === 10_000_000_000n - 40_000_000n ? true : undefined;
      });
      const ledger = await db.query<{ ledger: string; posted: string; pending: string }>(
        "select ledger, (sum(debits_posted) - sum(credits_posted))::text as posted, (sum(debits_pending) - sum(credits_pending))::text as pending from ledger_accounts group by ledger",
      );
      for (const row of ledger.rows) expect(row, row.ledger).toMatchObject({ posted: "0", pending: "0" });
    } finally {
      accounts.close();
    }
  });

  it("stops a running job whose tokens run out, and says why", async () => {
    const accounts = accountClient(stack.options.settlementAddress, stack.tls);
    const md3 = keyMetadata(await stack.apiKey("tenant", "e2e-spender"));
    try {
      await unary((cb) => accounts.PurchasePackage({ requestId: "spender-1", packageId: "starter-10m" }, md3, cb));
      // A long job holds 8 million ST; its hold expires after HOLD_TTL_MS (3 s here) ...
      const a = await unary<SubmitJobResponse__Output>((cb) =>
        jobs.SubmitJob({ requestId: "spender-a", spec: { kind: "JOB_KIND_TRAINING", sizeSt: "8000000", devices: 1 } }, md3, cb),
      );
      await eventually("the first job's hold expired", async () => {
        const b = await unary<GetBalanceResponse__Output>((cb) => accounts.GetBalance({}, md3, cb));
        return b.heldMst === "0" ? b : undefined;
      });
      // ... and a second job holds all but about a second of the first one's usage, so that usage soon cannot be paid.
      // (The first job's usage goes on being captured meanwhile: the balance read below is already a little old.)
      const left = await unary<GetBalanceResponse__Output>((cb) => accounts.GetBalance({}, md3, cb));
      const b = await unary<SubmitJobResponse__Output>((cb) =>
        jobs.SubmitJob(
          {
            requestId: "spender-b",
            spec: { kind: "JOB_KIND_BATCH", sizeSt: String(BigInt(left.availableMst) / 1000n - 50_000n), devices: 1 },
          },
          md3,
          cb,
        ),
      );
      const stopped = await watchToEnd(jobs, md3, a.job!.jobId);
      expect(stopped.job.state).toBe("JOB_STATE_FAILED");
      expect(stopped.job.message).toMatch(/tokens ran out/);
      await unary((cb) => jobs.CancelJob({ jobId: b.job!.jobId }, md3, cb));
    } finally {
      accounts.close();
    }
  });

  it("pays operators for the tokens their nodes delivered, and keeps the platform's margin in its own account", async () => {
    const rows = await db.query<{ id: string; balance: string }>(
      "select id, (credits_posted - debits_posted)::text as balance from ledger_accounts where kind in ('operator_earnings', 'margin') order by id",
    );
    const byId = Object.fromEntries(rows.rows.map((r) => [r.id, BigInt(r.balance)]));
    expect(byId["cny:operator:op-west"]).toBeGreaterThan(0n);
    expect(byId["cny:operator:op-east"]).toBeGreaterThan(0n);
    const earned = rows.rows.filter((r) => r.id.startsWith("cny:operator:")).reduce((t, r) => t + BigInt(r.balance), 0n);
    // A 15 % margin, to the micro-yuan.
    const margin = Number(byId["cny:margin"]);
    expect(Math.abs(margin - Number(earned) * 0.15)).toBeLessThan(Number(earned) * 0.0001 + 10);
    // What is paid is the accrual's whole micro-yuan: nothing rounded away, nothing paid twice.
    const acc = await db.query<{ ok: boolean }>(
      "select bool_and(paid_micro_yuan = floor(accrued_nano_yuan / 1000)) as ok from earnings_accruals",
    );
    expect(acc.rows[0]!.ok).toBe(true);
    const ledgers = await db.query<{ ledger: string; posted: string }>(
      "select ledger, (sum(debits_posted) - sum(credits_posted))::text as posted from ledger_accounts group by ledger",
    );
    for (const l of ledgers.rows) expect(l.posted, l.ledger).toBe("0");
  });

  it("gives tenants and operators their statements per day and month", async () => {
    const accounts = accountClient(stack.options.settlementAddress, stack.tls);
    try {
      const tenant = await unary<GetStatementResponse__Output>((cb) => accounts.GetStatement({ period: "STATEMENT_PERIOD_DAY" }, md, cb));
      // Summed over the lines, so that a run across midnight (CST) reads the same.
      const sum = (f: (l: (typeof tenant.lines)[number]) => string) => tenant.lines.reduce((t, l) => t + BigInt(f(l)), 0n);
      expect(sum((l) => l.boughtMst)).toBe(100_000_000_000_000n);
      expect(sum((l) => l.usedMst)).toBeGreaterThan(0n);
      expect(sum((l) => l.paidMicroYuan)).toBe(22_000_000_000n);
      const opMd = keyMetadata(await stack.apiKey("operator", "op-west"), { "x-operator-id": "op-west" });
      // Usage may still be settling: the statement and the account agree once they are read between two batches.
      const agreed = await eventually("the operator's statement to agree with its account", async () => {
        const op = await unary<GetStatementResponse__Output>((cb) => accounts.GetStatement({ period: "STATEMENT_PERIOD_MONTH" }, opMd, cb));
        const earned = await db.query<{ n: string }>(
          "select (credits_posted - debits_posted)::text as n from ledger_accounts where id = 'cny:operator:op-west'",
        );
        const stated = op.lines.reduce((t, l) => t + BigInt(l.earnedMicroYuan), 0n);
        return stated === BigInt(earned.rows[0]!.n) ? stated : undefined;
      });
      expect(agreed).toBeGreaterThan(0n);
    } finally {
      accounts.close();
    }
  });

  it("reports usage, green share and revenue from the analysts' views", async () => {
    const cli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [join(REPO_ROOT, "packages/cli/dist/main.js"), "--json", "report", ...args, "--database", env.databaseUrl],
        { encoding: "utf8", env: cliEnv() },
      );
    const usage = cli("usage", "--by", "region", "--since", "1d");
    expect(usage.status, usage.stderr + usage.stdout).toBe(0);
    const u = JSON.parse(usage.stdout) as { rows: [string, string, number][] };
    expect(u.rows.map((r) => r[0]).sort()).toEqual(["east", "west"]);
    // Usage may still be settling: the report agrees with the rows read on either side of it.
    const settledNow = async () =>
      (
        await db.query<{ st: string }>(
          "select (sum(amount_mst) / 1000.0)::numeric(20,3)::text as st from usage_events where tenant_id = $1",
          [TENANT],
        )
      ).rows[0]!.st;
    const settled = await eventually("a report between two reads of the rows", async () => {
      const before = await settledNow();
      const byTenant = JSON.parse(cli("usage", "--by", "tenant", "--since", "1d").stdout) as { rows: [string, string, number][] };
      const after = await settledNow();
      const reported = byTenant.rows.find((r) => r[0] === TENANT)![1];
      return before === after && reported === after ? { rows: [{ st: after }] } : undefined;
    });
    const green = JSON.parse(cli("green", "--by", "region", "--since", "1d").stdout) as { head: string[]; rows: string[][] };
    expect(green.head).toEqual(["region", "ST", "kWh", "green share", "CO2 kg"]);
    expect(green.rows.every((r) => /^\d+%$/.test(r[3]!))).toBe(true);
    const revenue = JSON.parse(cli("revenue", "--by", "tenant", "--since", "1d").stdout) as { rows: string[][] };
    const mine = revenue.rows.find((r) => r[0] === TENANT)!;
    expect(mine.slice(0, 4)).toEqual([TENANT, "1", "100000000000", "22000.00"]);
    // Usage only grows: what the revenue report read is at least what was settled a moment before.
    expect(Number(mine[4])).toBeGreaterThanOrEqual(Number(settled.rows[0]!.st));
    // Revenue by where the work ran: each event's value, which is exactly what the operators accrued.
    const byRegion = JSON.parse(cli("revenue", "--by", "region", "--since", "1d").stdout) as { head: string[]; rows: string[][] };
    expect(byRegion.head).toEqual(["region", "ST delivered", "operators' yuan", "margin yuan", "value yuan"]);
    expect(byRegion.rows.map((r) => r[0]).sort((a, b) => a!.localeCompare(b!))).toEqual(["east", "west"]);
    expect(byRegion.rows.every((r) => Number(r[2]) > 0 && Number(r[4]) > Number(r[2]))).toBe(true);
    const byNode = JSON.parse(cli("revenue", "--by", "node", "--since", "1d").stdout) as { rows: string[][] };
    expect(byNode.rows.length).toBeGreaterThanOrEqual(2);
    const nano = await db.query<{ events: string; accrued: string }>(
      `select (select sum(operator_nano_yuan) from usage_events)::text as events,
              (select sum(accrued_nano_yuan) from earnings_accruals where account_id like 'cny:operator:%')::text as accrued`,
    );
    expect(BigInt(nano.rows[0]!.events)).toBeGreaterThan(0n);
    expect(nano.rows[0]!.events).toBe(nano.rows[0]!.accrued);
    // The nodes settlement learnt from the registry, and how busy they were.
    const util = await db.query<{ node_id: string; devices: number; utilisation: string }>(
      "select node_id, devices, utilisation::text from analytics.node_utilisation_hourly order by node_id, hour",
    );
    expect(new Set(util.rows.map((r) => r.node_id)).size).toBeGreaterThanOrEqual(2);
    expect(util.rows.every((r) => r.devices > 0 && Number(r.utilisation) > 0)).toBe(true);
    const green2 = await db.query<{ share: string }>(
      "select (sum(green_kwh) / sum(energy_kwh))::text as share from analytics.green_hourly",
    );
    expect(Number(green2.rows[0]!.share)).toBeGreaterThan(0);
    expect(Number(green2.rows[0]!.share)).toBeLessThanOrEqual(1);
    const bad = cli("usage", "--since", "forever");
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toContain("--since");
  });

  it("keeps every accepted job across a broker restart, and agents reconnect", async () => {
    const before = await listAll();
    expect(before.length).toBeGreaterThanOrEqual(2);
    await stack.restartBroker(true);
    const fresh = jobClient(stack.options.brokerAddress, stack.tls);
    try {
      for (const id of before) {
        const res = await unary<GetJobResponse__Output>((cb) => fresh.GetJob({ jobId: id }, md, cb));
        expect(res.job!.jobId).toBe(id);
        expect(["JOB_STATE_SUCCEEDED", "JOB_STATE_CANCELLED", "JOB_STATE_FAILED"]).toContain(res.job!.state);
      }
      // The agents find the new broker by themselves and take new work.
      const nodes = nodeClient(stack.options.brokerAddress, stack.tls);
      await eventually("both agents back online", async () => {
        const r = await unary<ListNodesResponse__Output>((cb) => nodes.ListNodes({}, admin, cb));
        return r.nodes.filter((n) => n.state === "NODE_STATE_ONLINE").length === 3 ? true : undefined;
      });
      nodes.close();
      const after = await eventually("a job placed after the restart", async () => {
        const r = await unary<SubmitJobResponse__Output>((cb) =>
          fresh.SubmitJob(
            { requestId: "e2e-after-restart", spec: { kind: "JOB_KIND_INFERENCE", sizeSt: "2000", origin: "shanghai", maxLatencyMs: 30 } },
            md,
            cb,
          ),
        );
        return r;
      });
      const done = await watchToEnd(fresh, md, after.job!.jobId);
      expect(done.job.state).toBe("JOB_STATE_SUCCEEDED");
      expect(done.job.nodeId).toBe(EAST.nodeId);
    } finally {
      fresh.close();
    }
  });
});
