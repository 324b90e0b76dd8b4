/** Against a real PostgreSQL, in a database of its own. */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DATABASE_URL } from "@tokengrid/config";
import { copyTransaction, dropDatabase, migrateToLatest, openDatabase } from "./connect.js";
import { sql } from "kysely";
import { applyJobEvents, ensureUsagePartitions, insertUsageEvents as insertIn, usageCopyLine, usageTotal, type UsageRow } from "./usage.js";
import type { Database } from "./schema.js";
import type { Kysely } from "kysely";

const url = new URL(process.env["DATABASE_URL"] ?? DEFAULT_DATABASE_URL);
url.pathname = `/t_db_${randomBytes(4).toString("hex")}`;
let db: Kysely<Database>;

beforeAll(async () => {
  db = await openDatabase(url.toString());
});
afterAll(async () => {
  await db?.destroy();
  await dropDatabase(url.toString());
});

/** Each insert in a transaction of its own, as settlement writes a batch. */
const insertUsageEvents = (d: Kysely<Database>, rows: UsageRow[]) => copyTransaction(d, (t) => insertIn(t, [chunk(rows)]));

/** Rows as one chunk, as settlement makes one per message. */
const chunk = (rows: UsageRow[]) => ({
  events: rows.map((r) => ({ eventId: r.event_id, jobId: r.job_id, tenantId: r.tenant_id, amountMst: BigInt(r.amount_mst) })),
  copy: rows.map(usageCopyLine).join(""),
});

const usage = (eventId: string, amount: bigint, jobId = "job-1"): UsageRow => ({
  event_id: eventId,
  job_id: jobId,
  tenant_id: "t1",
  node_id: "n1",
  operator_id: "op",
  cluster: "guian",
  device_model: "ascend-910b",
  device_count: 1,
  amount_mst: amount.toString(),
  seq: 1,
  replica: 0,
  period_start: new Date(0),
  period_end: new Date(1000),
  final: false,
});

describe("settlement tables", () => {
  it("migrating twice is a no-op", async () => {
    expect(await migrateToLatest(db)).toEqual([]);
  });

  it("counts a usage event once however often it is inserted", async () => {
    expect(await insertUsageEvents(db, [usage("e1", 100n), usage("e2", 23n)])).toEqual(["e1", "e2"]);
    expect(await insertUsageEvents(db, [usage("e1", 100n), usage("e3", 7n)])).toEqual(["e3"]);
    expect(await usageTotal(db, "t1", "job-1")).toEqual({ settledMst: 130n, eventCount: 3n });
    expect(await usageTotal(db, "someone-else")).toEqual({ settledMst: 0n, eventCount: 0n });
  });

  it("keeps amounts beyond 2^53 exact", async () => {
    await insertUsageEvents(db, [usage("big", 9_007_199_254_740_993n, "job-big")]);
    expect((await usageTotal(db, "t1", "job-big")).settledMst).toBe(9_007_199_254_740_993n);
  });

  it("refuses a negative amount where the data lives", async () => {
    await expect(insertUsageEvents(db, [usage("neg", -1n)])).rejects.toThrow(/check/i);
  });

  it("writes any text exactly through COPY, and an id twice in one batch once", async () => {
    const odd = { ...usage("odd\ttab\\slash\nline\r", 3n, "job-odd"), node_id: "n\\N", cluster: "中国西部" };
    expect(await insertUsageEvents(db, [odd, odd, usage("odd-2", 4n, "job-odd")])).toEqual([odd.event_id, "odd-2"]);
    const back = await sql<{ event_id: string; node_id: string; cluster: string }>`
      select event_id, node_id, cluster from usage_events where job_id = 'job-odd' order by event_id`.execute(db);
    expect(back.rows).toEqual([
      { event_id: odd.event_id, node_id: "n\\N", cluster: "中国西部" },
      { event_id: "odd-2", node_id: "n1", cluster: "guian" },
    ]);
    expect(await usageTotal(db, "t1", "job-odd")).toEqual({ settledMst: 7n, eventCount: 2n });
  });

  it("leaves nothing behind when the transaction fails, and the pool keeps working", async () => {
    await expect(
      copyTransaction(db, async (t) => {
        await insertIn(t, [chunk([usage("rolled-back", 5n, "job-rb")])]);
        throw new Error("the ledger refused");
      }),
    ).rejects.toThrow("the ledger refused");
    expect(await usageTotal(db, "t1", "job-rb")).toEqual({ settledMst: 0n, eventCount: 0n });
    expect(await insertUsageEvents(db, [usage("rolled-back", 5n, "job-rb")])).toEqual(["rolled-back"]);
  });

  it("never moves a job backwards when its events arrive out of order or twice", async () => {
    const ev = (i: number, state: string) => ({
      event_id: `j1:${i}`,
      job_id: "j1",
      tenant_id: "t1",
      state,
      kind: "TRAINING",
      size_mst: 5000n,
      node_id: null,
      cluster: null,
      occurred_at: new Date(1000 * i),
      message: state,
      version: i,
    });
    await applyJobEvents(db, [ev(0, "PENDING"), ev(2, "RUNNING")]);
    await applyJobEvents(db, [ev(1, "SCHEDULED"), ev(2, "RUNNING")]);
    const job = await db.selectFrom("jobs").selectAll().where("job_id", "=", "j1").executeTakeFirstOrThrow();
    expect(job.state).toBe("RUNNING");
    expect(job.version).toBe(2);
    const events = await db.selectFrom("job_events").select("event_id").where("job_id", "=", "j1").execute();
    expect(events).toHaveLength(3);
  });

  it("says where it looked when PostgreSQL is unreachable", async () => {
    await expect(openDatabase("postgres://postgres@127.0.0.1:1/tokengrid")).rejects.toThrow(
      /PostgreSQL is not reachable at postgres:\/\/postgres@127\.0\.0\.1:1\/tokengrid/,
    );
  });
});

describe("usage partitioned by month", () => {
  it("puts rows in their month's partition and de-duplicates across partitions", async () => {
    const made = await ensureUsagePartitions(db, Date.parse("2031-05-10T00:00:00Z"));
    expect(made).toEqual(["usage_events_2031_05", "usage_events_2031_06"]);
    expect(await ensureUsagePartitions(db, Date.parse("2031-05-10T00:00:00Z"))).toEqual([]);
    const row = {
      ...usage("p1", 5n, "job-p"),
      period_start: new Date("2031-05-20T00:00:00Z"),
      period_end: new Date("2031-05-20T00:00:01Z"),
    };
    expect(await insertUsageEvents(db, [row])).toEqual(["p1"]);
    // The same event again, even with another period, is not counted twice.
    expect(await insertUsageEvents(db, [{ ...row, period_end: new Date("2031-06-02T00:00:00Z") }, row])).toEqual([]);
    const where = await sql<{ part: string }>`select tableoid::regclass::text as part from usage_events where event_id = 'p1'`.execute(db);
    expect(where.rows).toEqual([{ part: "usage_events_2031_05" }]);
  });
});

describe("the analysts' door", () => {
  it("lets tokengrid_analyst read the views, and nothing else", async () => {
    await sql`insert into usage_events (event_id, job_id, tenant_id, node_id, operator_id, cluster, device_model, device_count, amount_mst, seq, period_start, period_end, final)
              values ('a1', 'job-a', 't9', 'n1', 'op', 'guian', 'ascend-910b', 1, 5000, 1, now(), now(), true)`.execute(db);
    const asAnalyst = <T>(q: ReturnType<typeof sql<T>>) =>
      db.connection().execute(async (c) => {
        await sql`set role tokengrid_analyst`.execute(c);
        try {
          return await q.execute(c);
        } finally {
          await sql`reset role`.execute(c);
        }
      });
    const rows = await asAnalyst(sql<{ st: string }>`select st::text from analytics.usage_hourly where tenant_id = 't9'`);
    expect(rows.rows).toEqual([{ st: "5.0000000000000000" }]);
    // Every view in the door is readable.
    const views = await sql<{
      name: string;
    }>`select table_name as name from information_schema.views where table_schema = 'analytics' order by 1`.execute(db);
    expect(views.rows.map((v) => v.name)).toEqual([
      "achieved_utilisation",
      "achieved_utilisation_daily",
      "green_hourly",
      "job_latency",
      "jobs",
      "ledger_balances",
      "node_utilisation_hourly",
      "nodes",
      "platform_losses",
      "tenant_tokens",
      "token_sales",
      "usage_hourly",
      "usage_quarantine",
      "usage_quarantine_daily",
    ]);
    for (const v of views.rows) await asAnalyst(sql`select * from ${sql.table(`analytics.${v.name}`)} limit 1`);
    await expect(asAnalyst(sql`select * from public.nodes`)).rejects.toThrow(/permission denied/);
    await expect(asAnalyst(sql`select * from public.usage_events`)).rejects.toThrow(/permission denied/);
    await expect(asAnalyst(sql`select * from public.ledger_accounts`)).rejects.toThrow(/permission denied/);
    await expect(asAnalyst(sql`delete from analytics.usage_hourly`)).rejects.toThrow(/permission denied|cannot delete/);
    await expect(asAnalyst(sql`insert into usage_events (event_id) values ('x')`)).rejects.toThrow(/permission denied/);
    await expect(asAnalyst(sql`create table analytics.mine (x int)`)).rejects.toThrow(/permission denied/);
  });
});
