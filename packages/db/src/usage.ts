import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, NewJobEvent, UsageEventRow } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/** A usage event as written: every column but the time settlement wrote it. */
export type UsageRow = Omit<UsageEventRow, "settled_at">;

/**
 * Inserts a batch of usage events in one statement (one array per column,
 * unnested: one round trip however large the batch), skipping any whose
 * event_id is already settled. Returns the ids that were new.
 */
export async function insertUsageEvents(db: Db, batch: readonly UsageRow[]): Promise<string[]> {
  if (batch.length === 0) return [];
  // An id twice in one batch counts once.
  const rows = [...new Map(batch.map((r) => [r.event_id, r])).values()];
  const col = <K extends keyof UsageRow>(k: K) => rows.map((r) => r[k]);
  // De-duplicate on the id table, then write only the new rows into the partitioned table.
  const result = await sql<{ event_id: string }>`
    with input as (
      select * from unnest(
      ${col("event_id")}::text[], ${col("job_id")}::text[], ${col("tenant_id")}::text[], ${col("node_id")}::text[], ${col("operator_id")}::text[],
      ${col("cluster")}::text[], ${col("device_model")}::text[], ${col("device_count")}::int[], ${col("amount_mst")}::bigint[], ${col("seq")}::int[],
      ${col("replica")}::int[], ${col("period_start")}::timestamptz[], ${col("period_end")}::timestamptz[], ${col("final")}::boolean[])
      as u(event_id, job_id, tenant_id, node_id, operator_id, cluster, device_model, device_count, amount_mst, seq, replica, period_start, period_end, final)
    ),
    fresh as (
      insert into usage_event_ids (event_id) select event_id from input on conflict (event_id) do nothing returning event_id
    ),
    written as (
      insert into usage_events (event_id, job_id, tenant_id, node_id, operator_id, cluster, device_model, device_count, amount_mst, seq, replica, period_start, period_end, final)
      select i.* from input i join fresh f on f.event_id = i.event_id
      returning event_id, job_id, tenant_id, amount_mst
    ),
    totals as (
      insert into job_usage (job_id, tenant_id, mst, events)
      select job_id, min(tenant_id), sum(amount_mst), count(*) from written group by job_id
      on conflict (job_id) do update set mst = job_usage.mst + excluded.mst, events = job_usage.events + excluded.events
    )
    select event_id from written`.execute(db);
  return result.rows.map((r) => r.event_id);
}

export interface JobEventInput extends NewJobEvent {
  kind: string;
  size_mst: bigint | string;
  version: number;
}

/**
 * Records job lifecycle events and moves each job's row to its newest state.
 * A redelivered or out-of-order event never moves a job backwards.
 */
export async function applyJobEvents(db: Db, events: readonly JobEventInput[]): Promise<number> {
  if (events.length === 0) return 0;
  const inserted = await db
    .insertInto("job_events")
    .values(events.map(({ kind: _k, size_mst: _s, version: _v, ...e }) => e))
    .onConflict((oc) => oc.column("event_id").doNothing())
    .executeTakeFirst();
  for (const e of events) {
    await db
      .insertInto("jobs")
      .values({
        job_id: e.job_id,
        tenant_id: e.tenant_id,
        kind: e.kind,
        state: e.state,
        size_mst: e.size_mst,
        node_id: e.node_id ?? null,
        cluster: e.cluster ?? null,
        version: e.version,
        created_at: e.occurred_at,
        updated_at: e.occurred_at,
        message: e.message ?? "",
      })
      .onConflict((oc) =>
        oc
          .column("job_id")
          .doUpdateSet({
            state: (eb) => eb.ref("excluded.state"),
            node_id: (eb) => eb.ref("excluded.node_id"),
            cluster: (eb) => eb.ref("excluded.cluster"),
            version: (eb) => eb.ref("excluded.version"),
            updated_at: (eb) => eb.ref("excluded.updated_at"),
            message: (eb) => eb.ref("excluded.message"),
          })
          .where("jobs.version", "<", sql<number>`excluded.version`),
      )
      .execute();
  }
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n);
}

export interface UsageTotal {
  settledMst: bigint;
  eventCount: bigint;
}

/** Sums a tenant's settled usage, for one job or all (from the per-job totals). */
export async function usageTotal(db: Db, tenantId: string, jobId?: string): Promise<UsageTotal> {
  const row = await sql<{ total: string; n: string }>`
    select coalesce(sum(mst), 0)::text as total, coalesce(sum(events), 0)::text as n
    from job_usage where tenant_id = ${tenantId} and (${jobId ?? null}::text is null or job_id = ${jobId ?? null})`
    .execute(db)
    .then((r) => r.rows[0]!);
  return { settledMst: BigInt(row.total), eventCount: BigInt(row.n) };
}

/**
 * Creates the monthly partitions of usage_events for the month of `nowMs` and
 * the next, if missing (rows outside them land in the default partition).
 */
export async function ensureUsagePartitions(db: Db, nowMs: number): Promise<string[]> {
  const made: string[] = [];
  const d = new Date(nowMs);
  for (let k = 0; k < 2; k++) {
    const start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, 1));
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    const name = `usage_events_${start.getUTCFullYear()}_${String(start.getUTCMonth() + 1).padStart(2, "0")}`;
    const exists = await sql<{ n: string }>`select count(*)::text as n from pg_class where relname = ${name}`.execute(db);
    if (exists.rows[0]!.n !== "0") continue;
    // A partition can be made only if the default partition holds none of its rows.
    const clash = await sql<{
      n: string;
    }>`select count(*)::text as n from usage_events_default where period_end >= ${start} and period_end < ${end}`.execute(db);
    if (clash.rows[0]!.n !== "0") continue;
    await sql`create table ${sql.id(name)} partition of usage_events for values from (${sql.lit(start.toISOString())}) to (${sql.lit(end.toISOString())})`.execute(
      db,
    );
    made.push(name);
  }
  return made;
}
