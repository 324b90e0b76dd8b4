import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, NewJobEvent, UsageEventRow } from "./schema.js";
import type { CopyTransaction } from "./connect.js";

type Db = Kysely<Database> | Transaction<Database>;

/** A usage event as written: every column but the time settlement wrote it (its value defaults to 0). */
export type UsageRow = Omit<UsageEventRow, "settled_at" | "operator_nano_yuan" | "margin_nano_yuan"> & {
  operator_nano_yuan?: bigint | string;
  margin_nano_yuan?: bigint | string;
};

const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
/** A text value escaped for COPY's text format. */
function copyText(v: string): string {
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : v;
}

/** The staging table's columns, in the order usageCopyLine writes them: times are epoch milliseconds. */
const STAGE_COLUMNS =
  "event_id, job_id, tenant_id, node_id, operator_id, cluster, device_model, device_count, amount_mst, seq, replica, period_start_ms, period_end_ms, final, operator_nano_yuan, margin_nano_yuan";
const USAGE_COLUMNS =
  "event_id, job_id, tenant_id, node_id, operator_id, cluster, device_model, device_count, amount_mst, seq, replica, period_start, period_end, final, operator_nano_yuan, margin_nano_yuan";
/** From staging to usage_events: the same columns, times turned into timestamps exactly. */
const FROM_STAGE = `event_id, job_id, tenant_id, node_id, operator_id, cluster, device_model, device_count, amount_mst, seq, replica,
  'epoch'::timestamptz + period_start_ms * interval '1 millisecond', 'epoch'::timestamptz + period_end_ms * interval '1 millisecond',
  final, operator_nano_yuan, margin_nano_yuan`;

/** A usage row on its way to COPY: times may be epoch milliseconds. */
export type UsageCopyRow = Omit<UsageRow, "period_start" | "period_end"> & { period_start: Date | number; period_end: Date | number };

/**
 * A usage row as one line of COPY text. Built where the row is decoded, so
 * that writing a batch is only sending bytes the server parses in C.
 */
export function usageCopyLine(r: UsageCopyRow): string {
  const ms = (d: Date | number) => (typeof d === "number" ? d : d.getTime());
  return `${copyText(r.event_id)}\t${copyText(r.job_id)}\t${copyText(r.tenant_id)}\t${copyText(r.node_id)}\t${copyText(r.operator_id)}\t${copyText(r.cluster)}\t${copyText(r.device_model)}\t${r.device_count}\t${r.amount_mst}\t${r.seq}\t${r.replica}\t${ms(r.period_start)}\t${ms(r.period_end)}\t${r.final ? "t" : "f"}\t${r.operator_nano_yuan ?? 0}\t${r.margin_nano_yuan ?? 0}\n`;
}

/**
 * Inserts a batch of usage events, skipping any whose event_id is already
 * settled (or repeated in the batch), and adds the new ones to their jobs'
 * totals. `ids` are the events' ids; `copy` their usageCopyLine lines, in any
 * order and chunked in any way (a chunk per message, say). Returns the ids
 * that were new, in the order of `ids`. The rows are streamed with COPY into
 * a temporary staging table (one per connection, emptied at commit), then
 * moved with one statement that de-duplicates on usage_event_ids. Must run in
 * `t`'s transaction, with the rest of what the batch settles.
 */
export async function insertUsageEvents(t: CopyTransaction, ids: readonly string[], copy: readonly (string | Buffer)[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const distinct = new Set(ids);
  // The planner cannot see into the staging table; JIT-compiling for its guesses costs more than it saves.
  await sql`set local jit = off`.execute(t.trx);
  await sql`
    create temp table if not exists usage_stage (
      event_id text not null, job_id text not null, tenant_id text not null, node_id text not null, operator_id text not null,
      cluster text not null, device_model text not null, device_count integer not null, amount_mst bigint not null,
      seq integer not null, replica integer not null, period_start_ms bigint not null, period_end_ms bigint not null,
      final boolean not null, operator_nano_yuan bigint not null, margin_nano_yuan bigint not null
    ) on commit delete rows`.execute(t.trx);
  await t.copyFrom(`copy usage_stage (${STAGE_COLUMNS}) from stdin`, copy);
  // An id twice in one batch counts once (rare: only a redelivery overlapping itself).
  const source = distinct.size === ids.length ? sql`usage_stage` : sql`(select distinct on (event_id) * from usage_stage) as s`;
  // Only the ids that were not new come back: usually none.
  const seenBefore = await sql<{ event_id: string }>`
    with fresh as (
      insert into usage_event_ids (event_id) select event_id from usage_stage on conflict (event_id) do nothing returning event_id
    ),
    written as (
      insert into usage_events (${sql.raw(USAGE_COLUMNS)})
      select ${sql.raw(FROM_STAGE)} from ${source} where event_id in (select event_id from fresh)
      returning job_id, tenant_id, amount_mst
    ),
    totals as (
      insert into job_usage (job_id, tenant_id, mst, events)
      select job_id, min(tenant_id), sum(amount_mst), count(*) from written group by job_id
      on conflict (job_id) do update set mst = job_usage.mst + excluded.mst, events = job_usage.events + excluded.events
    )
    select distinct s.event_id from usage_stage s where not exists (select 1 from fresh f where f.event_id = s.event_id)`.execute(t.trx);
  const old = new Set(seenBefore.rows.map((r) => r.event_id));
  const fresh: string[] = [];
  for (const id of ids) {
    if (old.has(id)) continue;
    // The first sighting of a new id is new; a repeat of it in the batch is not.
    old.add(id);
    fresh.push(id);
  }
  return fresh;
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
