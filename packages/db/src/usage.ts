import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, NewJobEvent, UsageEventRow } from "./schema.js";
import type { CopyTransaction } from "./connect.js";

type Db = Kysely<Database> | Transaction<Database>;

/** A usage event as written: every column but the time settlement wrote it (its value defaults to 0). */
export type UsageRow = Omit<
  UsageEventRow,
  "settled_at" | "operator_nano_yuan" | "margin_nano_yuan" | "energy_kwh" | "green_kwh" | "co2_grams"
> & {
  operator_nano_yuan?: bigint | string;
  margin_nano_yuan?: bigint | string;
  energy_kwh?: number;
  green_kwh?: number;
  co2_grams?: number;
};

const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
/** A text value escaped for COPY's text format. */
function copyText(v: string): string {
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : v;
}

/** The columns of usage_events that usageCopyLine writes, in its order. */
const USAGE_COLUMNS =
  "event_id, job_id, tenant_id, node_id, operator_id, cluster, device_model, device_count, amount_mst, seq, replica, period_start, period_end, final, operator_nano_yuan, margin_nano_yuan, energy_kwh, green_kwh, co2_grams";

/** The last few times formatted: an agent's events in one message mostly share their period. */
const isoCache = new Map<number, string>();
function iso(d: Date | number): string {
  const ms = typeof d === "number" ? d : d.getTime();
  let s = isoCache.get(ms);
  if (s === undefined) {
    if (isoCache.size >= 64) isoCache.clear();
    s = new Date(ms).toISOString();
    isoCache.set(ms, s);
  }
  return s;
}

/** A usage row on its way to COPY: times may be epoch milliseconds. */
export type UsageCopyRow = Omit<UsageRow, "period_start" | "period_end"> & { period_start: Date | number; period_end: Date | number };

/**
 * A usage row as one line of COPY text. Built where the row is decoded, so
 * that writing a batch is only sending bytes the server parses in C. (COPY
 * escapes newlines inside values, so a raw newline only ever ends a line.)
 */
export function usageCopyLine(r: UsageCopyRow): string {
  return `${copyText(r.event_id)}\t${copyText(r.job_id)}\t${copyText(r.tenant_id)}\t${copyText(r.node_id)}\t${copyText(r.operator_id)}\t${copyText(r.cluster)}\t${copyText(r.device_model)}\t${r.device_count}\t${r.amount_mst}\t${r.seq}\t${r.replica}\t${iso(r.period_start)}\t${iso(r.period_end)}\t${r.final ? "t" : "f"}\t${r.operator_nano_yuan ?? 0}\t${r.margin_nano_yuan ?? 0}\t${r.energy_kwh ?? 0}\t${r.green_kwh ?? 0}\t${r.co2_grams ?? 0}\n`;
}

/** What insertUsageEvents needs to know of each event besides its COPY line. */
export interface UsageKey {
  eventId: string;
  jobId: string;
  tenantId: string;
  amountMst: bigint;
  /** A digest of what the event said: an id seen again with another digest is not a redelivery. */
  digest?: string;
}

/** Usage events to insert: their keys, and their usageCopyLine lines concatenated in the same order. */
export interface UsageChunk {
  events: readonly UsageKey[];
  copy: string | Buffer;
}

/** An event whose id was settled (or came earlier in the batch) with other content: it is not inserted. */
export interface IdConflict {
  event: UsageKey;
  /** The digest the id was settled with (null if not known: settled before digests were kept). */
  settledDigest: string | null;
}

/**
 * Claims event ids in usage_event_ids, with their digests; returns those
 * claimed before (by an earlier batch, or a concurrent one that committed),
 * with the digest they were claimed with. Usually every id is new, and a
 * plain insert is the cheapest way to claim them: about half the work of an
 * insert that handles conflicts row by row. If any id was there, the plain
 * insert fails as a whole, is rolled back to its savepoint, and the
 * conflict-handling insert runs instead.
 */
async function claimIds(
  t: CopyTransaction,
  ids: readonly string[],
  digests: readonly (string | null)[],
): Promise<{ event_id: string; digest: string | null }[]> {
  await sql`savepoint claim_ids`.execute(t.trx);
  try {
    await sql`insert into usage_event_ids (event_id, digest) select * from unnest(${ids}::text[], ${digests}::text[])`.execute(t.trx);
    await sql`release savepoint claim_ids`.execute(t.trx);
    return [];
  } catch (err) {
    if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
    await sql`rollback to savepoint claim_ids`.execute(t.trx);
  }
  // The main query sees the table as it was before this statement's insert: the rows it joins were there before.
  const r = await sql<{ event_id: string; digest: string | null }>`
    with input as (select * from unnest(${ids}::text[], ${digests}::text[]) as u(event_id, digest)),
    claimed as (insert into usage_event_ids (event_id, digest) select event_id, digest from input on conflict (event_id) do nothing returning event_id)
    select i.event_id, e.digest from input i left join usage_event_ids e on e.event_id = i.event_id
    where i.event_id not in (select event_id from claimed)`.execute(t.trx);
  return r.rows;
}

const UNIQUE_VIOLATION = "23505";

/**
 * Inserts usage events, skipping any whose event_id is already settled (or
 * repeated among them), and adds the new ones to their jobs' totals. Returns
 * the ids that were new, in order. Must run in `t`'s transaction, with the
 * rest of what the batch settles. An id seen before with another digest (its
 * event said something else) is not a redelivery: it is skipped too, and
 * handed to `onConflict` (the caller quarantines it).
 *
 * De-duplication comes first and moves only ids: the ids are claimed in
 * usage_event_ids (claimIds), which returns those already there (usually none). Then the
 * new rows go straight into usage_events with COPY, as the agents' messages
 * were encoded (one chunk per message), and the jobs' totals are added with
 * one statement. Rows are never written twice and never staged.
 */
export async function insertUsageEvents(
  t: CopyTransaction,
  chunks: readonly UsageChunk[],
  options: { onConflict?: (c: IdConflict) => void } = {},
): Promise<string[]> {
  const ids: string[] = [];
  const first = new Map<string, UsageKey>();
  for (const c of chunks)
    for (const e of c.events) {
      ids.push(e.eventId);
      if (!first.has(e.eventId)) first.set(e.eventId, e);
    }
  if (ids.length === 0) return [];
  const distinct = [...first.keys()];
  const seenBefore = await claimIds(
    t,
    distinct,
    distinct.map((id) => first.get(id)!.digest ?? null),
  );
  const conflict = (e: UsageKey, settledDigest: string | null) => {
    if (e.digest !== undefined && settledDigest !== null && settledDigest !== e.digest) options.onConflict?.({ event: e, settledDigest });
  };
  let data: (string | Buffer)[];
  const fresh: UsageKey[] = [];
  if (seenBefore.length === 0 && distinct.length === ids.length) {
    // Usually: every event is new, and every chunk goes as it is.
    data = chunks.map((c) => c.copy);
    for (const c of chunks) fresh.push(...c.events);
  } else {
    // Some were settled before, or came twice: keep the first sighting of each new one.
    const before = new Map(seenBefore.map((r) => [r.event_id, r.digest]));
    const skip = new Set(before.keys());
    const kept: string[] = [];
    for (const c of chunks) {
      const lines = c.copy.toString().split("\n");
      c.events.forEach((e, i) => {
        if (before.has(e.eventId)) return conflict(e, before.get(e.eventId)!);
        if (skip.has(e.eventId)) return conflict(e, first.get(e.eventId)!.digest ?? null);
        skip.add(e.eventId);
        fresh.push(e);
        kept.push(`${lines[i]!}\n`);
      });
    }
    data = [kept.join("")];
  }
  if (fresh.length === 0) return [];
  await t.copyFrom(`copy usage_events (${USAGE_COLUMNS}) from stdin`, data);
  const jobs = new Map<string, { tenant: string; mst: bigint; events: number }>();
  for (const e of fresh) {
    const j = jobs.get(e.jobId);
    if (j) {
      j.mst += e.amountMst;
      j.events += 1;
    } else jobs.set(e.jobId, { tenant: e.tenantId, mst: e.amountMst, events: 1 });
  }
  // In job order: a job's total row is also what its bill is settled under (locked), by usage and job events alike.
  const jobIds = [...jobs.keys()].sort();
  const totals = jobIds.map((id) => jobs.get(id)!);
  await sql`
    insert into job_usage (job_id, tenant_id, mst, events)
    select * from unnest(${jobIds}::text[], ${totals.map((j) => j.tenant)}::text[], ${totals.map((j) => j.mst.toString())}::bigint[], ${totals.map((j) => j.events)}::bigint[])
    on conflict (job_id) do update set mst = job_usage.mst + excluded.mst, events = job_usage.events + excluded.events`.execute(t.trx);
  return fresh.map((e) => e.eventId);
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
