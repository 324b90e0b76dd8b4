/**
 * Faults on the real stack (processes, NATS, PostgreSQL): a node that stops
 * answering. Its training job moves to another node once the node's lease has
 * run out, resumes from the progress it reported, and never runs on two nodes
 * at once; the frozen node, thawed, records nothing more for it.
 */
import * as grpc from "@grpc/grpc-js";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GetJobResponse__Output, JobServiceClient, SubmitJobResponse__Output } from "@tokengrid/contracts";
import { startStack, type Stack } from "@tokengrid/stack";
import { eventually, freePort, testEnv, type TestEnv } from "@tokengrid/stack/testing";
import { accountClient, jobClient, keyMetadata, unary } from "./helpers.js";

const A = { nodeId: "fault-guian-a", operatorId: "op-west", cluster: "guian", accelerators: [{ model: "ascend-910b", count: 8 }] };
const B = { nodeId: "fault-guian-b", operatorId: "op-west", cluster: "guian", accelerators: [{ model: "ascend-910b", count: 8 }] };
const TENANT = "fault-tenant";
const LEASE_MS = 3000;
let md: grpc.Metadata;

let env: TestEnv;
let stack: Stack;
let jobs: JobServiceClient;
let db: pg.Client;

beforeAll(async () => {
  env = await testEnv("faults");
  stack = await startStack({
    namespace: env.namespace,
    natsUrl: env.natsUrl,
    databaseUrl: env.databaseUrl,
    brokerAddress: `127.0.0.1:${await freePort()}`,
    settlementAddress: `127.0.0.1:${await freePort()}`,
    agents: [A, B],
    timeScale: 1,
    usageIntervalMs: 200,
    nodeLostAfterMs: 1500,
    logLevel: "info",
    env: { NODE_LEASE_MS: String(LEASE_MS), BROKER_LEADER_LEASE_MS: "1000" },
  });
  jobs = jobClient(stack.options.brokerAddress, stack.tls);
  md = keyMetadata(await stack.apiKey("tenant", TENANT));
  db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
  const accounts = accountClient(stack.options.settlementAddress, stack.tls);
  await unary((cb) => accounts.PurchasePackage({ requestId: "fault-enterprise", packageId: "enterprise-100b" }, md, cb));
  accounts.close();
});

afterAll(async () => {
  jobs?.close();
  await db?.end();
  await stack?.stop();
  await env?.cleanup();
});

const getJob = async (jobId: string) => (await unary<GetJobResponse__Output>((cb) => jobs.GetJob({ jobId }, md, cb))).job!;

describe("a node that stops answering", () => {
  it("its training job moves after the lease, resumes from its progress, and never runs twice at once", async () => {
    // About 12 s of work on 8 Ascend 910Bs.
    const sizeSt = 8 * 12 * 12_000;
    const res = await unary<SubmitJobResponse__Output>((cb) =>
      jobs.SubmitJob({ requestId: "fault-train", spec: { kind: "JOB_KIND_TRAINING", sizeSt: String(sizeSt), devices: 8 } }, md, cb),
    );
    const jobId = res.job!.jobId;
    const first = await eventually("the job running with some progress", async () => {
      const j = await getJob(jobId);
      return j.state === "JOB_STATE_RUNNING" && BigInt(j.doneMst) > 0n ? j : undefined;
    });
    const frozen = stack.agents.get(first.nodeId)!;
    const other = first.nodeId === A.nodeId ? B.nodeId : A.nodeId;
    frozen.signal("SIGSTOP");
    const frozenAt = Date.now();
    let checkpoint = 0n;
    try {
      const moved = await eventually(
        "the job placed on the other node",
        async () => {
          const j = await getJob(jobId);
          return j.nodeId === other && (j.state === "JOB_STATE_RUNNING" || j.state === "JOB_STATE_SCHEDULED") ? j : undefined;
        },
        30_000,
      );
      // Not before the frozen node's lease could have run out.
      expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(LEASE_MS);
      // It resumes: the progress reported before the freeze is kept.
      checkpoint = BigInt(moved.doneMst);
      expect(checkpoint).toBeGreaterThan(0n);
    } finally {
      frozen.signal("SIGCONT");
    }
    const done = await eventually(
      "the job to succeed",
      async () => {
        const j = await getJob(jobId);
        return j.state === "JOB_STATE_SUCCEEDED" ? j : undefined;
      },
      60_000,
    );
    expect(done.nodeId).toBe(other);
    // The thawed node stopped the job when it found its lease gone, and said so.
    await frozen.waitForLine((l) => l["msg"] === "job interrupted" && l["jobId"] === jobId, 10_000);

    // Every event the agents recorded is settled (the thawed node publishes what its outbox kept); the
    // two runs never overlap in time, and the second did only what was left after the reported progress.
    const size = BigInt(sizeSt) * 1000n;
    const usage = async () =>
      (
        await db.query<{ node_id: string; mst: string; first: Date; last: Date }>(
          `select node_id, sum(amount_mst)::text as mst, min(period_start) as first, max(period_end) as last
           from usage_events where job_id = $1 group by node_id`,
          [jobId],
        )
      ).rows;
    const byNode = await eventually("all usage settled", async () => {
      const rows = await usage();
      return rows.length === 2 && rows.reduce((t, r) => t + BigInt(r.mst), 0n) >= size ? rows : undefined;
    });
    const before = byNode.find((r) => r.node_id === first.nodeId)!;
    const after = byNode.find((r) => r.node_id === other)!;
    expect(before.last.getTime()).toBeLessThanOrEqual(after.first.getTime());
    // The second run did exactly what was left after the reported progress; the first recorded at least that
    // progress (work between its last report and the freeze is done again).
    expect(BigInt(after.mst)).toBe(size - checkpoint);
    expect(BigInt(before.mst)).toBeGreaterThanOrEqual(checkpoint);
  });
});

describe("a node agent stopped with SIGTERM", () => {
  it("hands its job back at once (INTERRUPTED), with its usage published, and the job runs on elsewhere", async () => {
    const sizeSt = 8 * 8 * 12_000;
    const res = await unary<SubmitJobResponse__Output>((cb) =>
      jobs.SubmitJob({ requestId: "fault-sigterm", spec: { kind: "JOB_KIND_TRAINING", sizeSt: String(sizeSt), devices: 8 } }, md, cb),
    );
    const jobId = res.job!.jobId;
    const running = await eventually("the job running with some progress", async () => {
      const j = await getJob(jobId);
      return j.state === "JOB_STATE_RUNNING" && BigInt(j.doneMst) > 0n ? j : undefined;
    });
    const agent = stack.agents.get(running.nodeId)!;
    const other = running.nodeId === A.nodeId ? B.nodeId : A.nodeId;
    const t0 = Date.now();
    await agent.stop();
    // Not the lease's wait: the agent said it was interrupted, so the job moved at once.
    await eventually("the job on the other node", async () => {
      const j = await getJob(jobId);
      return j.nodeId === other ? j : undefined;
    });
    expect(Date.now() - t0).toBeLessThan(LEASE_MS);
    await agent.start();
    const done = await eventually(
      "the job to succeed",
      async () => {
        const j = await getJob(jobId);
        return j.state === "JOB_STATE_SUCCEEDED" ? j : undefined;
      },
      60_000,
    );
    expect(done.nodeId).toBe(other);
    // What the stopped agent metered before it exited is settled; the rest was done elsewhere.
    const settled = await eventually("all usage settled", async () => {
      const r = await db.query<{ node_id: string; mst: string }>(
        "select node_id, sum(amount_mst)::text as mst from usage_events where job_id = $1 group by node_id",
        [jobId],
      );
      return r.rows.length === 2 && r.rows.reduce((t, x) => t + BigInt(x.mst), 0n) >= BigInt(sizeSt) * 1000n ? r.rows : undefined;
    });
    expect(settled.find((r) => r.node_id === running.nodeId)).toBeDefined();
  });
});

describe("a broker that dies", () => {
  let fenv: TestEnv;
  let fstack: Stack;
  let standbyJobs: JobServiceClient;
  const standby = { address: "" };

  beforeAll(async () => {
    fenv = await testEnv("failover");
    standby.address = `127.0.0.1:${await freePort()}`;
    fstack = await startStack({
      namespace: fenv.namespace,
      natsUrl: fenv.natsUrl,
      databaseUrl: fenv.databaseUrl,
      brokerAddress: `127.0.0.1:${await freePort()}`,
      standbyBrokerAddresses: [standby.address],
      settlementAddress: `127.0.0.1:${await freePort()}`,
      agents: [A],
      timeScale: 1,
      usageIntervalMs: 200,
      logLevel: "info",
      env: { BROKER_LEADER_LEASE_MS: "2000" },
    });
    standbyJobs = jobClient(standby.address, fstack.tls);
    // This stack has its own namespace, and so its own keys.
    md = keyMetadata(await fstack.apiKey("tenant", TENANT));
    const accounts = accountClient(fstack.options.settlementAddress, fstack.tls);
    await unary((cb) => accounts.PurchasePackage({ requestId: "failover-enterprise", packageId: "enterprise-100b" }, md, cb));
    accounts.close();
  });
  afterAll(async () => {
    standbyJobs?.close();
    await fstack?.stop();
    await fenv?.cleanup();
  });

  it("a standby takes over within seconds; the running job keeps running and is settled once", async () => {
    // The standby refuses, naming the leader.
    const refused = await unary((cb) => standbyJobs.ListJobs({}, md, cb)).then(
      () => undefined,
      (err: grpc.ServiceError) => err,
    );
    expect(refused?.code).toBe(grpc.status.UNAVAILABLE);
    expect(refused?.details).toContain(fstack.options.brokerAddress);

    const leaderJobs = jobClient(fstack.options.brokerAddress, fstack.tls);
    const sizeSt = 8 * 8 * 12_000; // about 8 s on 8 Ascend 910Bs
    const res = await unary<SubmitJobResponse__Output>((cb) =>
      leaderJobs.SubmitJob(
        { requestId: "failover-train", spec: { kind: "JOB_KIND_TRAINING", sizeSt: String(sizeSt), devices: 8 } },
        md,
        cb,
      ),
    );
    leaderJobs.close();
    const jobId = res.job!.jobId;
    const get = async () => (await unary<GetJobResponse__Output>((cb) => standbyJobs.GetJob({ jobId }, md, cb))).job!;
    const leaderView = jobClient(fstack.options.brokerAddress, fstack.tls);
    await eventually("the job running", async () => {
      const j = (await unary<GetJobResponse__Output>((cb) => leaderView.GetJob({ jobId }, md, cb))).job!;
      return j.state === "JOB_STATE_RUNNING" && BigInt(j.doneMst) > 0n ? true : undefined;
    });
    leaderView.close();
    const killedAt = Date.now();
    await fstack.broker.kill();
    // The standby leads once the dead leader's lease has run out.
    const seen = await eventually("the standby to lead", () => get().catch(() => undefined), 15_000);
    const tookMs = Date.now() - killedAt;
    expect(tookMs).toBeLessThan(2000 + 3000);
    expect(["JOB_STATE_RUNNING", "JOB_STATE_SUCCEEDED"]).toContain(seen.state);
    const done = await eventually(
      "the job to succeed",
      async () => {
        const j = await get();
        return j.state === "JOB_STATE_SUCCEEDED" ? j : undefined;
      },
      60_000,
    );
    expect(done.nodeId).toBe(A.nodeId);
    // It kept running through the failover: one run, never requeued, every mST settled once.
    const fdb = new pg.Client({ connectionString: fenv.databaseUrl });
    await fdb.connect();
    try {
      const settled = await eventually("the usage settled", async () => {
        const r = await fdb.query<{ mst: string; attempts: string }>(
          `select coalesce(sum(amount_mst), 0)::text as mst,
                  count(distinct split_part(split_part(event_id, '#', 2), ':', 1))::text as attempts
           from usage_events where job_id = $1`,
          [jobId],
        );
        return BigInt(r.rows[0]!.mst) >= BigInt(sizeSt) * 1000n ? r.rows[0]! : undefined;
      });
      expect(BigInt(settled.mst)).toBe(BigInt(sizeSt) * 1000n);
      expect(settled.attempts).toBe("1");
      const states = await fdb.query<{ state: string }>("select state from job_events where job_id = $1 order by occurred_at", [jobId]);
      expect(states.rows.map((r) => r.state)).toEqual(["PENDING", "SCHEDULED", "RUNNING", "SUCCEEDED"]);
    } finally {
      await fdb.end();
    }
    // The dead broker, started again, finds a leader and stands by, naming it.
    await fstack.broker.start();
    const old = jobClient(fstack.options.brokerAddress, fstack.tls);
    const again = await unary((cb) => old.ListJobs({}, md, cb)).then(
      () => undefined,
      (err: grpc.ServiceError) => err,
    );
    old.close();
    expect(again?.code).toBe(grpc.status.UNAVAILABLE);
    expect(again?.details).toContain(standby.address);
  });
});
