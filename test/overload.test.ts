/**
 * Overload: the broker's queue of jobs waiting for nodes is bounded; beyond
 * it SubmitJob is RESOURCE_EXHAUSTED with advice, and nothing is recorded or
 * held for the refused job. Settlement and the broker run in this process on
 * the real NATS and PostgreSQL, with no nodes, so every job waits.
 */
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBrokerConfig, startBroker, type RunningBroker } from "@tokengrid/broker";
import { loadSettlementConfig, startSettlement, type RunningSettlement } from "@tokengrid/settlement";
import type { GetJobResponse__Output, JobServiceClient, ListJobsResponse__Output, SubmitJobResponse__Output } from "@tokengrid/contracts";
import { freePort, testEnv, type TestEnv } from "@tokengrid/stack/testing";
import { accountClient, failure, jobClient, tenantMetadata, unary, watchToEnd } from "./helpers.js";

let env: TestEnv;
let settlement: RunningSettlement;
let broker: RunningBroker;
let jobs: JobServiceClient;
const md = tenantMetadata("overload-tenant");

beforeAll(async () => {
  env = await testEnv("overload");
  settlement = await startSettlement(
    loadSettlementConfig({
      SETTLEMENT_ADDRESS: `127.0.0.1:${await freePort()}`,
      NATS_URL: env.natsUrl,
      DATABASE_URL: env.databaseUrl,
      TOKENGRID_NAMESPACE: env.namespace,
      LOG_LEVEL: "warn",
    }),
  );
  broker = await startBroker(
    loadBrokerConfig({
      BROKER_ADDRESS: `127.0.0.1:${await freePort()}`,
      SETTLEMENT_ADDRESS: settlement.address,
      NATS_URL: env.natsUrl,
      TOKENGRID_NAMESPACE: env.namespace,
      MAX_PENDING_JOBS: "3",
      FINISHED_JOBS_KEPT: "2",
      LOG_LEVEL: "warn",
    }),
  );
  jobs = jobClient(broker.address);
  const accounts = accountClient(settlement.address);
  await unary((cb) => accounts.PurchasePackage({ requestId: "overload-buy", packageId: "enterprise-100b" }, md, cb));
  accounts.close();
});

afterAll(async () => {
  jobs?.close();
  await broker?.stop();
  await settlement?.stop();
  await env?.cleanup();
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
