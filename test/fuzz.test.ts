/**
 * Property-based fuzzing (fast-check) of a running broker and settlement
 * (real processes, mTLS, NATS, PostgreSQL): thousands of random and
 * malformed requests — well-typed messages with wild values, and raw bytes
 * that are not messages at all — at every tenant door. No process dies, no
 * answer is a server-fault status (INTERNAL, UNKNOWN, DATA_LOSS,
 * UNAVAILABLE), and nothing changes: the fuzzing tenants hold no tokens, so
 * even a request that happens to be valid creates nothing.
 */
import * as grpc from "@grpc/grpc-js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protos, type JobServiceClient, type ListJobsResponse__Output } from "@tokengrid/contracts";
import { channelCredentials } from "@tokengrid/security";
import { startStack, type Stack } from "@tokengrid/stack";
import { freePort, seededRandom, testEnv, type TestEnv } from "@tokengrid/stack/testing";
import { jobClient, keyMetadata, unary } from "./helpers.js";

const SERVER_FAULTS = new Set([grpc.status.INTERNAL, grpc.status.UNKNOWN, grpc.status.DATA_LOSS, grpc.status.UNAVAILABLE]);
const TENANTS = 8;

let env: TestEnv;
let stack: Stack;
let jobs: JobServiceClient;
let mds: grpc.Metadata[];

beforeAll(async () => {
  env = await testEnv("fuzz");
  stack = await startStack({
    namespace: env.namespace,
    natsUrl: env.natsUrl,
    databaseUrl: env.databaseUrl,
    brokerAddress: `127.0.0.1:${await freePort()}`,
    settlementAddress: `127.0.0.1:${await freePort()}`,
    agents: [{ nodeId: "fuzz-node", operatorId: "op-fuzz", cluster: "guian", accelerators: [{ model: "ascend-910b", count: 8 }] }],
    logLevel: "info",
  });
  jobs = jobClient(stack.options.brokerAddress, stack.tls);
  // Several tenants, so that the per-tenant rate does not hide what is behind it.
  mds = [];
  for (let t = 0; t < TENANTS; t++) mds.push(keyMetadata(await stack.apiKey("tenant", `fuzz-${t}`)));
});

afterAll(async () => {
  jobs?.close();
  await stack?.stop();
  await env?.cleanup();
});

let turn = 0;
const nextMd = () => mds[turn++ % TENANTS]!;

/** The status a call ended with (0 when it succeeded). */
function statusOf(invoke: (cb: (err: grpc.ServiceError | null) => void) => unknown): Promise<{ code: number; details: string }> {
  return new Promise((resolve) => invoke((err) => resolve({ code: err?.code ?? 0, details: err?.details ?? "" })));
}

// Well-typed values, wild in range and form.
const int64 = fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String), fc.constantFrom("0", "1", "1000", "-1"));
const uint32 = fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 100 }));
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.constantFrom("", "guian", "shanghai", "cuda"),
);
const double = fc.oneof(fc.double(), fc.constantFrom(0, 0.5, 1, -1, Number.NaN, Number.POSITIVE_INFINITY));
const enumValue = (names: string[]) => fc.oneof(fc.constantFrom(...names), fc.integer({ min: -5, max: 1000 }));
const timestamp = fc.record({
  seconds: fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }).map(String),
  nanos: fc.integer({ min: -1, max: 2e9 }),
});
const spec = fc.record(
  {
    kind: enumValue(["JOB_KIND_UNSPECIFIED", "JOB_KIND_TRAINING", "JOB_KIND_INFERENCE", "JOB_KIND_BATCH"]),
    modelParams: int64,
    tokens: int64,
    sizeSt: int64,
    devices: uint32,
    softwareStacks: fc.array(text, { maxLength: 40 }),
    origin: text,
    maxLatencyMs: uint32,
    allowedClusters: fc.array(text, { maxLength: 20 }),
    precision: enumValue(["PRECISION_UNSPECIFIED", "PRECISION_BF16", "PRECISION_FP8", "PRECISION_INT8"]),
    replicas: uint32,
    slice: fc.record({ computePercent: uint32, memoryMb: uint64 }, { requiredKeys: [] }),
    memoryMbPerDevice: uint64,
    minGreenShare: double,
    maxPricePerMillionStYuan: double,
    priorityClass: enumValue(["PRIORITY_CLASS_UNSPECIFIED", "PRIORITY_CLASS_HIGH", "PRIORITY_CLASS_LOW"]),
    deadline: timestamp,
  },
  { requiredKeys: [] },
);

const request = fc.oneof(
  fc.record({ method: fc.constant("SubmitJob" as const), body: fc.record({ requestId: text, spec }, { requiredKeys: [] }) }),
  fc.record({
    method: fc.constant("Quote" as const),
    body: fc.record({ spec, startTime: timestamp, maxOptions: uint32 }, { requiredKeys: [] }),
  }),
  fc.record({ method: fc.constant("GetJob" as const), body: fc.record({ jobId: text }, { requiredKeys: [] }) }),
  fc.record({ method: fc.constant("CancelJob" as const), body: fc.record({ jobId: text, reason: text }, { requiredKeys: [] }) }),
  fc.record({ method: fc.constant("ListJobs" as const), body: fc.record({ pageSize: uint32, pageToken: text }, { requiredKeys: [] }) }),
);

describe("a running broker under random requests", () => {
  it("answers thousands of random well-typed requests without a server fault, and creates nothing", async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ method, body }) => {
        const client = jobs as unknown as Record<
          string,
          (b: unknown, md: grpc.Metadata, cb: (err: grpc.ServiceError | null) => void) => void
        >;
        const { code, details } = await statusOf((cb) => client[method]!.call(jobs, body, nextMd(), cb));
        seen.set(code, (seen.get(code) ?? 0) + 1);
        expect(
          SERVER_FAULTS.has(code),
          `${method} ${JSON.stringify(body, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))} → ${code} ${details}`,
        ).toBe(false);
      }),
      { numRuns: 2000, seed: 7 },
    );
    // Most were refused for what they said; some were well-formed and the tenant could not pay.
    expect(seen.get(grpc.status.INVALID_ARGUMENT) ?? 0).toBeGreaterThan(500);
    expect(stack.broker.running && stack.settlement.running).toBe(true);
    for (const md of mds) {
      const listed = await unary<ListJobsResponse__Output>((cb) => jobs.ListJobs({}, md, cb));
      expect(listed.jobs).toEqual([]);
    }
  });

  it("answers raw bytes that are not messages with INVALID_ARGUMENT or another client-fault status", async () => {
    const raw = (b: Buffer) => b;
    const doors = [
      { address: stack.options.brokerAddress, service: protos().job.tokengrid.job.v1.JobService.service },
      { address: stack.options.brokerAddress, service: protos().node.tokengrid.node.v1.NodeService.service },
      { address: stack.options.settlementAddress, service: protos().account.tokengrid.account.v1.AccountService.service },
    ];
    const paths = doors.flatMap((d) =>
      Object.values(d.service)
        .filter((m) => !m.requestStream)
        .map((m) => ({ address: d.address, path: m.path, streaming: m.responseStream })),
    );
    const clients = new Map(doors.map((d) => [d.address, new grpc.Client(d.address, channelCredentials(stack.tls))]));
    const rand = seededRandom(11);
    let invalid = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.nat(), async (bytes, which) => {
          const p = paths[which % paths.length]!;
          const client = clients.get(p.address)!;
          const md = rand() < 0.9 ? nextMd() : new grpc.Metadata();
          const { code, details } = await new Promise<{ code: number; details: string }>((resolve) => {
            if (p.streaming) {
              const s = client.makeServerStreamRequest(p.path, raw, raw, Buffer.from(bytes), md, { deadline: Date.now() + 5000 });
              s.on("data", () => s.cancel());
              s.on("error", (err: grpc.ServiceError) =>
                resolve({ code: err.code === grpc.status.CANCELLED ? 0 : err.code, details: err.details }),
              );
              s.on("end", () => resolve({ code: 0, details: "" }));
            } else
              client.makeUnaryRequest(p.path, raw, raw, Buffer.from(bytes), md, { deadline: Date.now() + 5000 }, (err) =>
                resolve({ code: err?.code ?? 0, details: err?.details ?? "" }),
              );
          });
          if (code === grpc.status.INVALID_ARGUMENT) invalid += 1;
          expect(SERVER_FAULTS.has(code), `${p.path} with ${bytes.length} bytes → ${code} ${details}`).toBe(false);
        }),
        { numRuns: 1500, seed: 13 },
      );
    } finally {
      for (const c of clients.values()) c.close();
    }
    expect(invalid).toBeGreaterThan(100);
    expect(stack.broker.running && stack.settlement.running).toBe(true);
  });
});
