/**
 * Bills that match the record, and settlement that trusts the placement, not
 * the event: real PostgreSQL, the node registry on real NATS, events as
 * JetStream hands them over. Forged events are published as a node's own
 * agent would (its subject, its ids): only what the placement and the
 * registration say decides what they are worth.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultMarket, DEVICES, stPerSecond, valueUsage } from "@tokengrid/domain";
import { jobEventCodec, toTimestamp, usageBatchCodec, type JobEvent } from "@tokengrid/contracts";
import { openDatabase, sql, type Database, type Kysely } from "@tokengrid/db";
import { connectNats, names, NodeRegistry, type JsMsg, type NatsConnection } from "@tokengrid/events";
import { ACCOUNTS, authorize, balance, imbalances, purchase, seedLedger, statement } from "@tokengrid/ledger";
import { createLogger } from "@tokengrid/telemetry";
import { testEnv, type TestEnv } from "@tokengrid/stack/testing";
import { ingestJobEvents, ingestUsage, type UsageContext } from "./ingest.js";
import { NodeDirectory } from "./node-directory.js";

let env: TestEnv;
let db: Kysely<Database>;
let nc: NatsConnection;
let nodes: NodeDirectory;
let ctx: UsageContext;
const log = createLogger("test", "silent");
const market = defaultMarket();
const NODE = { nodeId: "f-node", operatorId: "op-f", cluster: "horinger", device: "nvidia-h100-sxm" };
const h100 = DEVICES.find((d) => d.id === NODE.device)!;
/** One H100 second of BF16 training, mST: what an honest agent meters. */
const SECOND_MST = BigInt(Math.floor(stPerSecond(h100, "BF16", "training")! * 1000));

beforeAll(async () => {
  env = await testEnv("bills");
  db = await openDatabase(env.databaseUrl);
  await seedLedger(db);
  nc = await connectNats(env.natsUrl, "bills-test");
  const registry = await NodeRegistry.open(nc, names(env.namespace).nodesBucket);
  await registry.put({
    nodeId: NODE.nodeId,
    operatorId: NODE.operatorId,
    cluster: NODE.cluster,
    accelerators: [{ model: NODE.device, vendor: "nvidia", softwareStack: "cuda", count: 8, memoryMb: 81920 }],
  });
  nodes = await NodeDirectory.open(registry);
  ctx = { db, market, log, nodes };
});

afterAll(async () => {
  nodes?.close();
  await nc?.close();
  await db?.destroy();
  await env?.cleanup();
});

const asMsg = (subject: string, data: Uint8Array): JsMsg =>
  ({ subject, seq: 0, headers: undefined, term: () => {}, data }) as unknown as JsMsg;

let eventIndex = 0;
/** A job event as the broker publishes it. */
async function jobEvent(e: Partial<JobEvent> & { jobId: string; tenantId: string; state: JobEvent["state"] }): Promise<void> {
  const event: JobEvent = {
    eventId: `${e.jobId}:${eventIndex++}`,
    kind: "JOB_KIND_TRAINING",
    time: toTimestamp(Date.now()),
    nodeId: NODE.nodeId,
    cluster: NODE.cluster,
    sizeMst: "0",
    message: "",
    ...e,
  };
  await ingestJobEvents(db, [asMsg(names(env.namespace).jobSubject(e.tenantId), jobEventCodec().encode(event))], log);
}

/** The broker's placement of replica 0 on the node (attempt 1), with its terms. */
async function place(jobId: string, tenantId: string, sizeMst: bigint, assignedMs = Date.now() - 600_000): Promise<void> {
  await jobEvent({
    jobId,
    tenantId,
    state: "JOB_STATE_SCHEDULED",
    time: toTimestamp(assignedMs),
    sizeMst: sizeMst.toString(),
    attempt: 1,
    precision: "PRECISION_BF16",
    replicas: [{ replica: 0, nodeId: NODE.nodeId, deviceCount: 1, cluster: NODE.cluster, deviceModel: NODE.device }],
  });
}

/** A usage event as the node's agent names and publishes it, on the node's own subject. */
function usage(jobId: string, tenantId: string, seq: number, o: Record<string, unknown> = {}): Record<string, unknown> {
  const end = Date.now() - 100_000 + seq * 1000;
  return {
    eventId: `${jobId}#0.1:${NODE.nodeId}:${seq}`,
    jobId,
    tenantId,
    nodeId: NODE.nodeId,
    operatorId: NODE.operatorId,
    cluster: NODE.cluster,
    deviceModel: NODE.device,
    deviceCount: 1,
    amountMst: SECOND_MST.toString(),
    seq,
    replica: 0,
    attempt: 1,
    periodStartTime: toTimestamp(end - 1000),
    periodEndTime: toTimestamp(end),
    final: false,
    kind: "JOB_KIND_TRAINING",
    precision: "PRECISION_BF16",
    ...o,
  };
}

async function settle(...events: Record<string, unknown>[]): Promise<void> {
  const { retry } = await ingestUsage(ctx, [
    asMsg(names(env.namespace).usageSubject(NODE.nodeId), usageBatchCodec().encode({ events: events as never })),
  ]);
  expect(retry).toEqual([]);
}

const paid = async (jobId: string) =>
  (
    await sql<{
      event_id: string;
      amount_mst: string;
      nano: string;
    }>`select event_id, amount_mst::text, operator_nano_yuan::text as nano from usage_events where job_id = ${jobId} order by seq`.execute(
      db,
    )
  ).rows;
const quarantined = async (jobId: string) =>
  (
    await sql<{
      event_id: string;
      amount_mst: string;
      code: string;
      reason: string;
    }>`select event_id, amount_mst::text, code, reason from analytics.usage_quarantine where job_id = ${jobId} order by quarantined_at, amount_mst`.execute(
      db,
    )
  ).rows;
/** What the tenant paid for a job: its charges, less what was given back. */
async function billed(jobId: string): Promise<bigint> {
  const r = await sql<{ n: string }>`
    select (coalesce(sum(amount) filter (where kind in ('capture', 'usage', 'overdraft')), 0)
          - coalesce(sum(amount) filter (where kind = 'loss_return'), 0))::text as n
    from ledger_transfers where hold_id = ${jobId} and status = 'posted'`.execute(db);
  return BigInt(r.rows[0]!.n);
}

describe("forged usage: price, kind, precision and conditions come from the placement", () => {
  it("pays a genuine event at the placement's terms; claims of another precision, kind or cluster are quarantined and change nothing", async () => {
    const tenant = "t-forged";
    // A tenant whose only tokens are green-only: a forged claim of a green cluster must not reach them.
    await purchase(db, tenant, "green-1b", "green", Date.now());
    await purchase(db, tenant, "standard-1b", "standard", Date.now());
    const before = await balance(db, tenant, Date.now());
    for (const j of ["f-ok", "f-fp32", "f-inference", "f-both", "f-tianfu"]) await place(j, tenant, 1_000_000_000n);
    await settle(usage("f-ok", tenant, 1));
    await settle(usage("f-fp32", tenant, 1, { precision: "PRECISION_FP32" }));
    await settle(usage("f-inference", tenant, 1, { kind: "JOB_KIND_INFERENCE" }));
    await settle(
      usage("f-both", tenant, 1, { kind: "JOB_KIND_INFERENCE", precision: "PRECISION_FP32", amountMst: String(SECOND_MST * 3n) }),
    );
    await settle(usage("f-tianfu", tenant, 1, { cluster: "tianfu" }));

    // The genuine one: paid at BF16 training on the node's registered cluster.
    const ok = await paid("f-ok");
    const value = valueUsage(market, {
      cluster: NODE.cluster,
      deviceModel: NODE.device,
      kind: "TRAINING",
      precision: "BF16",
      amountMst: SECOND_MST,
      atMs: Date.now() - 99_000,
    })!;
    expect(ok).toHaveLength(1);
    expect(BigInt(ok[0]!.nano)).toBe(value.operatorNanoYuan);
    for (const j of ["f-fp32", "f-inference", "f-both", "f-tianfu"]) {
      expect(await paid(j), j).toEqual([]);
      expect((await quarantined(j)).map((q) => q.code)).toEqual([j === "f-tianfu" ? "registration" : "terms"]);
    }
    expect((await quarantined("f-fp32"))[0]!.reason).toMatch(/claims precision FP32; its placement is precision BF16/);
    expect((await quarantined("f-inference"))[0]!.reason).toMatch(/claims kind INFERENCE; its placement is kind TRAINING/);
    expect((await quarantined("f-tianfu"))[0]!.reason).toMatch(/names cluster tianfu; node f-node registered in horinger/);
    // Only the genuine second was drawn from the tenant's tokens.
    const after = await balance(db, tenant, Date.now());
    expect(before.availableMst - after.availableMst).toBe(SECOND_MST);
  });

  it("a node the registry does not know is held to its placement's cluster and device", async () => {
    const tenant = "t-forged";
    await jobEvent({
      jobId: "f-unregistered",
      tenantId: tenant,
      state: "JOB_STATE_SCHEDULED",
      time: toTimestamp(Date.now() - 600_000),
      attempt: 1,
      precision: "PRECISION_BF16",
      replicas: [{ replica: 0, nodeId: "f-stranger", deviceCount: 1, cluster: "horinger", deviceModel: NODE.device }],
    });
    const event = {
      ...usage("f-unregistered", tenant, 1, { cluster: "tianfu" }),
      nodeId: "f-stranger",
      eventId: "f-unregistered#0.1:f-stranger:1",
    };
    await ingestUsage(ctx, [
      asMsg(names(env.namespace).usageSubject("f-stranger"), usageBatchCodec().encode({ events: [event as never] })),
    ]);
    expect(await paid("f-unregistered")).toEqual([]);
    expect((await quarantined("f-unregistered"))[0]!.reason).toMatch(/claims cluster tianfu; its placement is cluster horinger/);
  });

  it("quarantines usage beyond what the placement's devices could do in the time the broker gave it", async () => {
    const tenant = "t-forged";
    // Placed 1.5 s ago: at most (1.5 s + the clock allowance) of one H100's BF16 training, within the tolerance.
    const assigned = Date.now() - 1500;
    await place("f-bound", tenant, 1_000_000_000n, assigned);
    const period = { periodStartTime: toTimestamp(Date.now() - 1200), periodEndTime: toTimestamp(Date.now() - 200) };
    // Four seconds' work in one: under the device's best-precision peak (the physical bound), over the placement's.
    await settle(usage("f-bound", tenant, 1, { ...period, amountMst: String(SECOND_MST * 4n) }));
    expect(await paid("f-bound")).toEqual([]);
    const [q] = await quarantined("f-bound");
    expect(q!.code).toBe("placement_bound");
    expect(q!.reason).toMatch(/more than its 1 × nvidia-h100-sxm could do in the \d+ ms the broker gave it/);
    // The same placement's honest second is paid: the bound is on what the devices do, not on the event.
    await settle(usage("f-bound", tenant, 2, { ...period, amountMst: SECOND_MST.toString() }));
    expect((await paid("f-bound")).map((p) => p.amount_mst)).toEqual([SECOND_MST.toString()]);
  });

  it("a forged event that takes the next seq first does not displace the genuine one silently: both are visible, and counted", async () => {
    const tenant = "t-forged";
    await place("f-displace", tenant, 1_000_000_000n);
    await settle(usage("f-displace", tenant, 1));
    const forged = usage("f-displace", tenant, 2, { amountMst: String(SECOND_MST / 2n) });
    const genuine = usage("f-displace", tenant, 2);
    await settle(forged);
    await settle(genuine);
    const p = await paid("f-displace");
    expect(p.map((r) => r.amount_mst)).toEqual([SECOND_MST.toString(), String(SECOND_MST / 2n)]);
    const q = await quarantined("f-displace");
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ event_id: "f-displace#0.1:f-node:2", amount_mst: SECOND_MST.toString(), code: "id_conflict" });
    expect(q[0]!.reason).toMatch(/was settled before with other content .*not a redelivery/);
    // In one batch too: the second sighting under the id, with other content, is quarantined.
    await place("f-displace-2", tenant, 1_000_000_000n);
    await settle(usage("f-displace-2", tenant, 1, { amountMst: "5" }), usage("f-displace-2", tenant, 1));
    expect((await paid("f-displace-2")).map((r) => r.amount_mst)).toEqual(["5"]);
    expect((await quarantined("f-displace-2")).map((r) => r.code)).toEqual(["id_conflict"]);
    // Analysts count them.
    const counted = await sql<{ events: string }>`
      select sum(events)::text as events from analytics.usage_quarantine_daily where node_id = ${NODE.nodeId} and code = 'id_conflict'`.execute(
      db,
    );
    expect(Number(counted.rows[0]!.events)).toBeGreaterThanOrEqual(2);
  });

  it("an id replayed with other content is quarantined, once; an event is never both paid and quarantined", async () => {
    const tenant = "t-forged";
    await place("f-replay", tenant, 1_000_000_000n);
    const original = usage("f-replay", tenant, 1);
    await settle(original);
    const replay = { ...original, amountMst: String(SECOND_MST * 2n) };
    await settle(replay);
    await settle(replay);
    await settle(original);
    expect((await paid("f-replay")).map((r) => r.amount_mst)).toEqual([SECOND_MST.toString()]);
    const q = await quarantined("f-replay");
    expect(q.map((r) => [r.amount_mst, r.code])).toEqual([[String(SECOND_MST * 2n), "id_conflict"]]);
    // What was paid is not in the quarantine, and what was quarantined is not paid: amounts tell them apart.
    expect(q.some((r) => r.amount_mst === SECOND_MST.toString())).toBe(false);

    // An event quarantined because its placement was unknown stays unpaid when it comes again after the placement.
    const orphan = usage("f-late-placement", tenant, 1);
    await settle(orphan);
    expect((await quarantined("f-late-placement")).map((r) => r.code)).toEqual(["no_placement"]);
    await place("f-late-placement", tenant, 1_000_000_000n);
    await settle(orphan);
    expect(await paid("f-late-placement")).toEqual([]);
    expect(await quarantined("f-late-placement")).toHaveLength(1);
  });
});

describe("bills match the record", () => {
  it("a job charged beyond what its record kept (and its size) is given the rest back from the platform loss account, also for usage settled after it ended", async () => {
    const tenant = "t-bill";
    await purchase(db, tenant, "standard-1b", "standard", Date.now());
    const start = await balance(db, tenant, Date.now());
    const size = SECOND_MST * 3n;
    await authorize(db, tenant, "b-job", "b-job", size, Date.now(), 3_600_000);
    await place("b-job", tenant, size);
    // Four seconds of work for a three-second job, as a restarted run that did part of its work twice.
    await settle(usage("b-job", tenant, 1), usage("b-job", tenant, 2), usage("b-job", tenant, 3), usage("b-job", tenant, 4));
    expect(await billed("b-job")).toBe(SECOND_MST * 4n);
    await jobEvent({ jobId: "b-job", tenantId: tenant, state: "JOB_STATE_SUCCEEDED", sizeMst: size.toString(), keptMst: size.toString() });
    expect(await billed("b-job")).toBe(size);
    // Usage from before the end that is settled after it: given back as well.
    await settle(usage("b-job", tenant, 5));
    expect(await billed("b-job")).toBe(size);
    // The same final event again changes nothing.
    await jobEvent({ jobId: "b-job", tenantId: tenant, state: "JOB_STATE_SUCCEEDED", sizeMst: size.toString(), keptMst: size.toString() });
    expect(await billed("b-job")).toBe(size);
    const now = await balance(db, tenant, Date.now());
    expect(start.availableMst - now.availableMst).toBe(size);
    expect(now.heldMst).toBe(0n);
    // The loss is the platform's, in its account and in the analysts' view; operators keep what they were paid.
    const loss = await sql<{ d: string; c: string }>`
      select debits_posted::text as d, credits_posted::text as c from ledger_accounts where id = ${ACCOUNTS.platformLoss}`.execute(db);
    expect(BigInt(loss.rows[0]!.d) - BigInt(loss.rows[0]!.c)).toBeGreaterThanOrEqual(SECOND_MST * 2n);
    const view = await sql<{ kept_mst: string; charged_mst: string; lost_mst: string; paid_mst: string }>`
      select kept_mst::text, charged_mst::text, lost_mst::text, paid_mst::text from analytics.platform_losses where job_id = 'b-job'`.execute(
      db,
    );
    expect(view.rows[0]).toEqual({
      kept_mst: size.toString(),
      charged_mst: String(SECOND_MST * 5n),
      lost_mst: String(SECOND_MST * 2n),
      paid_mst: size.toString(),
    });
    expect((await paid("b-job")).length).toBe(5);
    for (const l of await imbalances(db)) expect(l).toMatchObject({ posted: 0n, pending: 0n });
    // The tenant's statement shows what it paid, not what was given back.
    const lines = await statement(db, tenant, "tenant", "month", Date.now() - 86_400_000);
    expect(lines.reduce((t, l) => t + l.usedMst, 0n)).toBe(size);
  });

  it("a job cancelled while running is billed what its record kept, and nothing for time after its placement ended", async () => {
    const tenant = "t-bill";
    await place("b-cancel", tenant, 1_000_000_000n, Date.now() - 120_000);
    const t = Date.now();
    const at = (from: number, to: number) => ({ periodStartTime: toTimestamp(t - from), periodEndTime: toTimestamp(t - to) });
    await settle(usage("b-cancel", tenant, 1, at(5000, 4000)));
    // The agent's last chunk, metered until the cancel reached it, often comes before the broker's word that the
    // placement ended: it waits for it.
    const last = asMsg(
      names(env.namespace).usageSubject(NODE.nodeId),
      usageBatchCodec().encode({ events: [usage("b-cancel", tenant, 2, { final: true, ...at(4000, 2000) }) as never] }),
    );
    expect((await ingestUsage(ctx, [last])).retry).toEqual([last]);
    const endedAt = t - 3000;
    await jobEvent({
      jobId: "b-cancel",
      tenantId: tenant,
      state: "JOB_STATE_CANCELLED",
      time: toTimestamp(endedAt),
      sizeMst: "1000000000",
      keptMst: "0",
    });
    // Then it is seen to end after the placement did: not paid.
    expect((await ingestUsage(ctx, [last])).retry).toEqual([]);
    // Its record kept nothing (no progress reached the broker before the cancel): nothing is billed.
    expect(await billed("b-cancel")).toBe(0n);
    const q = await quarantined("b-cancel");
    expect(q.map((r) => r.code)).toEqual(["after_end"]);
    const late = await sql<{
      n: string;
    }>`select count(*)::text as n from usage_events where job_id = 'b-cancel' and period_end > ${new Date(endedAt)}`.execute(db);
    expect(late.rows[0]!.n).toBe("0");
  });
});
