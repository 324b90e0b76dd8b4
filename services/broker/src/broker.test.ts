/**
 * A create that NATS stored but never acknowledged (the ack was lost, or came
 * after the client's timeout): the tenant was told UNAVAILABLE, yet the job is
 * in the store. The leader looks such jobs up again and takes them in, so an
 * accepted job is never left unseen until a retry or the next leader. Real
 * NATS; the store's create is made to lose its acknowledgement.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMarket } from "@tokengrid/config";
import { UnavailableError } from "@tokengrid/domain";
import { connectNats, ensureStreams, jetstream, jetStreamManager, names, NodeRegistry, type NatsConnection } from "@tokengrid/events";
import { testEnv, type TestEnv } from "@tokengrid/stack/testing";
import { createLogger } from "@tokengrid/telemetry";
import { Broker } from "./broker.js";
import { JobStore } from "./job-store.js";
import { validateJobSpec } from "./validation.js";

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
    const { spec, sizeMst } = validateJobSpec({
      kind: "JOB_KIND_BATCH",
      modelParams: "0",
      tokens: "0",
      sizeSt: "1000",
      devices: 1,
      softwareStacks: [],
      origin: "",
      maxLatencyMs: 0,
      allowedClusters: [],
      precision: "PRECISION_UNSPECIFIED",
      replicas: 0,
      slice: null,
      memoryMbPerDevice: "0",
      minGreenShare: 0,
      maxPricePerMillionStYuan: 0,
      priorityClass: "PRIORITY_CLASS_UNSPECIFIED",
      deadline: null,
      command: [],
      env: {},
      timeLimitSeconds: 0,
    });
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
  });
});
