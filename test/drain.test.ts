/**
 * SIGTERM under load, each service on its own (the agent's drain is in
 * faults.test.ts). Settlement finishes the batch it is writing, acks it, hands
 * the rest back and exits 0: what it wrote is what JetStream has as
 * acknowledged, and started again it settles the rest, each event once. The leading broker answers
 * the calls in flight, writes what it has, gives up its lease (so a standby
 * leads at once, not after the lease) and exits 0: every job it accepted is
 * there, and a retry of a call it refused makes no second job.
 */
import * as grpc from "@grpc/grpc-js";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toTimestamp, usageBatchCodec, type JobServiceClient, type SubmitJobResponse__Output } from "@tokengrid/contracts";
import { connectNats, jetstream, jetStreamManager, names } from "@tokengrid/events";
import { startStack, type Stack } from "@tokengrid/stack";
import { eventually, freePort, testEnv, type TestEnv } from "@tokengrid/stack/testing";
import { accountClient, jobClient, keyMetadata, publishPlacement, unary } from "./helpers.js";

const TENANT = "drain-tenant";
let md: grpc.Metadata;
const LEADER_LEASE_MS = 10_000;

let env: TestEnv;
let stack: Stack;
let db: pg.Client;

beforeAll(async () => {
  env = await testEnv("drain");
  stack = await startStack({
    namespace: env.namespace,
    natsUrl: env.natsUrl,
    databaseUrl: env.databaseUrl,
    brokerAddress: `127.0.0.1:${await freePort()}`,
    standbyBrokerAddresses: [`127.0.0.1:${await freePort()}`],
    settlementAddress: `127.0.0.1:${await freePort()}`,
    agents: [],
    // Settlement logs each batch it commits at debug: the test stops it after the first.
    logLevel: "debug",
    env: { NODE_LEASE_MS: "30000", BROKER_LEADER_LEASE_MS: String(LEADER_LEASE_MS) },
  });
  md = keyMetadata(await stack.apiKey("tenant", TENANT));
  db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await stack?.stop();
  await env?.cleanup();
});

const committed = () => stack.settlement.lines.filter((l) => l.json?.["msg"] === "usage batch committed");

describe("settlement on SIGTERM", () => {
  it("finishes and acks the batch it is writing, exits 0, and loses nothing", async () => {
    const MESSAGES = 2000;
    const PER_MESSAGE = 100;
    const nc = await connectNats(env.natsUrl, "drain-publisher");
    try {
      const js = jetstream(nc);
      const subject = names(env.namespace).usageSubject("drain-node");
      for (let j = 0; j < 20; j++) await publishPlacement(js, env.namespace, TENANT, `drain-job-${j}`, "drain-node");
      // Settlement knows the placements before the usage comes, so that no message waits for one (the ack floor below counts on it).
      await eventually(
        "the placements recorded",
        async () => {
          const r = await db.query<{ n: string }>("select count(*)::text as n from job_assignments where job_id like 'drain-job-%'");
          return r.rows[0]!.n === "20" ? true : undefined;
        },
        20_000,
      );
      const now = Date.now();
      for (let m = 0; m < MESSAGES; m += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, k) => {
            const i = m + k;
            const events = Array.from({ length: PER_MESSAGE }, (_, e) => ({
              // Each job's events one after another, named by their place in its run.
              eventId: `drain-job-${i % 20}#0.1:drain-node:${Math.floor(i / 20) * PER_MESSAGE + e + 1}`,
              jobId: `drain-job-${i % 20}`,
              tenantId: TENANT,
              nodeId: "drain-node",
              operatorId: "op-drain",
              cluster: "guian",
              deviceModel: "ascend-910b",
              deviceCount: 1,
              amountMst: "1000",
              seq: Math.floor(i / 20) * PER_MESSAGE + e + 1,
              periodStartTime: toTimestamp(now - 55_000 + (Math.floor(i / 20) * PER_MESSAGE + e) * 5),
              periodEndTime: toTimestamp(now - 55_000 + (Math.floor(i / 20) * PER_MESSAGE + e + 1) * 5),
              final: false,
              attempt: 1,
            }));
            return js.publish(subject, usageBatchCodec().encode({ events }), { msgID: `drain-${i}` });
          }),
        );
      }
    } finally {
      await nc.close();
    }
    // Mid-stream: once the first batch is written, SIGTERM.
    await eventually("the first batch committed", async () => (committed().length > 0 ? true : undefined), 30_000, 20);
    stack.settlement.signal("SIGTERM");
    expect(await stack.settlement.whenExited()).toBe(0);
    const before = await db.query<{ n: string }>("select count(*)::text as n from usage_events where event_id like 'drain-%'");
    const writtenBefore = Number(before.rows[0]!.n);
    // It stopped part of the way (otherwise this test shows nothing about a drain).
    expect(writtenBefore).toBeGreaterThan(0);
    expect(writtenBefore).toBeLessThan(MESSAGES * PER_MESSAGE);

    // What it wrote, it acknowledged: JetStream's ack floor is the messages written (they are taken in order).
    const ackFloor = await (async () => {
      const nc = await connectNats(env.natsUrl, "drain-check");
      try {
        const n = names(env.namespace);
        const info = await (await jetStreamManager(nc, env.natsUrl)).consumers.info(n.usageStream, n.settlementUsageConsumer);
        return info.ack_floor.stream_seq;
      } finally {
        await nc.close();
      }
    })();
    expect(ackFloor * PER_MESSAGE).toBe(writtenBefore);

    await stack.settlement.start();
    const rows = await eventually(
      "every event settled",
      async () => {
        const r = await db.query<{ n: string; total: string }>(
          "select count(*)::text as n, coalesce(sum(amount_mst), 0)::text as total from usage_events where event_id like 'drain-%'",
        );
        return Number(r.rows[0]!.n) >= MESSAGES * PER_MESSAGE ? r.rows[0] : undefined;
      },
      60_000,
    );
    expect(rows).toEqual({ n: String(MESSAGES * PER_MESSAGE), total: String(MESSAGES * PER_MESSAGE * 1000) });
    // Every batch written before the SIGTERM was acknowledged: none came back to the restarted service.
  });
});

describe("the leading broker on SIGTERM", () => {
  it("answers what is in flight, exits 0, hands the lead over at once, and loses no accepted job", async () => {
    const accounts = accountClient(stack.options.settlementAddress, stack.tls);
    await unary((cb) => accounts.PurchasePackage({ requestId: "drain-buy", packageId: "enterprise-100b" }, md, cb));
    accounts.close();
    const leader = jobClient(stack.options.brokerAddress, stack.tls);
    const standby = jobClient(stack.options.standbyBrokerAddresses[0]!, stack.tls);
    const submit = (client: JobServiceClient, requestId: string) =>
      unary<SubmitJobResponse__Output>((cb) =>
        client.SubmitJob(
          { requestId, spec: { kind: "JOB_KIND_BATCH", sizeSt: "1000", devices: 1 } },
          md,
          { deadline: Date.now() + 15_000 },
          cb,
        ),
      );
    const accepted = new Map<string, string>();
    const refused = new Map<string, number>();
    let sigtermAt = 0;
    // Eight callers submit one job after another until the leader refuses them.
    const caller = async (c: number) => {
      for (let i = 0; ; i++) {
        const requestId = `drain-${c}-${i}`;
        try {
          accepted.set(requestId, (await submit(leader, requestId)).job!.jobId);
        } catch (err) {
          refused.set(requestId, (err as grpc.ServiceError).code);
          return;
        }
        if (accepted.size >= 40 && sigtermAt === 0) {
          sigtermAt = Date.now();
          stack.broker.signal("SIGTERM");
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, c) => caller(c)));
    expect(await stack.broker.whenExited()).toBe(0);
    // Every call got an answer: accepted, or UNAVAILABLE (retry); nothing worse.
    expect([...refused.values()].every((code) => code === grpc.status.UNAVAILABLE)).toBe(true);

    // The standby leads well before the old leader's lease would have run out: it was given up, not left to expire.
    await eventually("the standby leading", async () => {
      try {
        return await submit(standby, "drain-after");
      } catch {
        return undefined;
      }
    });
    expect(Date.now() - sigtermAt).toBeLessThan(LEADER_LEASE_MS);

    // Every job the old leader accepted is there; retries of what it refused make no second job.
    for (const [requestId, jobId] of accepted) {
      const again = await submit(standby, requestId);
      expect(again).toMatchObject({ created: false, job: { jobId } });
    }
    for (const requestId of refused.keys()) await submit(standby, requestId);
    const listed = await unary<{ jobs: unknown[] }>((cb) => standby.ListJobs({ pageSize: 500 }, md, cb));
    expect(listed.jobs).toHaveLength(accepted.size + refused.size + 1);
    leader.close();
    standby.close();
  });
});
