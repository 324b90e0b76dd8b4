import { sql, type Kysely } from "kysely";

/**
 * Usage partitioned by time (month of period_end). A partitioned table's
 * unique keys must include the partition key, so de-duplication on the event
 * id moves to its own table, usage_event_ids, written in the same statement;
 * the partitions themselves carry only the index analysts and balances use.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table usage_events rename to usage_events_unpartitioned`.execute(db);
  await sql`alter index usage_events_tenant_job rename to usage_events_unpartitioned_tenant_job`.execute(db);
  await sql`
    create table usage_events (
      event_id text not null,
      job_id text not null,
      tenant_id text not null,
      node_id text not null,
      operator_id text not null,
      cluster text not null,
      device_model text not null,
      device_count integer not null,
      amount_mst bigint not null check (amount_mst >= 0),
      seq integer not null,
      replica integer not null default 0,
      period_start timestamptz not null,
      period_end timestamptz not null,
      final boolean not null,
      settled_at timestamptz not null default now()
    ) partition by range (period_end)`.execute(db);
  await sql`create table usage_events_default partition of usage_events default`.execute(db);
  await sql`create index usage_events_tenant_job on usage_events (tenant_id, job_id)`.execute(db);
  await sql`create table usage_event_ids (event_id text primary key)`.execute(db);
  await sql`
    insert into usage_events (event_id, job_id, tenant_id, node_id, operator_id, cluster, device_model, device_count, amount_mst, seq, replica, period_start, period_end, final, settled_at)
    select event_id, job_id, tenant_id, node_id, operator_id, cluster, device_model, device_count, amount_mst, seq, replica, period_start, period_end, final, settled_at
    from usage_events_unpartitioned`.execute(db);
  await sql`insert into usage_event_ids select event_id from usage_events_unpartitioned`.execute(db);
  // Views depend on the table by name; recreate the one that reads it.
  await sql`drop view if exists analytics.usage_hourly`.execute(db);
  await sql`drop table usage_events_unpartitioned`.execute(db);
  await sql`
    create view analytics.usage_hourly as
    select date_trunc('hour', u.period_end) as hour, u.tenant_id, u.cluster, u.node_id, u.operator_id, u.device_model,
           coalesce(j.kind, 'UNKNOWN') as kind,
           sum(u.amount_mst) as mst, sum(u.amount_mst) / 1000.0 as st, count(*) as events
    from public.usage_events u left join public.jobs j on j.job_id = u.job_id
    group by 1, 2, 3, 4, 5, 6, 7`.execute(db);
  await sql`grant select on analytics.usage_hourly to tokengrid_analyst`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("usage partitioning is not reversible");
}
