/**
 * Redelivery against real NATS JetStream and PostgreSQL: the same batch twice,
 * and a crash between commit and ack, change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultMarket, valueUsage } from "@tokengrid/domain";
import { toTimestamp, usageBatchCodec } from "@tokengrid/contracts";
import { openDatabase, sql, type Database, type Kysely } from "@tokengrid/db";
import {
  connectNats,
  ensureStreams,
  jetstream,
  jetStreamManager,
  names,
  NodeRegistry,
  startBatchConsumer,
  type JsMsg,
  type NatsConnection,
} from "@tokengrid/events";
import { purchase, seedLedger } from "@tokengrid/ledger";
import { createLogger } from "@tokengrid/telemetry";
import { eventually, testEnv, type TestEnv } from "@tokengrid/stack/testing";
import { ingestUsage } from "./ingest.js";
import { NodeDirectory } from "./node-directory.js";

let env: TestEnv;
let db: Kysely<Database>;
let nc: NatsConnection;
const log = createLogger("test", "silent");
const market = defaultMarket();

beforeAll(async () => {
  env = await testEnv("redelivery");
  db = await openDatabase(env.databaseUrl);
  await seedLedger(db);
  await purchase(db, "t1", "starter-10m", "buy", Date.now());
  nc = await connectNats(env.natsUrl, "redelivery-test");
  await ensureStreams(await jetStreamManager(nc, env.natsUrl), names(env.namespace));
});

afterAll(async () => {
  await nc?.close();
  await db?.destroy();
  await env?.cleanup();
});

/** Where the broker placed a job (as its job event says): usage from there is paid. */
async function place(jobId: string, nodeId: string, deviceCount = 1, assignedAt = new Date(Date.now() - 3_600_000)): Promise<void> {
  await db
    .insertInto("job_assignments")
    .values({ job_id: jobId, tenant_id: "t1", attempt: 1, replica: 0, node_id: nodeId, device_count: deviceCount, assigned_at: assignedAt })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Everything settlement writes, as plain data. */
async function snapshot() {
  const usage = await sql<{
    n: string;
    total: string;
  }>`select count(*)::text as n, coalesce(sum(amount_mst), 0)::text as total from usage_events`.execute(db);
  const accounts = await sql<{ id: string; dp: string; cp: string; dq: string; cq: string }>`
    select id, debits_posted::text as dp, credits_posted::text as cp, debits_pending::text as dq, credits_pending::text as cq from ledger_accounts order by id`.execute(
    db,
  );
  const transfers = await sql<{ n: string }>`select count(*)::text as n from ledger_transfers`.execute(db);
  return { usage: usage.rows[0], accounts: accounts.rows, transfers: transfers.rows[0] };
}

async function publish(prefix: string, count: number): Promise<void> {
  await place(`${prefix}-job`, "n1");
  const js = jetstream(nc);
  const n = names(env.namespace);
  const base = Date.now() - (count + 1) * 1000;
  for (let i = 0; i < count; i++) {
    const eventId = `${prefix}-job#0.1:n1:${i + 1}`;
    await js.publish(
      n.usageSubject("n1"),
      usageBatchCodec().encode({
        events: [
          {
            eventId,
            jobId: `${prefix}-job`,
            tenantId: "t1",
            nodeId: "n1",
            operatorId: "op1",
            cluster: "guian",
            deviceModel: "ascend-910b",
            deviceCount: 1,
            // About a second of an Ascend 910B's work each: worth paying the operator for.
            amountMst: String(10_000_000 + i),
            seq: i + 1,
            // One second after another, as a replica's run reports them.
            periodStartTime: toTimestamp(base + i * 1000),
            periodEndTime: toTimestamp(base + (i + 1) * 1000),
            // Not a run's last event: that one waits for its placement's end (tested in bills.test.ts).
            final: false,
            kind: "JOB_KIND_TRAINING",
            precision: "PRECISION_BF16",
            attempt: 1,
          },
        ],
      }),
      { msgID: eventId },
    );
  }
}

describe("redelivery", () => {
  it("the same batch delivered twice changes nothing the second time", async () => {
    await publish("twice", 20);
    const js = jetstream(nc);
    const jsm = await jetStreamManager(nc, env.natsUrl);
    const n = names(env.namespace);
    const batches: JsMsg[][] = [];
    const consumer = await startBatchConsumer(jsm, js, {
      stream: n.usageStream,
      durable: "twice",
      maxBatch: 100,
      handle: async (msgs) => {
        batches.push(msgs);
        await ingestUsage({ db, market, log }, msgs);
      },
      onError: () => {},
    });
    await eventually("the batch", () => (batches.flat().length >= 20 ? true : undefined));
    await consumer.stop();
    const once = await snapshot();
    expect(once.usage).toEqual({ n: "20", total: String(20 * 10_000_000 + 190) });
    for (const b of batches) await ingestUsage({ db, market, log }, b);
    expect(await snapshot()).toEqual(once);
  });

  it("a crash between commit and ack changes nothing when the batch comes again", async () => {
    const before = await snapshot();
    await publish("crash", 10);
    const js = jetstream(nc);
    const jsm = await jetStreamManager(nc, env.natsUrl);
    const n = names(env.namespace);
    let deliveries = 0;
    let crashed = false;
    const consumer = await startBatchConsumer(jsm, js, {
      stream: n.usageStream,
      durable: "crash",
      maxBatch: 100,
      ackWaitSeconds: 1,
      handle: async (msgs) => {
        const fresh = msgs.filter((m) => m.subject && usageBatchCodec().decode(m.data).events[0]?.eventId.startsWith("crash-job#"));
        if (fresh.length === 0) return;
        deliveries += 1;
        await ingestUsage({ db, market, log }, msgs);
        if (!crashed) {
          crashed = true;
          // Committed, not acked: as if the process died here.
          throw new Error("crash after commit");
        }
      },
      onError: () => {},
    });
    await eventually("the batch redelivered and acked", () => (deliveries >= 2 ? true : undefined), 20_000);
    await consumer.stop();
    const after = await snapshot();
    expect(BigInt(after.usage!.total) - BigInt(before.usage!.total)).toBe(BigInt(10 * 10_000_000 + 45));
    expect(Number(after.usage!.n) - Number(before.usage!.n)).toBe(10);
    // The ledger too: one capture per event, and the operator paid once, however often it came.
    const captured = await sql<{ n: string }>`
      select coalesce(sum(amount), 0)::text as n from ledger_transfers where job_id is null and hold_id = 'crash-job' and kind in ('capture', 'usage', 'overdraft')`.execute(
      db,
    );
    expect(captured.rows[0]!.n).toBe(String(10 * 10_000_000 + 45));
    // The operator is paid the whole micro-yuan of what it accrued, exactly, and no more.
    const acc = await sql<{ nano: string; paid: string }>`
      select accrued_nano_yuan::text as nano, paid_micro_yuan::text as paid from earnings_accruals where account_id = 'cny:operator:op1'`.execute(
      db,
    );
    const { nano, paid } = acc.rows[0]!;
    expect(BigInt(paid)).toBe(BigInt(nano.split(".")[0]!) / 1000n);
    const earned = await sql<{
      n: string;
    }>`select (credits_posted - debits_posted)::text as n from ledger_accounts where id = 'cny:operator:op1'`.execute(db);
    expect(earned.rows[0]!.n).toBe(paid);
    // 30 events of about 10,000 ST on an Ascend 910B in Gui'an: worth some yuan, not nothing.
    const one = valueUsage(market, {
      cluster: "guian",
      deviceModel: "ascend-910b",
      kind: "TRAINING",
      precision: "BF16",
      amountMst: 10_000_000n,
      atMs: Date.now(),
    })!;
    expect(Number(nano)).toBeGreaterThan(Number(one.operatorNanoYuan) * 30 * 0.3);
  });
});

describe("pricing with the node registry", () => {
  /** A message as JetStream would hand it over, carrying one usage event. */
  const message = (nodeId: string, jobId: string): JsMsg =>
    ({
      subject: names(env.namespace).usageSubject(nodeId),
      seq: 0,
      headers: undefined,
      term: () => {},
      data: usageBatchCodec().encode({
        events: [
          {
            eventId: `${jobId}#0.1:${nodeId}:1`,
            jobId,
            attempt: 1,
            tenantId: "t1",
            nodeId,
            operatorId: "op-reg",
            cluster: "guian",
            deviceModel: "ascend-910b",
            deviceCount: 1,
            amountMst: "5000000",
            seq: 1,
            periodStartTime: toTimestamp(Date.parse("2026-11-01T05:59:00Z")),
            periodEndTime: toTimestamp(Date.parse("2026-11-01T06:00:00Z")),
            final: false,
            kind: "JOB_KIND_TRAINING",
            precision: "PRECISION_BF16",
          },
        ],
      }),
    }) as unknown as JsMsg;

  it("pays a registered node at its own figures, and an unknown one at its cluster's", async () => {
    const registry = await NodeRegistry.open(nc, names(env.namespace).nodesBucket);
    const nodes = await NodeDirectory.open(registry);
    try {
      // Registered after settlement started watching: the first batch from it looks it up.
      await registry.put({
        nodeId: "n-reg",
        operatorId: "op-reg",
        cluster: "guian",
        accelerators: [
          { model: "ascend-910b", vendor: "huawei", softwareStack: "cann", count: 8, memoryMb: 65536, calibratedStPerSecond: 12_000 },
        ],
        energy: { pue: 1.08, tariffYuanPerKwh: 0.8, greenShare: 0.9 },
      });
      await place("reg-job", "n-reg", 1, new Date("2026-10-01T00:00:00Z"));
      await place("reg-job-2", "n-stranger", 1, new Date("2026-10-01T00:00:00Z"));
      await ingestUsage({ db, market, log, nodes }, [message("n-reg", "reg-job"), message("n-stranger", "reg-job-2")]);
      const rows = await sql<{ event_id: string; nano: string }>`
        select job_id as event_id, operator_nano_yuan::text as nano from usage_events where job_id in ('reg-job', 'reg-job-2') order by job_id`.execute(
        db,
      );
      const at = Date.parse("2026-11-01T06:00:00Z");
      const base = {
        cluster: "guian",
        deviceModel: "ascend-910b",
        kind: "TRAINING",
        precision: "BF16",
        amountMst: 5_000_000n,
        atMs: at,
      } as const;
      const own = valueUsage(market, {
        ...base,
        node: { pue: 1.08, flatTariffYuanPerKwh: 0.8, greenShare: 0.9, stPerSecondPerDevice: 12_000 },
      })!;
      const cluster = valueUsage(market, base)!;
      expect(rows.rows).toEqual([
        { event_id: "reg-job", nano: own.operatorNanoYuan.toString() },
        { event_id: "reg-job-2", nano: cluster.operatorNanoYuan.toString() },
      ]);
      expect(own.operatorNanoYuan).not.toBe(cluster.operatorNanoYuan);
    } finally {
      nodes.close();
    }
  });
});

describe("usage checked before it is paid", () => {
  /** Event ids by the label a case gives them (ids are named by job, replica, attempt, node and seq). */
  const ids = new Map<string, string>();
  const nextSeq = new Map<string, number>();
  const message = (events: Record<string, unknown>[], nodeId = "n1"): JsMsg =>
    ({
      subject: names(env.namespace).usageSubject(nodeId),
      seq: 0,
      headers: undefined,
      term: () => {},
      data: usageBatchCodec().encode({
        events: events.map(({ label, ...e }) => {
          const event = {
            tenantId: "t1",
            nodeId: "n1",
            operatorId: "op1",
            cluster: "guian",
            deviceModel: "ascend-910b",
            deviceCount: 1,
            amountMst: "1000000",
            seq: 0,
            periodStartTime: toTimestamp(Date.now() - 1000),
            periodEndTime: toTimestamp(Date.now()),
            final: false,
            kind: "JOB_KIND_TRAINING",
            precision: "PRECISION_BF16",
            attempt: 1,
            replica: 0,
            ...e,
          } as Record<string, unknown>;
          // Each job's run counts its own events.
          if (event["seq"] === 0) {
            const n = (nextSeq.get(String(event["jobId"])) ?? 0) + 1;
            nextSeq.set(String(event["jobId"]), n);
            event["seq"] = n;
          }
          event["eventId"] ??=
            `${String(event["jobId"])}#${String(event["replica"])}.${String(event["attempt"])}:${String(event["nodeId"])}:${String(event["seq"])}`;
          ids.set(String(label), String(event["eventId"]));
          return event;
        }),
      }),
    }) as unknown as JsMsg;
  const labelOf = (id: string) => [...ids.entries()].find(([, v]) => v === id)?.[0];

  it("quarantines usage from another node, with more devices, beyond the physical bound, or never placed; waits for a placement not known yet", async () => {
    for (const job of ["q-ok", "q-other-node", "q-posing", "q-other-tenant", "q-future", "q-more-devices", "q-too-much"])
      await place(job, "n1");
    const long = { periodStartTime: toTimestamp(Date.now() - 200_000), periodEndTime: toTimestamp(Date.now() - 120_000) };
    const msgs = [
      message([{ label: "q:ok", jobId: "q-ok" }]),
      message([{ label: "q:other-node", jobId: "q-other-node", nodeId: "n2", operatorId: "op2" }], "n2"),
      // On its own subject, a node names another.
      message([{ label: "q:posing", jobId: "q-posing", nodeId: "n1" }], "n2"),
      message([{ label: "q:other-tenant", jobId: "q-other-tenant", tenantId: "t2" }]),
      message([
        {
          label: "q:future",
          jobId: "q-future",
          periodStartTime: toTimestamp(Date.now()),
          periodEndTime: toTimestamp(Date.now() + 600_000),
          amountMst: "1000",
        },
      ]),
      message([{ label: "q:more-devices", jobId: "q-more-devices", deviceCount: 4 }]),
      // An Ascend 910B does well under 2e7 mST a second.
      message([{ label: "q:too-much", jobId: "q-too-much", amountMst: "1000000000000" }]),
      message([{ label: "q:never-placed", jobId: "q-ghost", ...long }]),
      message([{ label: "q:not-yet", jobId: "q-later" }]),
    ];
    const { retry } = await ingestUsage({ db, market, log }, msgs);
    expect(retry).toEqual([msgs[8]]);
    const paid = await sql<{ event_id: string }>`select event_id from usage_events where job_id like 'q-%'`.execute(db);
    expect(paid.rows.map((r) => labelOf(r.event_id))).toEqual(["q:ok"]);
    const held = await sql<{ event_id: string; reason: string }>`
      select event_id, reason from analytics.usage_quarantine where job_id like 'q-%'`.execute(db);
    expect(held.rows.map((r) => labelOf(r.event_id) ?? "").sort((a, b) => a.localeCompare(b))).toEqual([
      "q:future",
      "q:more-devices",
      "q:never-placed",
      "q:other-node",
      "q:other-tenant",
      "q:posing",
      "q:too-much",
    ]);
    const reason = Object.fromEntries(held.rows.map((r) => [labelOf(r.event_id), r.reason]));
    expect(reason["q:other-node"]).toMatch(/from node n2, but replica 0 of job q-other-node \(attempt 1\) was assigned to node n1/);
    expect(reason["q:more-devices"]).toMatch(/reports 4 devices; the replica was given 1/);
    expect(reason["q:too-much"]).toMatch(/more than 1 × ascend-910b can do/);
    expect(reason["q:never-placed"]).toMatch(/no placement of replica 0 of job q-ghost/);
    expect(reason["q:posing"]).toMatch(/says node n1 but came on node n2's subject/);
    expect(reason["q:other-tenant"]).toMatch(/names tenant t2; job q-other-tenant is tenant t1's/);
    expect(reason["q:future"]).toMatch(/in the future/);
    // Only what was kept was captured from the tenant's tokens.
    const captured = await sql<{ n: string }>`
      select coalesce(sum(amount), 0)::text as n from ledger_transfers where hold_id = 'q-ok' and kind in ('capture', 'usage', 'overdraft')`.execute(
      db,
    );
    expect(captured.rows[0]!.n).toBe("1000000");

    // A revoked node's usage for after its revocation is not paid.
    const revokedAt = Date.now() - 500;
    await place("q-revoked", "n9");
    const revoked = [{ label: "q:after-revocation", jobId: "q-revoked", nodeId: "n9" }];
    await ingestUsage({ db, market, log, revocations: { of: (id) => (id === "n9" ? { revokedMs: revokedAt } : undefined) } }, [
      message(revoked, "n9"),
    ]);
    const r = await sql<{ reason: string }>`select reason from usage_quarantine where event_id = ${ids.get("q:after-revocation")!}`.execute(
      db,
    );
    expect(r.rows[0]!.reason).toMatch(/node n9 was revoked at .*, before this period ended/);
    // Back with a newer certificate: its usage from then on is paid again.
    const back = await ingestUsage(
      {
        db,
        market,
        log,
        revocations: { of: (id) => (id === "n9" ? { revokedMs: revokedAt - 60_000, reinstatedMs: revokedAt - 30_000 } : undefined) },
      },
      [message([{ label: "q:reinstated", jobId: "q-revoked", nodeId: "n9", seq: 1 }], "n9")],
    );
    expect(back.retry).toEqual([]);
    const paidBack = await sql<{ n: string }>`select count(*)::text as n from usage_events where job_id = 'q-revoked'`.execute(db);
    expect(paidBack.rows[0]!.n).toBe("1");

    // Its placement arrives: the waiting usage is paid.
    await place("q-later", "n1");
    expect((await ingestUsage({ db, market, log }, [msgs[8]!])).retry).toEqual([]);
    const later = await sql<{ n: string }>`select count(*)::text as n from usage_events where event_id = ${ids.get("q:not-yet")!}`.execute(
      db,
    );
    expect(later.rows[0]!.n).toBe("1");
  });

  it("pays a stretch of a replica's time once: usage overlapping what was paid, or not named by its place in the run, is quarantined", async () => {
    await place("q-ov", "n1");
    const t = Date.now();
    const at = (fromAgoMs: number, toAgoMs: number) => ({
      periodStartTime: toTimestamp(t - fromAgoMs),
      periodEndTime: toTimestamp(t - toAgoMs),
    });
    const first = message([{ label: "ov:1", jobId: "q-ov", seq: 1, ...at(3000, 2000) }]);
    await ingestUsage({ db, market, log }, [first]);
    await ingestUsage({ db, market, log }, [
      message([
        // The same second again, under a new seq: already paid.
        { label: "ov:again", jobId: "q-ov", seq: 2, ...at(2500, 1500) },
        { label: "ov:2", jobId: "q-ov", seq: 3, ...at(2000, 1000) },
        { label: "ov:renamed", jobId: "q-ov", seq: 4, eventId: "q-ov-something-else", ...at(1000, 500) },
      ]),
    ]);
    // The first message again (a redelivery), and twice in one batch: nothing more paid, nothing quarantined.
    await ingestUsage({ db, market, log }, [first]);
    await ingestUsage({ db, market, log }, [first, first]);
    // A seq far ahead waits for those before it; once they are surely not coming it is quarantined, and a seq it
    // passed, sent afterwards, is too: the same time cannot be sold again under numbers skipped.
    const ahead = message([{ label: "ov:ahead", jobId: "q-ov", seq: 9, ...at(500, 100) }]);
    expect((await ingestUsage({ db, market, log }, [ahead])).retry).toEqual([ahead]);
    await ingestUsage({ db, market, log }, [message([{ label: "ov:gap", jobId: "q-ov", seq: 20, ...at(400_000, 300_000) }])]);
    await ingestUsage({ db, market, log }, [message([{ label: "ov:skipped", jobId: "q-ov", seq: 5, ...at(900, 800) }])]);
    const paid = await sql<{ event_id: string }>`select event_id from usage_events where job_id = 'q-ov'`.execute(db);
    expect(paid.rows.map((r) => labelOf(r.event_id) ?? "").sort((a, b) => a.localeCompare(b))).toEqual(["ov:1", "ov:2"]);
    const held = await sql<{
      event_id: string;
      reason: string;
    }>`select event_id, reason from usage_quarantine where job_id = 'q-ov'`.execute(db);
    const reason = Object.fromEntries(held.rows.map((r) => [labelOf(r.event_id), r.reason]));
    expect(Object.keys(reason).sort((a, b) => a.localeCompare(b))).toEqual(["ov:again", "ov:gap", "ov:renamed", "ov:skipped"]);
    expect(reason["ov:gap"]).toMatch(/seq 20 came, and seq 4 of its run never did/);
    expect(reason["ov:skipped"]).toMatch(/seq 5 of its run was passed already/);
    expect(reason["ov:again"]).toMatch(/before the end of usage already settled for this replica/);
    expect(reason["ov:renamed"]).toMatch(/its id is not q-ov#0\.1:n1:4/);
  });

  it("pays nothing for time after the placement ended (the job finished, or moved elsewhere)", async () => {
    await db
      .insertInto("job_assignments")
      .values({
        job_id: "q-ended",
        tenant_id: "t1",
        attempt: 1,
        replica: 0,
        node_id: "n1",
        device_count: 1,
        assigned_at: new Date(Date.now() - 3_600_000),
        ended_at: new Date(Date.now() - 600_000),
      })
      .execute();
    await ingestUsage({ db, market, log }, [
      message([
        {
          label: "end:before",
          jobId: "q-ended",
          periodStartTime: toTimestamp(Date.now() - 700_000),
          periodEndTime: toTimestamp(Date.now() - 699_000),
        },
      ]),
      message([{ label: "end:after", jobId: "q-ended" }]),
    ]);
    const paid = await sql<{ event_id: string }>`select event_id from usage_events where job_id = 'q-ended'`.execute(db);
    expect(paid.rows.map((r) => labelOf(r.event_id))).toEqual(["end:before"]);
    const held = await sql<{ reason: string }>`select reason from usage_quarantine where job_id = 'q-ended'`.execute(db);
    expect(held.rows.map((r) => r.reason)).toEqual([expect.stringMatching(/after the placement ended/)]);
  });
});
