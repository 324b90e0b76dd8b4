import { sql, type Kysely } from "kysely";

/**
 * The analysts' door: views with stable names in schema `analytics`, and a
 * role `tokengrid_analyst` that may read those views and nothing else. Log in
 * as a role that is a member of it (docs/analytics.md).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema if not exists analytics`.execute(db);
  await sql`
    create or replace view analytics.usage_hourly as
    select date_trunc('hour', u.period_end) as hour, u.tenant_id, u.cluster, u.node_id, u.operator_id, u.device_model,
           coalesce(j.kind, 'UNKNOWN') as kind,
           sum(u.amount_mst) as mst, sum(u.amount_mst) / 1000.0 as st, count(*) as events
    from public.usage_events u left join public.jobs j on j.job_id = u.job_id
    group by 1, 2, 3, 4, 5, 6, 7`.execute(db);
  await sql`
    create or replace view analytics.jobs as
    select j.job_id, j.tenant_id, j.kind, j.state, j.size_mst, j.size_mst / 1000.0 as size_st, j.cluster, j.node_id,
           j.created_at as submitted_at,
           (select min(e.occurred_at) from public.job_events e where e.job_id = j.job_id and e.state = 'RUNNING') as started_at,
           (select max(e.occurred_at) from public.job_events e where e.job_id = j.job_id and e.state in ('SUCCEEDED', 'FAILED', 'CANCELLED')) as ended_at
    from public.jobs j`.execute(db);
  await sql`
    create or replace view analytics.job_latency as
    select job_id, tenant_id, kind, cluster, submitted_at, started_at,
           extract(epoch from started_at - submitted_at) as seconds_to_start
    from analytics.jobs where started_at is not null`.execute(db);
  await sql`
    create or replace view analytics.token_sales as
    select p.tenant_id, p.package_id, k.size_mst, k.size_mst / 1000.0 as size_st, k.price_micro_yuan, k.price_micro_yuan / 1e6 as price_yuan, p.created_at as purchased_at
    from public.purchases p join public.packages k on k.id = p.package_id`.execute(db);
  await sql`
    create or replace view analytics.tenant_tokens as
    select owner as tenant_id,
           sum(credits_posted - debits_posted - debits_pending) filter (where expires_at is null or expires_at > now()) as available_mst,
           sum(debits_pending) as held_mst,
           sum(debits_posted) as used_or_lapsed_mst
    from public.ledger_accounts where kind = 'lot' group by owner`.execute(db);
  await sql`
    create or replace view analytics.ledger_balances as
    select ledger, sum(debits_posted) as debits_posted, sum(credits_posted) as credits_posted,
           sum(debits_pending) as debits_pending, sum(credits_pending) as credits_pending
    from public.ledger_accounts group by ledger`.execute(db);
  await sql`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'tokengrid_analyst') then
        create role tokengrid_analyst nologin;
      end if;
    end $$`.execute(db);
  await sql`grant usage on schema analytics to tokengrid_analyst`.execute(db);
  await sql`grant select on all tables in schema analytics to tokengrid_analyst`.execute(db);
  await sql`revoke all on all tables in schema public from tokengrid_analyst`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop schema if exists analytics cascade`.execute(db);
}
