/**
 * A create that NATS stored but never acknowledged (the ack was lost, or came
 * after the client's timeout): the tenant was told UNAVAILABLE, yet the job is
 * in the store. The leader looks such jobs up again and takes them in, so an
 * accepted job is never left unseen until a retry or the next leader. Real
 * NATS; the store's create is made to lose its acknowledgement. And a leader
 * whose lease ran out with writes queued (frozen, say) writes none of them:
 * the store's put is held in flight while the lease runs out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMarket } from "@tokengrid/config";
import { UnavailableError } from "@tokengrid/domain";
import { connectNats, ensureStreams, jetstream, jetStreamManager, names, NodeRegistry, type NatsConnection } from "@tokengrid/events";
import { eventually, testEnv, type TestEnv } from "@tokengrid/stack/testing";
import { createLogger } from "@tokengrid/telemetry";
import { Broker } from "./broker.js";
import type { JobRecord } from "./job-record.js";
import { JobStore } from "./job-store.js";
import { validateJobSpec } from "./validation.js";
import { jobSpec } from "./testing.js";

let env: TestEnv;
let nc: NatsConnection;

beforeAll(async () => {
  env = await testEnv("brokerlate");
  nc = await connectNats(env.natsUrl, "broker-late-test");
  await ensureStreams(await jetStreamManager(nc, env.natsUrl), names(env.namespace));
});
afterAll(async () => {
  await nc?.close();
  await env?.cleanup();
});

/** A size-only batch job of 1000 ST on one device, validated as SubmitJob validates it. */
function smallBatchJob(): ReturnType<typeof validateJobSpec> {
  return validateJobSpec(jobSpec({ kind: "JOB_KIND_BATCH", sizeSt: "1000", devices: 1 }));
}

describe("a job stored without acknowledgement", () => {
  it("is found by the leader and taken in, as accepted", async () => {
    const n = names(env.namespace);
    const store = await JobStore.open(nc, n.jobsBucket, 1);
    // The write reaches NATS; its acknowledgement does not reach the broker.
    const lossy = Object.create(store) as JobStore;
    lossy.create = async (job) => {
      await store.create(job);
      throw new UnavailableError("the job store (NATS JetStream) did not acknowledge the job (timeout); retry with the same request_id");
    };
    const broker = new Broker({
      store: lossy,
      nodes: await NodeRegistry.open(nc, n.nodesBucket),
      js: jetstream(nc),
      names: n,
      log: createLogger("test", "silent"),
      nodeLostAfterMs: 3000,
      nodeLeaseMs: 10_000,
      market: loadMarket(undefined),
      authorize: async () => {},
    });
    await broker.lead(1);
    const { spec, sizeMst } = smallBatchJob();
    await expect(broker.submit("t-late", "r-late", spec, sizeMst)).rejects.toBeInstanceOf(UnavailableError);
    expect(broker.list("t-late", 10, "").jobs).toEqual([]);

    expect(await broker.recheckUnacknowledged()).toBe(1);
    const [job] = broker.list("t-late", 10, "").jobs;
    expect(job).toMatchObject({ tenantId: "t-late", requestId: "r-late", state: "PENDING" });
    // Looked up once: nothing is left in doubt.
    expect(await broker.recheckUnacknowledged()).toBe(0);
    // The tenant's retry finds the same job.
    const again = await broker.submit("t-late", "r-late", spec, sizeMst);
    expect(again).toMatchObject({ created: false, job: { jobId: job!.jobId } });
    await broker.flush();
    // Once written, a job's write queue is forgotten: the map holds only jobs with a write in flight
    // (the scheduling pass that follows a submit writes the job once more: wait for it).
    for (let i = 0; i < 100 && broker.jobsBeingWritten > 0; i++) {
      await broker.flush();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(broker.jobsBeingWritten).toBe(0);
  });
});

describe("a leader that lost its lease", () => {
  it("writes nothing it had queued: a job's record is not set back over what the next leader wrote", async () => {
    // The chaos runner found it: a leader frozen (SIGSTOP) past its lease, thawed, still ran the writes it had queued
    // for a running job, and put the job back to RUNNING after the next leader had recorded it SUCCEEDED; the leader
    // after that loaded it RUNNING, found it on no node and ran it again.
    const n = names(env.namespace);
    const store = await JobStore.open(nc, n.jobsBucket, 1);
    let leading = true;
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const puts: JobRecord[] = [];
    // The first write is in flight when the lease runs out; the next waits behind it.
    const slow = Object.create(store) as JobStore;
    slow.put = async (job) => {
      puts.push(job);
      if (puts.length === 1) await gate;
      await store.put(job);
    };
    const broker = new Broker({
      store: slow,
      nodes: await NodeRegistry.open(nc, n.nodesBucket),
      js: jetstream(nc),
      names: n,
      log: createLogger("test", "silent"),
      nodeLostAfterMs: 3000,
      nodeLeaseMs: 10_000,
      market: loadMarket(undefined),
      authorize: async () => {},
      isLeader: () => leading,
    });
    await broker.lead(1);
    const { spec, sizeMst } = smallBatchJob();
    const { job } = await broker.submit("t-deposed", "r-deposed", spec, sizeMst);
    // The scheduler writes why the job waits (no node can take it): that write is held in flight.
    await eventually("a write in flight", () => (puts.length === 1 ? true : undefined), 10_000, 20);
    const cancelled = broker.cancel("t-deposed", job.jobId, "changed my mind");
    // Taken while leading (the record says so); its write waits behind the one in flight. Then the lease runs out.
    await eventually("the cancel taken", () => (broker.list("t-deposed", 10, "").jobs[0]?.state === "CANCELLED" ? true : undefined));
    leading = false;
    release();
    // Its write would land after the lease ran out: refused, for the tenant to retry at the leader.
    await expect(cancelled).rejects.toBeInstanceOf(UnavailableError);
    await broker.flush();
    expect(puts.map((p) => p.state)).toEqual(["PENDING"]);
    expect((await store.get(job.jobId))?.state).toBe("PENDING");
  });
});
