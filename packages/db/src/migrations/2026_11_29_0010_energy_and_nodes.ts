import { sql, type Kysely } from "kysely";

const USAGE_HOURLY = sql`
    create or replace view analytics.usage_hourly as
    select date_trunc('hour', u.period_end) as hour, u.tenant_id, u.cluster, u.node_id, u.operator_id, u.device_model,
           coalesce(j.kind, 'UNKNOWN') as kind,
           sum(u.amount_mst) as mst, sum(u.amount_mst) / 1000.0 as st, count(*) as events,
           sum(u.operator_nano_yuan) / 1e9 as operator_yuan, sum(u.margin_nano_yuan) / 1e9 as margin_yuan,
           sum(u.energy_kwh) as energy_kwh, sum(u.green_kwh) as green_kwh, sum(u.co2_grams) / 1000.0 as co2_kg
    from public.usage_events u left join public.jobs j on j.job_id = u.job_id
    group by 1, 2, 3, 4, 5, 6, 7`;

/**
 * Energy, green energy and CO2 of each usage event, as settlement estimated
 * them when it valued the event (the same model the broker priced with); the
 * nodes settlement has seen in the registry; and the views that read them:
 * green share and carbon, and utilisation per node and hour.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table usage_events
    add column energy_kwh double precision not null default 0,
    add column green_kwh double precision not null default 0,
    add column co2_grams double precision not null default 0`.execute(db);
  await USAGE_HOURLY.execute(db);
  await sql`
    create table nodes (
      node_id text primary key,
      operator_id text not null,
      cluster text not null,
      device_model text not null,
      devices integer not null check (devices > 0),
      registered_at timestamptz not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create view analytics.green_hourly as
    select hour, tenant_id, cluster, node_id, operator_id,
           sum(energy_kwh) as energy_kwh, sum(green_kwh) as green_kwh,
           case when sum(energy_kwh) > 0 then sum(green_kwh) / sum(energy_kwh) end as green_share,
           sum(co2_kg) as co2_kg
    from analytics.usage_hourly group by 1, 2, 3, 4, 5`.execute(db);
  await sql`
    create view analytics.nodes as
    select node_id, operator_id, cluster, device_model, devices, registered_at from public.nodes`.execute(db);
  await sql`
    create view analytics.node_utilisation_hourly as
    select b.hour, b.node_id, n.cluster, n.operator_id, n.devices, b.busy_device_seconds,
           b.busy_device_seconds / (n.devices * 3600.0) as utilisation
    from (
      select date_trunc('hour', period_end) as hour, node_id,
             sum(device_count * extract(epoch from period_end - period_start)) as busy_device_seconds
      from public.usage_events group by 1, 2
    ) b join public.nodes n on n.node_id = b.node_id`.execute(db);
  await sql`grant select on analytics.green_hourly, analytics.nodes, analytics.node_utilisation_hourly to tokengrid_analyst`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop view analytics.node_utilisation_hourly, analytics.nodes, analytics.green_hourly`.execute(db);
  await sql`drop table nodes`.execute(db);
  await sql`drop view analytics.usage_hourly`.execute(db);
  await sql`
    create view analytics.usage_hourly as
    select date_trunc('hour', u.period_end) as hour, u.tenant_id, u.cluster, u.node_id, u.operator_id, u.device_model,
           coalesce(j.kind, 'UNKNOWN') as kind,
           sum(u.amount_mst) as mst, sum(u.amount_mst) / 1000.0 as st, count(*) as events,
           sum(u.operator_nano_yuan) / 1e9 as operator_yuan, sum(u.margin_nano_yuan) / 1e9 as margin_yuan
    from public.usage_events u left join public.jobs j on j.job_id = u.job_id
    group by 1, 2, 3, 4, 5, 6, 7`.execute(db);
  await sql`grant select on analytics.usage_hourly to tokengrid_analyst`.execute(db);
  await sql`alter table usage_events drop column energy_kwh, drop column green_kwh, drop column co2_grams`.execute(db);
}
