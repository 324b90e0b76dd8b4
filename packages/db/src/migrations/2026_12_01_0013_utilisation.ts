import { sql, type Kysely } from "kysely";

/**
 * Achieved utilisation: what each ended job's workload reported it did (its
 * tokens at the job's model size), against the work its record kept (what its
 * devices delivered and its tenant paid). Per job, and per node and cluster by
 * day: the figure behind "GPUs below 30 %". A job counts where its placement's
 * first replica ran (its record's node).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table job_bills
    add column reported_mst bigint not null default 0 check (reported_mst >= 0),
    add column reported_tokens bigint not null default 0 check (reported_tokens >= 0)`.execute(db);
  await sql`
    create view analytics.achieved_utilisation as
    select b.job_id, b.tenant_id, coalesce(j.kind, 'UNKNOWN') as kind, j.cluster, j.node_id, b.state,
           b.kept_mst as delivered_mst, b.reported_mst, b.reported_tokens,
           case when b.reported_mst > 0 and b.kept_mst > 0 then b.reported_mst::numeric / b.kept_mst end as utilisation,
           b.ended_at
    from public.job_bills b
    left join public.jobs j on j.job_id = b.job_id`.execute(db);
  await sql`
    create view analytics.achieved_utilisation_daily as
    select date_trunc('day', b.ended_at) as day, j.cluster, j.node_id,
           count(*) as jobs, count(*) filter (where b.reported_mst > 0) as jobs_reporting,
           sum(b.kept_mst) filter (where b.reported_mst > 0) as delivered_mst,
           sum(b.reported_mst) as reported_mst,
           sum(b.reported_mst)::numeric / nullif(sum(b.kept_mst) filter (where b.reported_mst > 0), 0) as utilisation
    from public.job_bills b
    left join public.jobs j on j.job_id = b.job_id
    group by 1, 2, 3`.execute(db);
  await sql`grant select on analytics.achieved_utilisation, analytics.achieved_utilisation_daily to tokengrid_analyst`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop view analytics.achieved_utilisation_daily, analytics.achieved_utilisation`.execute(db);
  await sql`alter table job_bills drop column reported_tokens, drop column reported_mst`.execute(db);
}
