import { sql, type Kysely } from "kysely";

/**
 * What each usage event was worth, as settlement valued it when it paid the
 * node's operator (nano-yuan): the operator's share and the platform's margin.
 * Kept on the event so that revenue and margin can be read by region, node,
 * tenant and hour; the ledger's accruals per operator are the same sums.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table usage_events add column operator_nano_yuan bigint not null default 0, add column margin_nano_yuan bigint not null default 0`.execute(
    db,
  );
  // New columns go at the end of the view, so the view keeps its existing columns and name.
  await sql`
    create or replace view analytics.usage_hourly as
    select date_trunc('hour', u.period_end) as hour, u.tenant_id, u.cluster, u.node_id, u.operator_id, u.device_model,
           coalesce(j.kind, 'UNKNOWN') as kind,
           sum(u.amount_mst) as mst, sum(u.amount_mst) / 1000.0 as st, count(*) as events,
           sum(u.operator_nano_yuan) / 1e9 as operator_yuan, sum(u.margin_nano_yuan) / 1e9 as margin_yuan
    from public.usage_events u left join public.jobs j on j.job_id = u.job_id
    group by 1, 2, 3, 4, 5, 6, 7`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop view analytics.usage_hourly`.execute(db);
  await sql`
    create view analytics.usage_hourly as
    select date_trunc('hour', u.period_end) as hour, u.tenant_id, u.cluster, u.node_id, u.operator_id, u.device_model,
           coalesce(j.kind, 'UNKNOWN') as kind,
           sum(u.amount_mst) as mst, sum(u.amount_mst) / 1000.0 as st, count(*) as events
    from public.usage_events u left join public.jobs j on j.job_id = u.job_id
    group by 1, 2, 3, 4, 5, 6, 7`.execute(db);
  await sql`grant select on analytics.usage_hourly to tokengrid_analyst`.execute(db);
  await sql`alter table usage_events drop column operator_nano_yuan, drop column margin_nano_yuan`.execute(db);
}
