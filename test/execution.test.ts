/**
 * Real work on the real stack: tenants' commands run by node agents with the
 * process executor, as an unprivileged user, on NVIDIA, Ascend and Cambricon
 * nodes; their output read back through the broker; agents killed mid-run.
 */
import { readdir, readFile } from "node:fs/promises";
import type * as grpc from "@grpc/grpc-js";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  CancelJobResponse__Output,
  GetJobResponse__Output,
  Job__Output,
  JobServiceClient,
  ReadJobLogsResponse__Output,
  SubmitJobResponse__Output,
} from "@tokengrid/contracts";
import { startStack, type Stack } from "@tokengrid/stack";
import { eventually, freePort, testEnv, type TestEnv } from "@tokengrid/stack/testing";
import { accountClient, jobClient, keyMetadata, unary, watchToEnd } from "./helpers.js";

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

let env: TestEnv;
let stack: Stack;
let jobs: JobServiceClient;
let md: grpc.Metadata;
let db: pg.Client;

beforeAll(async () => {
  env = await testEnv("exec");
  stack = await startStack({
    namespace: env.namespace,
    natsUrl: env.natsUrl,
    databaseUrl: env.databaseUrl,
    brokerAddress: `127.0.0.1:${await freePort()}`,
    settlementAddress: `127.0.0.1:${await freePort()}`,
    agents: [NV1, NV2, ASC, MLU],
    usageIntervalMs: 200,
    nodeLostAfterMs: 1500,
    // Short leases, so a killed node's jobs move within seconds.
    env: { NODE_LEASE_MS: "3000", BROKER_LEADER_LEASE_MS: "2000", HEARTBEAT_INTERVAL_MS: "300" },
  });
  jobs = jobClient(stack.options.brokerAddress, stack.tls);
  md = keyMetadata(await stack.apiKey("tenant", TENANT));
  db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
  const accounts = accountClient(stack.options.settlementAddress, stack.tls);
  await unary((cb) => accounts.PurchasePackage({ requestId: "exec-enterprise", packageId: "enterprise-100b" }, md, cb));
  accounts.close();
});

afterAll(async () => {
  jobs?.close();
  await db?.end();
  await stack?.stop();
  await env?.cleanup();
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

async function getJob(jobId: string): Promise<Job__Output> {
  return (await unary<GetJobResponse__Output>((cb) => jobs.GetJob({ jobId }, md, cb))).job!;
}

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

/** Live processes of this job (and attempt), found by the variables the agent gave them. */
async function processesOf(jobId: string, attempt?: number): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const environ = await readFile(`/proc/${name}/environ`, "utf8");
      const stat = await readFile(`/proc/${name}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      if (environ.includes(`TOKENGRID_JOB_ID=${jobId}\0`) && (attempt === undefined || environ.includes(`TOKENGRID_ATTEMPT=${attempt}\0`)))
        out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
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
    // As nobody under a root agent; as the agent's own user otherwise.
    expect(out.trim().split("\n").at(-1)).toBe(process.getuid?.() === 0 ? "65534" : String(process.getuid?.()));
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

describe("a node lost mid-run", () => {
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
