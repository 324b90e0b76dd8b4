/**
 * Overload: the broker's queue of jobs waiting for nodes is bounded; beyond
 * it SubmitJob is RESOURCE_EXHAUSTED with advice, and nothing is recorded or
 * held for the refused job. Open WatchJob streams are bounded per tenant and
 * in all. Settlement and the broker run in this process on
 * the real NATS and PostgreSQL, with no nodes, so every job waits.
 */
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBrokerConfig, startBroker, type RunningBroker } from "@tokengrid/broker";
import { loadSettlementConfig, startSettlement, type RunningSettlement } from "@tokengrid/settlement";
import type { GetJobResponse__Output, JobServiceClient, ListJobsResponse__Output, SubmitJobResponse__Output } from "@tokengrid/contracts";
import { eventually, freePort, testApiKey, testCertificates, testEnv, type TestCertificates, type TestEnv } from "@tokengrid/stack/testing";
import { accountClient, failure, jobClient, keyMetadata, unary, watchToEnd } from "./helpers.js";

let env: TestEnv;
let tls: TestCertificates;
let settlement: RunningSettlement;
let broker: RunningBroker;
let jobs: JobServiceClient;
let md: grpc.Metadata;
let other: grpc.Metadata;

beforeAll(async () => {
  env = await testEnv("overload");
  tls = await testCertificates("overload");
  md = keyMetadata(await testApiKey(env, "tenant", "overload-tenant"));
  other = keyMetadata(await testApiKey(env, "tenant", "overload-other"));
  settlement = await startSettlement(
    loadSettlementConfig({
      ...tls.settlement,
      SETTLEMENT_ADDRESS: `127.0.0.1:${await freePort()}`,
      NATS_URL: env.natsUrl,
      DATABASE_URL: env.databaseUrl,
      TOKENGRID_NAMESPACE: env.namespace,
      LOG_LEVEL: "warn",
    }),
  );
  broker = await startBroker(
    loadBrokerConfig({
      ...tls.broker,
      BROKER_ADDRESS: `127.0.0.1:${await freePort()}`,
      SETTLEMENT_ADDRESS: settlement.address,
      NATS_URL: env.natsUrl,
      TOKENGRID_NAMESPACE: env.namespace,
      MAX_PENDING_JOBS: "3",
      FINISHED_JOBS_KEPT: "2",
      MAX_WATCHES: "3",
      MAX_WATCHES_PER_TENANT: "2",
      LOG_LEVEL: "warn",
    }),
  );
  jobs = jobClient(broker.address, tls.client);
  const accounts = accountClient(settlement.address, tls.client);
  await unary((cb) => accounts.PurchasePackage({ requestId: "overload-buy", packageId: "enterprise-100b" }, md, cb));
  await unary((cb) => accounts.PurchasePackage({ requestId: "overload-buy-2", packageId: "enterprise-100b" }, other, cb));
  accounts.close();
});

afterAll(async () => {
  jobs?.close();
  await broker?.stop();
  await settlement?.stop();
  await env?.cleanup();
  tls?.cleanup();
});

const submit = (requestId: string) =>
  unary<SubmitJobResponse__Output>((cb) =>
    jobs.SubmitJob({ requestId, spec: { kind: "JOB_KIND_BATCH", sizeSt: "1000", devices: 1 } }, md, cb),
  );

describe("a full queue", () => {
  it("refuses more jobs with RESOURCE_EXHAUSTED and advice, records nothing, and still answers retries", async () => {
    for (const id of ["q1", "q2", "q3"]) expect((await submit(id)).created).toBe(true);
    const refused = await failure(submit("q4"));
    expect(refused.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(refused.details).toMatch(/3 jobs waiting for nodes.*MAX_PENDING_JOBS.*retry/);
    const listed = await unary<ListJobsResponse__Output>((cb) => jobs.ListJobs({ pageSize: 100 }, md, cb));
    expect(listed.jobs).toHaveLength(3);
    // A retry of an accepted job is not a new job: it is answered, full queue or not.
    const again = await submit("q2");
    expect(again.created).toBe(false);
  });

  it("keeps only the most recent finished jobs in memory; older ones are still found in the store", async () => {
    const ids: string[] = [];
    for (const id of ["q1", "q2", "q3"]) {
      const job = (await submit(id)).job!;
      ids.push(job.jobId);
      await unary((cb) => jobs.CancelJob({ jobId: job.jobId, reason: "test" }, md, cb));
    }
    const listed = await unary<ListJobsResponse__Output>((cb) => jobs.ListJobs({ pageSize: 100 }, md, cb));
    expect(listed.jobs.map((j) => j.jobId)).toEqual([ids[2], ids[1]]);
    // The oldest left memory, not the store: GetJob, WatchJob and CancelJob still know it.
    const old = await unary<GetJobResponse__Output>((cb) => jobs.GetJob({ jobId: ids[0]! }, md, cb));
    expect(old.job!.state).toBe("JOB_STATE_CANCELLED");
    const history = await watchToEnd(jobs, md, ids[0]!);
    expect(history.transitions.at(-1)!.state).toBe("JOB_STATE_CANCELLED");
    const cancelAgain = await failure(unary((cb) => jobs.CancelJob({ jobId: ids[0]!, reason: "again" }, md, cb)));
    expect(cancelAgain.code).toBe(grpc.status.FAILED_PRECONDITION);
    // And a submission can come in again, the queue being empty.
    expect((await submit("q5")).created).toBe(true);
  });
});

/** Opens a WatchJob stream; `first` says whether it started (its first message came) or was refused. */
function openWatch(client: JobServiceClient, metadata: grpc.Metadata, jobId: string) {
  const stream = client.WatchJob({ jobId }, metadata);
  const first = new Promise<"streaming" | grpc.ServiceError>((resolve) => {
    stream.once("data", () => resolve("streaming"));
    stream.once("error", (err: grpc.ServiceError) => resolve(err));
  });
  stream.on("error", () => {});
  return { stream, first };
}

describe("open WatchJob streams", () => {
  it("are bounded per tenant and in all, with RESOURCE_EXHAUSTED naming the limit; a closed one frees its place", async () => {
    const mine = (await submit("w1")).job!.jobId;
    const theirs = (
      await unary<SubmitJobResponse__Output>((cb) =>
        jobs.SubmitJob({ requestId: "w2", spec: { kind: "JOB_KIND_BATCH", sizeSt: "1000", devices: 1 } }, other, cb),
      )
    ).job!.jobId;
    const a = openWatch(jobs, md, mine);
    const b = openWatch(jobs, md, mine);
    expect(await a.first).toBe("streaming");
    expect(await b.first).toBe("streaming");
    const third = (await openWatch(jobs, md, mine).first) as grpc.ServiceError;
    expect(third.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(third.details).toMatch(/MAX_WATCHES_PER_TENANT, is 2/);

    // Another tenant has its own allowance, within the broker's.
    const c = openWatch(jobs, other, theirs);
    expect(await c.first).toBe("streaming");
    const over = (await openWatch(jobs, other, theirs).first) as grpc.ServiceError;
    expect(over.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(over.details).toMatch(/MAX_WATCHES, is 3/);

    // A refused watch took no place; a closed one gives its place back.
    a.stream.cancel();
    const again = await eventually("a place for another watch", async () => {
      const w = openWatch(jobs, md, mine);
      const r = await w.first;
      return r === "streaming" ? w : (w.stream.cancel(), undefined);
    });
    for (const w of [b, c, again]) w.stream.cancel();
  });
});
