/**
 * Real work on the real stack: tenants' commands run by node agents with the
 * process executor, as an unprivileged user, on NVIDIA, Ascend and Cambricon
 * nodes; their output read back through the broker; agents killed mid-run.
 */
import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type * as grpc from "@grpc/grpc-js";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  CancelJobResponse__Output,
  Job__Output,
  JobServiceClient,
  ReadJobLogsResponse__Output,
  SubmitJobResponse__Output,
} from "@tokengrid/contracts";
import { REPO_ROOT, type Stack } from "@tokengrid/stack";
import { eventually, processesOf } from "@tokengrid/stack/testing";
import { getJob as jobOf, stackWithTenant, unary, watchToEnd, type TenantStack } from "./helpers.js";

const NV1 = {
  nodeId: "x-horinger-nv-1",
  operatorId: "op-west",
  cluster: "horinger",
  accelerators: [{ model: "nvidia-h100-sxm", count: 8 }],
};
const NV2 = {
  nodeId: "x-horinger-nv-2",
  operatorId: "op-west",
  cluster: "horinger",
  accelerators: [{ model: "nvidia-h100-sxm", count: 8 }],
};
const ASC = { nodeId: "x-guian-asc-1", operatorId: "op-west", cluster: "guian", accelerators: [{ model: "ascend-910b", count: 8 }] };
const MLU = { nodeId: "x-wuhu-mlu-1", operatorId: "op-east", cluster: "wuhu", accelerators: [{ model: "cambricon-mlu370-x8", count: 8 }] };
const TENANT = "exec-tenant";

let t: TenantStack;
let stack: Stack;
let jobs: JobServiceClient;
let md: grpc.Metadata;
let db: pg.Client;
let tenantKey: string;

beforeAll(async () => {
  t = await stackWithTenant("exec", TENANT, {
    agents: [NV1, NV2, ASC, MLU],
    nodeLostAfterMs: 1500,
    // Short leases, so a killed node's jobs move within seconds.
    env: { NODE_LEASE_MS: "3000", BROKER_LEADER_LEASE_MS: "2000", HEARTBEAT_INTERVAL_MS: "300" },
  });
  ({ stack, jobs, md, db, tenantKey } = t);
});

afterAll(async () => {
  await t?.close();
});

let n = 0;
/** Submits a batch job that runs `command`, with the rest of its spec as given. */
async function run(command: string[], spec: Record<string, unknown> = {}): Promise<Job__Output> {
  n += 1;
  const res = await unary<SubmitJobResponse__Output>((cb) =>
    jobs.SubmitJob({ requestId: `exec-${n}`, spec: { kind: "JOB_KIND_BATCH", sizeSt: "100000000", devices: 1, command, ...spec } }, md, cb),
  );
  return res.job!;
}

async function ended(jobId: string): Promise<Job__Output> {
  return (await watchToEnd(jobs, md, jobId)).job;
}

const getJob = (jobId: string): Promise<Job__Output> => jobOf(jobs, md, jobId);

/** Everything ReadJobLogs returns for the job (it ends by itself: no follow). */
function logs(jobId: string, replica?: number): Promise<ReadJobLogsResponse__Output[]> {
  return new Promise((resolve, reject) => {
    const out: ReadJobLogsResponse__Output[] = [];
    const s = jobs.ReadJobLogs({ jobId, follow: false, ...(replica !== undefined ? { replica } : {}) }, md);
    s.on("data", (c: ReadJobLogsResponse__Output) => out.push(c));
    s.on("error", reject);
    s.on("end", () => resolve(out));
  });
}

const stdout = (chunks: ReadJobLogsResponse__Output[]) =>
  chunks
    .filter((c) => String(c.stream) === "LOG_STREAM_STDOUT")
    .map((c) => c.text)
    .join("");

/** The program's environment as it printed it with `env`. */
function envOf(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

async function settledMst(jobId: string): Promise<bigint> {
  const r = await db.query<{ total: string }>("select coalesce(sum(amount_mst), 0)::text as total from usage_events where job_id = $1", [
    jobId,
  ]);
  return BigInt(r.rows[0]!.total);
}

describe("a tenant's command", () => {
  it("runs to exit 0 on an NVIDIA node with its device visible, and its output is read back after the end", async () => {
    const job = await run(["sh", "-c", "echo hello from $TOKENGRID_JOB_ID; env"], { softwareStacks: ["cuda"], devices: 2 });
    const done = await ended(job.jobId);
    expect(done.state).toBe("JOB_STATE_SUCCEEDED");
    expect(done.exitCode).toBe(0);
    expect([NV1.nodeId, NV2.nodeId]).toContain(done.nodeId);
    const out = stdout(await logs(job.jobId));
    expect(out).toContain(`hello from ${job.jobId}\n`);
    const e = envOf(out);
    expect(e["CUDA_VISIBLE_DEVICES"]?.split(",")).toHaveLength(2);
    expect(e["TOKENGRID_REPLICA"]).toBe("0");
    expect(e["TOKENGRID_ATTEMPT"]).toBe("1");
    expect(e).not.toHaveProperty("ASCEND_RT_VISIBLE_DEVICES");
    // What the node metered is what settlement paid.
    await eventually("usage settled", async () =>
      (await settledMst(job.jobId)) === BigInt(done.doneMst) && BigInt(done.doneMst) > 0n ? true : undefined,
    );
  });

  it("sees ASCEND_RT_VISIBLE_DEVICES on an Ascend node and MLU_VISIBLE_DEVICES on a Cambricon node", async () => {
    const asc = await run(["env"], { softwareStacks: ["cann"], devices: 4 });
    const mlu = await run(["env"], { softwareStacks: ["neuware"], devices: 1 });
    const [a, m] = await Promise.all([ended(asc.jobId), ended(mlu.jobId)]);
    expect(a).toMatchObject({ state: "JOB_STATE_SUCCEEDED", nodeId: ASC.nodeId });
    expect(m).toMatchObject({ state: "JOB_STATE_SUCCEEDED", nodeId: MLU.nodeId });
    const ae = envOf(stdout(await logs(asc.jobId)));
    const me = envOf(stdout(await logs(mlu.jobId)));
    expect(ae["ASCEND_RT_VISIBLE_DEVICES"]?.split(",")).toHaveLength(4);
    expect(ae).not.toHaveProperty("CUDA_VISIBLE_DEVICES");
    expect(me["MLU_VISIBLE_DEVICES"]).toMatch(/^\d$/);
  });

  it("fails with its exit code and the last lines of its stderr", async () => {
    const done = await ended((await run(["sh", "-c", "echo something broke >&2; exit 3"])).jobId);
    expect(done.state).toBe("JOB_STATE_FAILED");
    expect(done.exitCode).toBe(3);
    expect(done.message).toBe("exited with code 3; last lines of stderr:\nsomething broke");
  });

  it("fails when killed by a signal, naming it", async () => {
    const done = await ended((await run(["sh", "-c", "kill -KILL $$"])).jobId);
    expect(done.state).toBe("JOB_STATE_FAILED");
    expect(done.message).toContain("killed by SIGKILL");
  });

  it("is killed past its time limit, and says so", async () => {
    const done = await ended((await run(["sleep", "60"], { sizeSt: "0", timeLimitSeconds: 1 })).jobId);
    expect(done.state).toBe("JOB_STATE_FAILED");
    expect(done.message).toBe("killed: past its time limit of 1 s");
    expect(BigInt(done.sizeMst)).toBeGreaterThan(0n);
  });

  it("when cancelled, leaves no process of its group running", async () => {
    const job = await run(["sh", "-c", "sleep 60 & sleep 60; wait"]);
    await eventually("running", async () => ((await getJob(job.jobId)).state === "JOB_STATE_RUNNING" ? true : undefined));
    await eventually("its processes started", async () => ((await processesOf(job.jobId)).length >= 2 ? true : undefined));
    await unary<CancelJobResponse__Output>((cb) => jobs.CancelJob({ jobId: job.jobId, reason: "no longer needed" }, md, cb));
    expect((await ended(job.jobId)).state).toBe("JOB_STATE_CANCELLED");
    await eventually("no process of the job left", async () => ((await processesOf(job.jobId)).length === 0 ? true : undefined), 10_000);
  });

  it("gets nothing of the agent's: no secret in its environment, and the node's key file is unreadable", async () => {
    const keys = (await readdir(stack.options.tlsDir)).filter((f) => f.endsWith("key.pem")).map((f) => `${stack.options.tlsDir}/${f}`);
    expect(keys.length).toBeGreaterThan(0);
    const job = await run(["sh", "-c", `env; for f in ${keys.join(" ")}; do cat "$f" >/dev/null 2>&1 && echo "READ $f"; done; id -u`]);
    const done = await ended(job.jobId);
    expect(done.state).toBe("JOB_STATE_SUCCEEDED");
    const out = stdout(await logs(job.jobId));
    expect(out).not.toContain("READ ");
    for (const name of [
      "NATS_PASSWORD",
      "NATS_PASSWORD_FILE",
      "NATS_USER",
      "TLS_KEY_FILE",
      "TLS_CERT_FILE",
      "TOKENGRID_API_KEY",
      "NODE_CONFIG",
      "ENROLMENT_TOKEN",
    ])
      expect(envOf(out)).not.toHaveProperty(name);
    expect(out).not.toContain("-key.pem");
    // As root the stack runs jobs as nobody; otherwise as the agent's own user.
    expect(out.trim().split("\n").at(-1)).toBe(String(process.getuid?.() === 0 ? 65534 : process.getuid?.()));
  });

  it("a two-replica gang on two nodes finds itself through MASTER_ADDR and MASTER_PORT, over TCP", async () => {
    const program = [
      "const net = require('node:net');",
      "const { RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT } = process.env;",
      "if (RANK === '0') {",
      "  const server = net.createServer((s) => s.on('data', (d) => { console.log('rank 0 of ' + WORLD_SIZE + ' heard: ' + d); s.end('welcome'); server.close(); }));",
      "  server.listen(Number(MASTER_PORT), '0.0.0.0');",
      "} else {",
      "  const connect = () => { const s = net.connect(Number(MASTER_PORT), MASTER_ADDR, () => s.write('hello from rank ' + RANK));",
      "    s.on('data', (d) => { console.log('rank ' + RANK + ' got: ' + d); s.end(); }); s.on('error', () => setTimeout(connect, 100)); };",
      "  connect();",
      "}",
    ].join("\n");
    const job = await run(["node", "-e", program], { softwareStacks: ["cuda"], devices: 8, replicas: 2 });
    const done = await ended(job.jobId);
    expect(done.state).toBe("JOB_STATE_SUCCEEDED");
    expect([...done.nodeIds].sort()).toEqual([NV1.nodeId, NV2.nodeId]);
    expect(stdout(await logs(job.jobId, 0))).toContain("rank 0 of 2 heard: hello from rank 1");
    expect(stdout(await logs(job.jobId, 1))).toContain("rank 1 got: welcome");
  });
});

/** The CLI, as a tenant runs it (over TLS, trusting the stack's CA, with the tenant's key). */
async function cli(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await promisify(execFile)(
      process.execPath,
      [join(REPO_ROOT, "packages/cli/dist/main.js"), "--broker", stack.options.brokerAddress, ...args],
      {
        env: { ...process.env, TLS_CA_FILE: stack.tls.caFile, TOKENGRID_API_KEY: tenantKey },
      },
    );
    return { stdout: r.stdout, stderr: r.stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe("the CLI", () => {
  it("submits a command after --, follows it with its progress, rate and time left, and prints its logs", async () => {
    // 100 million tokens a second of a 10B model: about what its devices could do.
    const loop = 'for i in 1 2 3 4 5 6; do echo $((i * 100000000)) >> "$TOKENGRID_PROGRESS_FILE"; echo step $i; sleep 1; done';
    const sub = await cli(
      "submit",
      "--kind",
      "batch",
      "--model-params",
      "1e10",
      "--tokens",
      "6e8",
      "--env",
      "GREETING=hi",
      "--follow",
      "--",
      "sh",
      "-c",
      `echo $GREETING; ${loop}`,
    );
    expect(sub.code, sub.stdout + sub.stderr).toBe(0);
    expect(sub.stdout).toContain("SUCCEEDED");
    // While it ran: "<n> of 600000000 tokens, <rate> tokens/s, <time> left".
    expect(sub.stdout).toMatch(/\d+ of 600000000 tokens, \d+ tokens\/s, .* left/);
    const id = /submitted: (j-[0-9a-f]+)/.exec(sub.stdout)![1]!;
    const out = await cli("logs", id);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("hi\nstep 1\n");
    expect(out.stdout).toContain("step 6\n");
    // A failing command makes the follow exit non-zero, and a bad variable is refused before anything runs.
    expect((await cli("submit", "--kind", "batch", "--size-st", "1000", "--follow", "--", "false")).code).toBe(1);
    for (const [flag, value] of [
      ["--devices", "0"],
      ["--max-price", "0"],
    ]) {
      const zero = await cli("submit", "--kind", "batch", "--size-st", "1000", flag!, value!, "--", "true");
      expect(zero.code, flag).not.toBe(0);
      expect(zero.stderr, flag).toContain(`${flag}:`);
    }
    const bad = await cli("submit", "--kind", "batch", "--size-st", "1000", "--env", "CUDA_VISIBLE_DEVICES=0", "--", "true");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('spec.env["CUDA_VISIBLE_DEVICES"]');
  });
});

describe("a job's output", () => {
  it("can be followed while the job runs, and the follow ends with the job", async () => {
    const job = await run(["sh", "-c", "for i in 1 2 3; do echo line $i; sleep 0.6; done"]);
    const seen: { text: string; atMs: number }[] = [];
    const followed = new Promise<void>((resolve, reject) => {
      const s = jobs.ReadJobLogs({ jobId: job.jobId, follow: true }, md);
      s.on("data", (c: ReadJobLogsResponse__Output) => {
        if (String(c.stream) === "LOG_STREAM_STDOUT") seen.push({ text: c.text, atMs: Date.now() });
      });
      s.on("error", reject);
      s.on("end", () => resolve());
    });
    const done = await ended(job.jobId);
    const endedMs = Date.now();
    await followed;
    expect(done.state).toBe("JOB_STATE_SUCCEEDED");
    expect(seen.map((x) => x.text).join("")).toBe("line 1\nline 2\nline 3\n");
    // The first line came while the job still ran (it ran for about 1.8 s after it).
    expect(seen[0]!.atMs).toBeLessThan(endedMs - 500);
  });

  it("is bounded per replica: the oldest goes first, and the reader is told how much", async () => {
    const total = 3_000_000;
    const job = await run(["sh", "-c", `head -c ${total} /dev/zero | tr '\\0' x`]);
    expect((await ended(job.jobId)).state).toBe("JOB_STATE_SUCCEEDED");
    const chunks = await logs(job.jobId);
    const dropped = chunks.reduce((t, c) => t + Number(c.droppedBytes), 0);
    const kept = stdout(chunks).length;
    expect(dropped).toBeGreaterThan(0);
    // The stream keeps at most 64 chunks of at most 16 KiB for the replica: 1 MiB.
    expect(kept).toBeLessThanOrEqual(1024 * 1024);
    // Nothing is lost unsaid: what was kept and what was said dropped add up to what was written.
    const agentBytes = chunks.filter((c) => String(c.stream) === "LOG_STREAM_AGENT").reduce((t, c) => t + c.text.length, 0);
    expect(kept + agentBytes + dropped).toBeGreaterThanOrEqual(total);
    expect(stdout(chunks).replaceAll("x", "")).toBe("");
  });
});

describe("progress a workload reports", () => {
  it("is kept on the record as tokens, work at its model size and achieved utilisation, for the tenant and the analysts", async () => {
    // A 10B-parameter model at inference: 1 ST a token.
    const job = await run(["sh", "-c", 'for i in 1 2 3 4 5; do echo $((i * 1000)) >> "$TOKENGRID_PROGRESS_FILE"; sleep 0.2; done'], {
      sizeSt: "0",
      modelParams: "10000000000",
      tokens: "1000000000",
    });
    const done = await ended(job.jobId);
    expect(done.state).toBe("JOB_STATE_SUCCEEDED");
    expect(done.reportedTokens).toBe("5000");
    expect(done.reportedMst).toBe("5000000");
    expect(done.utilisation).toBeCloseTo(5_000_000 / Number(done.doneMst), 6);
    expect(done.utilisation).toBeGreaterThan(0);
    const row = await eventually("the analysts' view", async () => {
      const r = await db.query<{ reported_mst: string; delivered_mst: string; utilisation: string; node_id: string }>(
        "select reported_mst::text, delivered_mst::text, utilisation::text, node_id from analytics.achieved_utilisation where job_id = $1",
        [job.jobId],
      );
      return r.rows[0];
    });
    expect(row).toMatchObject({ reported_mst: "5000000", delivered_mst: done.doneMst, node_id: done.nodeId });
    expect(Number(row.utilisation)).toBeCloseTo(done.utilisation, 6);
  });
});

describe("a node lost mid-run", () => {
  it("a workload's checkpoint is kept: the next attempt is told where it stands, and the record keeps the work up to it", async () => {
    const program = [
      'echo "resume=$TOKENGRID_RESUME_TOKENS attempt=$TOKENGRID_ATTEMPT"',
      'if [ "$TOKENGRID_RESUME_TOKENS" -gt 0 ]; then echo 900 >> "$TOKENGRID_PROGRESS_FILE"; exit 0; fi',
      'echo 700 >> "$TOKENGRID_PROGRESS_FILE"; echo 700 >> "$TOKENGRID_CHECKPOINT_FILE"; sleep 600',
    ].join("\n");
    const job = await run(["sh", "-c", program], { softwareStacks: ["cuda"], devices: 8 });
    await eventually("the checkpoint on the record", async () => ((await getJob(job.jobId)).checkpointTokens === "700" ? true : undefined));
    const first = await getJob(job.jobId);
    const agent = stack.agents.get(first.nodeId)!;
    await agent.kill();
    const done = await ended(job.jobId);
    await agent.start();
    expect(done.state).toBe("JOB_STATE_SUCCEEDED");
    expect(done.transitions.filter((t) => String(t.state) === "JOB_STATE_SCHEDULED")).toHaveLength(2);
    const out = stdout(await logs(job.jobId));
    expect(out).toContain("resume=0 attempt=1");
    expect(out).toContain("resume=700 attempt=2");
    expect(done.checkpointTokens).toBe("700");
    expect(done.reportedTokens).toBe("900");
    // What the record kept is what the tenant pays: the first run up to its checkpoint, and the second run.
    expect(BigInt(done.doneMst)).toBeGreaterThan(0n);
    expect(BigInt(done.doneMst)).toBeLessThanOrEqual(BigInt(done.sizeMst));
  });

  it("an agent SIGKILLed mid-run: the job moves, and when the agent returns its old process group is gone", async () => {
    const job = await run(["sh", "-c", "sleep 600; echo done"], { softwareStacks: ["cuda"], devices: 8 });
    await eventually("running", async () => ((await getJob(job.jobId)).state === "JOB_STATE_RUNNING" ? true : undefined));
    const first = (await getJob(job.jobId)).nodeId;
    const other = first === NV1.nodeId ? NV2.nodeId : NV1.nodeId;
    await eventually("its processes started", async () => ((await processesOf(job.jobId, 1)).length > 0 ? true : undefined));
    const agent = stack.agents.get(first)!;
    await agent.kill();
    // The job moves once the lost node's lease has run out.
    await eventually(
      "moved to the other node",
      async () => {
        const j = await getJob(job.jobId);
        return j.state === "JOB_STATE_RUNNING" && j.nodeId === other ? true : undefined;
      },
      30_000,
    );
    // The agent comes back: it ends what its earlier run left, before it registers.
    await agent.start();
    await eventually(
      "the first attempt's processes are gone",
      async () => ((await processesOf(job.jobId, 1)).length === 0 ? true : undefined),
      10_000,
    );
    expect((await processesOf(job.jobId, 2)).length).toBeGreaterThan(0);
    await unary((cb) => jobs.CancelJob({ jobId: job.jobId, reason: "test over" }, md, cb));
    await ended(job.jobId);
  });

  it("a cuda+cann job whose NVIDIA nodes are killed moves to the Ascend node and sees ASCEND_RT_VISIBLE_DEVICES", async () => {
    // The Ascend node is busy at first, so the job starts on an NVIDIA node.
    const blocker = await unary<SubmitJobResponse__Output>((cb) =>
      jobs.SubmitJob(
        { requestId: "exec-blocker", spec: { kind: "JOB_KIND_BATCH", sizeSt: "10000000000", devices: 8, softwareStacks: ["cann"] } },
        md,
        cb,
      ),
    );
    await eventually("the Ascend node busy", async () =>
      (await getJob(blocker.job!.jobId)).state === "JOB_STATE_RUNNING" ? true : undefined,
    );
    const job = await run(
      ["sh", "-c", 'if [ -n "$ASCEND_RT_VISIBLE_DEVICES" ]; then echo "on ascend: $ASCEND_RT_VISIBLE_DEVICES"; else sleep 600; fi'],
      {
        softwareStacks: ["cuda", "cann"],
        devices: 8,
      },
    );
    await eventually("running on NVIDIA", async () => {
      const j = await getJob(job.jobId);
      return j.state === "JOB_STATE_RUNNING" && [NV1.nodeId, NV2.nodeId].includes(j.nodeId) ? true : undefined;
    });
    await unary((cb) => jobs.CancelJob({ jobId: blocker.job!.jobId, reason: "make room" }, md, cb));
    await Promise.all([stack.agents.get(NV1.nodeId)!.kill(), stack.agents.get(NV2.nodeId)!.kill()]);
    const done = await ended(job.jobId);
    expect(done).toMatchObject({ state: "JOB_STATE_SUCCEEDED", nodeId: ASC.nodeId });
    expect(done.transitions.filter((t) => String(t.state) === "JOB_STATE_SCHEDULED")).toHaveLength(2);
    const out = stdout(await logs(job.jobId));
    expect(out).toMatch(/on ascend: \d(,\d){7}/);
    await Promise.all([stack.agents.get(NV1.nodeId)!.start(), stack.agents.get(NV2.nodeId)!.start()]);
  });
});
