/**
 * Fencing, from the agent's side: a deposed leader that is still alive (it
 * has not noticed yet) keeps its stream open and sends orders. The agent has
 * seen a higher epoch, so it refuses them — no assignment from the deposed
 * broker starts, no cancel from it stops a job — while the same orders with
 * the current epoch are obeyed. The broker here is scripted by the test over a
 * real gRPC server; usage goes to the real NATS.
 */
import * as grpc from "@grpc/grpc-js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMarket } from "@tokengrid/config";
import {
  bindServer,
  protos,
  type ConnectRequest__Output,
  type ConnectResponse,
  type JobStatus__Output,
  type NodeServiceHandlers,
} from "@tokengrid/contracts";
import { connectNats, ensureStreams, jetStreamManager, names } from "@tokengrid/events";
import { eventually, testCertificates, testEnv, type TestCertificates, type TestEnv } from "@tokengrid/stack/testing";
import { serverCredentials } from "@tokengrid/security";
import { NodeAgent } from "./agent.js";

let env: TestEnv;
let tls: TestCertificates;
let dir: string;
let server: grpc.Server;
let agent: NodeAgent;
/** The agent's open stream, as the scripted broker sees it. */
let line: grpc.ServerDuplexStream<ConnectRequest__Output, ConnectResponse> | undefined;
const statuses: JobStatus__Output[] = [];
/** The epoch the scripted broker puts on its leases. */
let leaseEpoch = 2;

beforeAll(async () => {
  env = await testEnv("agentepoch");
  tls = await testCertificates("agentepoch");
  const nc = await connectNats(env.natsUrl, "agent-epoch-test");
  await ensureStreams(await jetStreamManager(nc, env.natsUrl), names(env.namespace));
  await nc.close();
  dir = await mkdtemp(join(tmpdir(), "agent-epoch-"));
  const handlers: Partial<NodeServiceHandlers> = {
    Register: (_call, cb) => cb(null, { sessionId: "s-1", heartbeatIntervalMs: 200 }),
    Connect: (call) => {
      line = call;
      call.on("data", (m: ConnectRequest__Output) => {
        if (m.heartbeat) call.write({ lease: { heartbeatSeq: m.heartbeat.seq, validForMs: 5000, epoch: leaseEpoch } });
        if (m.jobStatus) statuses.push(m.jobStatus);
      });
      call.on("end", () => call.end());
    },
  };
  server = new grpc.Server();
  server.addService(protos().node.tokengrid.node.v1.NodeService.service, handlers as NodeServiceHandlers);
  const brokerTls = {
    mode: "mtls" as const,
    caFile: tls.certs.caFile,
    certFile: tls.broker["TLS_CERT_FILE"]!,
    keyFile: tls.broker["TLS_KEY_FILE"]!,
  };
  const address = await bindServer(server, "127.0.0.1:0", "the scripted broker", "BROKER_ADDRESS", await serverCredentials(brokerTls));
  agent = await NodeAgent.start({
    node: {
      nodeId: "epoch-node",
      operatorId: "op-test",
      cluster: "guian",
      accelerators: [{ model: "ascend-910b", count: 8 }],
      energy: {},
      executors: ["simulated"],
      process: { allowRoot: false, killGraceSeconds: 10, path: "/usr/bin:/bin", stderrTailLines: 10 },
      detect: false,
      models: {},
      calibration: {},
    },
    nodeConfigPath: "(test)",
    brokerAddresses: [address],
    tls: await tls.node("op-test", "epoch-node"),
    natsAuth: {},
    natsUrl: env.natsUrl,
    namespace: env.namespace,
    timeScale: 1,
    usageIntervalMs: 100,
    outboxDir: dir,
    outboxMaxBytes: 1 << 20,
    logLevel: "silent",
    market: loadMarket(undefined),
    workRoot: join(dir, "jobs"),
    address: "127.0.0.1",
  });
  await eventually("the agent connected", async () => line);
});

afterAll(async () => {
  await agent?.stop();
  server?.forceShutdown();
  await rm(dir, { recursive: true, force: true });
  await env?.cleanup();
  tls?.cleanup();
});

const assignment = (jobId: string, epoch: number) => ({
  assignment: {
    jobId,
    tenantId: "t-epoch",
    kind: "JOB_KIND_TRAINING" as const,
    // Minutes of work: it runs until cancelled.
    sizeMst: String(1e12),
    deviceIndices: [0],
    replica: 0,
    attempt: 1,
    epoch,
  },
});
const cancel = (jobId: string, epoch: number) => ({ cancel: { jobId, reason: "test", epoch } });
const statesOf = (jobId: string) => statuses.filter((s) => s.jobId === jobId).map((s) => s.state);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("orders from a deposed broker", () => {
  it("are refused once a higher epoch has been seen; the current epoch's are obeyed", async () => {
    // The current leader (epoch 2) assigns a job: it runs.
    line!.write(assignment("job-current", 2));
    await eventually("the job running", async () => (statesOf("job-current").includes("JOB_RUN_STATE_RUNNING") ? true : undefined));

    // The deposed leader (epoch 1), still alive, assigns another job and cancels the running one.
    line!.write(assignment("job-stale", 1));
    line!.write(cancel("job-current", 1));
    await sleep(1000);
    expect(statesOf("job-stale")).toEqual([]);
    expect(statesOf("job-current")).not.toContain("JOB_RUN_STATE_CANCELLED");
    const progress = statuses.filter((s) => s.jobId === "job-current").map((s) => BigInt(s.doneMst));
    expect(progress.length).toBeGreaterThan(1);

    // The current leader's cancel is obeyed at once.
    line!.write(cancel("job-current", 2));
    await eventually("the job cancelled", async () => (statesOf("job-current").includes("JOB_RUN_STATE_CANCELLED") ? true : undefined));

    // Leases from the deposed leader do not keep a job running: from now on leases come with epoch 1 only,
    // and the job stops once the last current one (5 s) has run out.
    leaseEpoch = 1;
    line!.write(assignment("job-later", 2));
    await eventually("the later job running", async () => (statesOf("job-later").includes("JOB_RUN_STATE_RUNNING") ? true : undefined));
    const interrupted = await eventually(
      "the later job interrupted when its lease ran out",
      async () => (statesOf("job-later").includes("JOB_RUN_STATE_INTERRUPTED") ? true : undefined),
      20_000,
    );
    expect(interrupted).toBe(true);
  });
});
