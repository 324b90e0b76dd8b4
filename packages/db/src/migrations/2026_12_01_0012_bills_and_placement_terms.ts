import { sql, type Kysely } from "kysely";

/**
 * What a bill is held to (docs/ledger.md, "What a bill means"):
 *
 * - a placement's terms, from the broker's job event and the node's
 *   registration: the job's kind and precision, the node's cluster and device
 *   model. Usage that claims other terms is not paid; null on placements
 *   recorded before this migration (their usage is checked as before);
 * - how much each replica's placement has been paid, so that it is never paid
 *   more than its devices could do in the time the broker gave it;
 * - what each settled event id said (a digest of its content), so that the
 *   same id with other content is quarantined, never taken for a redelivery;
 * - each ended job's bill: what its record kept, and what the tenant was
 *   given back (from the platform loss account) of what it was charged beyond that;
 * - the quarantine keyed by event id and content, with a short code to count by.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table job_assignments
    add column kind text, add column precision text, add column cluster text, add column device_model text`.execute(db);
  await sql`alter table replica_progress add column paid_mst bigint not null default 0`.execute(db);
  await sql`alter table usage_event_ids add column digest text`.execute(db);
  await sql`alter table usage_quarantine
    add column digest text not null default '',
    add column code text not null default 'other'`.execute(db);
  await sql`alter table usage_quarantine drop constraint usage_quarantine_pkey`.execute(db);
  await sql`alter table usage_quarantine add primary key (event_id, digest)`.execute(db);
  await sql`
    create table job_bills (
      job_id text primary key,
      tenant_id text not null,
      state text not null,
      size_mst bigint not null,
      -- The work the job's record kept (its final event), mST: the most the tenant pays.
      kept_mst bigint not null check (kept_mst >= 0),
      -- What the tenant was charged beyond that (or beyond its size), given back from the platform loss account.
      returned_mst bigint not null default 0 check (returned_mst >= 0),
      ended_at timestamptz not null
    )`.execute(db);
  await sql`drop view analytics.usage_quarantine`.execute(db);
  await sql`
    create view analytics.usage_quarantine as
    select event_id, job_id, tenant_id, node_id, operator_id, attempt, replica, device_model, device_count,
           amount_mst, amount_mst / 1000.0 as st, period_start, period_end, code, reason, quarantined_at
    from public.usage_quarantine`.execute(db);
  await sql`
    create view analytics.usage_quarantine_daily as
    select date_trunc('day', quarantined_at) as day, operator_id, node_id, code,
           count(*) as events, sum(amount_mst) as mst, sum(amount_mst) / 1000.0 as st
    from public.usage_quarantine group by 1, 2, 3, 4`.execute(db);
  // Work the platform did not charge for: lost to a node failure, a restart or a preemption (the tenant paid
  // only what its job's record kept). Its cost in money is what the operators were paid for those tokens.
  await sql`
    create view analytics.platform_losses as
    select b.job_id, b.tenant_id, coalesce(j.kind, 'UNKNOWN') as kind, b.state, b.size_mst, b.kept_mst,
           coalesce(u.mst, 0) as charged_mst, b.returned_mst as lost_mst, b.returned_mst / 1000.0 as lost_st,
           coalesce(u.mst, 0) - b.returned_mst as paid_mst,
           (select count(distinct a.attempt) from public.job_assignments a where a.job_id = b.job_id) as placements,
           b.ended_at
    from public.job_bills b
    left join public.jobs j on j.job_id = b.job_id
    left join public.job_usage u on u.job_id = b.job_id`.execute(db);
  await sql`grant select on analytics.usage_quarantine, analytics.usage_quarantine_daily, analytics.platform_losses to tokengrid_analyst`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop view analytics.platform_losses, analytics.usage_quarantine_daily, analytics.usage_quarantine`.execute(db);
  await sql`drop table job_bills`.execute(db);
  await sql`delete from usage_quarantine where digest <> ''`.execute(db);
  await sql`alter table usage_quarantine drop constraint usage_quarantine_pkey`.execute(db);
  await sql`alter table usage_quarantine drop column digest, drop column code`.execute(db);
  await sql`alter table usage_quarantine add primary key (event_id)`.execute(db);
  await sql`
    create view analytics.usage_quarantine as
    select event_id, job_id, tenant_id, node_id, operator_id, attempt, replica, device_model, device_count,
           amount_mst, amount_mst / 1000.0 as st, period_start, period_end, reason, quarantined_at
    from public.usage_quarantine`.execute(db);
  await sql`grant select on analytics.usage_quarantine to tokengrid_analyst`.execute(db);
  await sql`alter table usage_event_ids drop column digest`.execute(db);
  await sql`alter table replica_progress drop column paid_mst`.execute(db);
  await sql`alter table job_assignments drop column kind, drop column precision, drop column cluster, drop column device_model`.execute(db);
}
