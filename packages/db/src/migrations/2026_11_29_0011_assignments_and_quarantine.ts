import { sql, type Kysely } from "kysely";

/**
 * Where each placement of a job ran (from the broker's job events), so that
 * settlement pays usage only from the node a replica was assigned to; and the
 * quarantine: usage refused, with why, never settled, for operators and
 * analysts to see.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table job_assignments (
      job_id text not null,
      tenant_id text not null,
      attempt integer not null check (attempt > 0),
      replica integer not null check (replica >= 0),
      node_id text not null,
      device_count integer not null check (device_count > 0),
      assigned_at timestamptz not null,
      -- When the placement ended (the job finished, or was requeued): usage after it is not paid.
      ended_at timestamptz,
      primary key (job_id, attempt, replica)
    )`.execute(db);
  // How far each replica's paid usage has come: a new event must start where the last one ended.
  await sql`
    create table replica_progress (
      job_id text not null,
      attempt integer not null,
      replica integer not null,
      last_seq integer not null,
      last_period_end timestamptz not null,
      primary key (job_id, attempt, replica)
    )`.execute(db);
  await sql`
    create table usage_quarantine (
      event_id text primary key,
      job_id text not null,
      tenant_id text not null,
      node_id text not null,
      operator_id text not null,
      attempt integer not null,
      replica integer not null,
      device_model text not null,
      device_count integer not null,
      amount_mst bigint not null,
      period_start timestamptz not null,
      period_end timestamptz not null,
      reason text not null,
      quarantined_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index usage_quarantine_operator on usage_quarantine (operator_id, quarantined_at)`.execute(db);
  await sql`
    create view analytics.usage_quarantine as
    select event_id, job_id, tenant_id, node_id, operator_id, attempt, replica, device_model, device_count,
           amount_mst, amount_mst / 1000.0 as st, period_start, period_end, reason, quarantined_at
    from public.usage_quarantine`.execute(db);
  await sql`grant select on analytics.usage_quarantine to tokengrid_analyst`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop view analytics.usage_quarantine`.execute(db);
  await sql`drop table usage_quarantine`.execute(db);
  await sql`drop table replica_progress`.execute(db);
  await sql`drop table job_assignments`.execute(db);
}
