import { sql, type Kysely } from "kysely";

/**
 * Usage totals per job, kept up to date by the same statement that inserts
 * usage, so that reading a tenant's or a job's usage does not need an index on
 * the (large, partitioned) usage table, and inserting usage maintains one
 * index fewer.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table job_usage (
      job_id text primary key,
      tenant_id text not null,
      mst bigint not null default 0 check (mst >= 0),
      events bigint not null default 0
    )`.execute(db);
  await sql`create index job_usage_tenant on job_usage (tenant_id)`.execute(db);
  await sql`
    insert into job_usage (job_id, tenant_id, mst, events)
    select job_id, min(tenant_id), sum(amount_mst), count(*) from usage_events group by job_id`.execute(db);
  await sql`drop index if exists usage_events_tenant_job`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index usage_events_tenant_job on usage_events (tenant_id, job_id)`.execute(db);
  await sql`drop table job_usage`.execute(db);
}
