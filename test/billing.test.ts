/**
 * Bills that match the record, found as a new user would find them: on the
 * real stack (processes, NATS JetStream, PostgreSQL). A tenant pays for the
 * work its job's record kept, never more than its size; work lost to a
 * preemption or a restart is the platform's loss, in its own account.
 */
import type * as grpc from "@grpc/grpc-js";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job__Output, JobServiceClient, SubmitJobResponse__Output } from "@tokengrid/contracts";
import type { Stack } from "@tokengrid/stack";
import { eventually } from "@tokengrid/stack/testing";
import { getJob as jobOf, stackWithTenant, unary, type TenantStack } from "./helpers.js";

const EAST = {
  nodeId: "bill-yrd-01",
  operatorId: "op-east",
  cluster: "yangtze-delta",
  accelerators: [{ model: "nvidia-h100-sxm", count: 8 }],
};
const TENANT = "bill-tenant";

let t: TenantStack;
let stack: Stack;
let jobs: JobServiceClient;
let db: pg.Client;
let md: grpc.Metadata;

beforeAll(async () => {
  t = await stackWithTenant("billing", TENANT, { agents: [EAST], env: { NODE_LEASE_MS: "3000", BROKER_LEADER_LEASE_MS: "1000" } });
  ({ stack, jobs, db, md } = t);
});

afterAll(async () => {
  await t?.close();
});

const submit = (requestId: string, spec: Record<string, unknown>) =>
  unary<SubmitJobResponse__Output>((cb) => jobs.SubmitJob({ requestId, spec }, md, cb)).then((r) => r.job!);
const getJob = (jobId: string): Promise<Job__Output> => jobOf(jobs, md, jobId);
const running = (jobId: string) =>
  eventually("the job running with some progress", async () => {
    const j = await getJob(jobId);
    return j.state === "JOB_STATE_RUNNING" && BigInt(j.doneMst) > 0n ? j : undefined;
  });
const finished = (jobId: string, timeoutMs = 60_000) =>
  eventually(
    "the job to end",
    async () => {
      const j = await getJob(jobId);
      return ["JOB_STATE_SUCCEEDED", "JOB_STATE_FAILED", "JOB_STATE_CANCELLED"].includes(String(j.state)) ? j : undefined;
    },
    timeoutMs,
  );

/** What the tenant paid for a job: what was captured from its tokens, less what the platform gave back. */
async function billed(jobId: string): Promise<bigint> {
  const r = await db.query<{ n: string }>(
    `select (coalesce(sum(amount) filter (where kind in ('capture', 'usage', 'overdraft')), 0)
           - coalesce(sum(amount) filter (where kind = 'loss_return'), 0))::text as n
     from ledger_transfers where hold_id = $1 and status = 'posted'`,
    [jobId],
  );
  return BigInt(r.rows[0]!.n);
}

/** Usage paid per placement (attempt) of the job. */
async function paidByAttempt(jobId: string): Promise<Map<number, bigint>> {
  const r = await db.query<{ attempt: string; mst: string }>(
    `select substring(event_id from '#[0-9]+\\.([0-9]+):') as attempt, sum(amount_mst)::text as mst
     from usage_events where job_id = $1 group by 1`,
    [jobId],
  );
  return new Map(r.rows.map((x) => [Number(x.attempt), BigInt(x.mst)]));
}

/** The bill settles to the record, and stays there (usage still arriving changes nothing). */
async function billSettlesTo(jobId: string, expected: bigint): Promise<void> {
  await eventually(`the bill of ${jobId} at ${expected} mST`, async () => ((await billed(jobId)) === expected ? true : undefined), 20_000);
  await new Promise((r) => setTimeout(r, 1500));
  expect(await billed(jobId)).toBe(expected);
}

describe("bills that match the record", () => {
  it("a preempted training job resumes from its progress and is billed its size once", async () => {
    // About 5 s on eight H100s at training speed.
    const victim = await submit("bill-preempted", {
      kind: "JOB_KIND_TRAINING",
      sizeSt: "800000",
      devices: 8,
      priorityClass: "PRIORITY_CLASS_LOW",
    });
    await running(victim.jobId);
    await new Promise((r) => setTimeout(r, 600));
    const urgent = await submit("bill-urgent", { kind: "JOB_KIND_INFERENCE", sizeSt: "2000", origin: "shanghai", maxLatencyMs: 10 });
    const moved = await eventually("the victim preempted", async () => {
      const j = await getJob(victim.jobId);
      return j.transitions.some(
        (t) => t.state === "JOB_STATE_PENDING" && t.message.includes(`preempted by higher-priority job ${urgent.jobId}`),
      )
        ? j
        : undefined;
    });
    const done = await finished(victim.jobId);
    expect(done.state).toBe("JOB_STATE_SUCCEEDED");
    expect(done.doneMst).toBe(victim.sizeMst);
    expect((await finished(urgent.jobId)).state).toBe("JOB_STATE_SUCCEEDED");
    const size = BigInt(victim.sizeMst);
    await billSettlesTo(victim.jobId, size);
    // It did not start again from zero: the second placement did only what the first had not reported.
    const byAttempt = await paidByAttempt(victim.jobId);
    expect(byAttempt.get(1)!).toBeGreaterThan(0n);
    expect(byAttempt.get(2)!).toBeLessThan(size);
    expect(byAttempt.get(1)! + byAttempt.get(2)!).toBeGreaterThanOrEqual(size);
    expect(moved.transitions.filter((t) => t.state === "JOB_STATE_SCHEDULED").length).toBeGreaterThanOrEqual(1);
  });

  it("after the broker and the agent stop and start again mid-run, the job resumes from its persisted progress and is billed its size once", async () => {
    // About 6 s on eight H100s.
    const job = await submit("bill-restarted", { kind: "JOB_KIND_TRAINING", sizeSt: "1000000", devices: 8 });
    await running(job.jobId);
    await new Promise((r) => setTimeout(r, 1500));
    const agent = stack.agents.get(EAST.nodeId)!;
    // A clean stop of everything but settlement, as `pnpm start` stopped with Ctrl-C would: the broker first.
    await stack.broker.stop();
    await agent.stop();
    const stopped = BigInt(
      (await db.query<{ n: string }>("select coalesce(sum(amount_mst), 0)::text as n from usage_events where job_id = $1", [job.jobId]))
        .rows[0]!.n,
    );
    await stack.broker.start();
    await agent.start();
    const done = await finished(job.jobId, 90_000);
    expect(done.state).toBe("JOB_STATE_SUCCEEDED");
    expect(done.doneMst).toBe(job.sizeMst);
    const size = BigInt(job.sizeMst);
    await billSettlesTo(job.jobId, size);
    const byAttempt = await paidByAttempt(job.jobId);
    // The progress reported before the stop was kept: the next placement did less than the whole job.
    expect(byAttempt.get(1)!).toBeGreaterThanOrEqual(stopped);
    expect(byAttempt.get(2)!).toBeLessThan(size);
    // Whatever was done twice is the platform's loss, and analysts see it.
    const loss = await db.query<{ charged_mst: string; lost_mst: string; kept_mst: string }>(
      "select charged_mst::text, lost_mst::text, kept_mst::text from analytics.platform_losses where job_id = $1",
      [job.jobId],
    );
    expect(loss.rows[0]!.kept_mst).toBe(job.sizeMst);
    expect(BigInt(loss.rows[0]!.charged_mst) - BigInt(loss.rows[0]!.lost_mst)).toBe(size);
  });

  it("a job cancelled while running is billed what GetJob says it did, and nothing after its placement ended", async () => {
    const job = await submit("bill-cancelled", { kind: "JOB_KIND_TRAINING", sizeSt: "100000000", devices: 1 });
    await running(job.jobId);
    await unary((cb) => jobs.CancelJob({ jobId: job.jobId, reason: "changed my mind" }, md, cb));
    await stack.agents
      .get(EAST.nodeId)!
      .waitForLine((l) => (l["msg"] === "job finished" || l["msg"] === "job interrupted") && l["jobId"] === job.jobId, 10_000);
    const record = await getJob(job.jobId);
    expect(record.state).toBe("JOB_STATE_CANCELLED");
    await billSettlesTo(job.jobId, BigInt(record.doneMst));
    // No usage for time after the placement ended was paid.
    const late = await db.query<{ n: string }>(
      `select count(*)::text as n from usage_events u join job_assignments a on a.job_id = u.job_id
       where u.job_id = $1 and u.period_end > a.ended_at`,
      [job.jobId],
    );
    expect(late.rows[0]!.n).toBe("0");
  });
});
