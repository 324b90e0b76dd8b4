import { sql, type Kysely } from "kysely";

// Frozen in time: migrations never import application types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("usage_events")
    .addColumn("event_id", "text", (c) => c.primaryKey())
    .addColumn("job_id", "text", (c) => c.notNull())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("node_id", "text", (c) => c.notNull())
    .addColumn("operator_id", "text", (c) => c.notNull())
    .addColumn("cluster", "text", (c) => c.notNull())
    .addColumn("device_model", "text", (c) => c.notNull())
    .addColumn("device_count", "integer", (c) => c.notNull())
    .addColumn("amount_mst", "bigint", (c) => c.notNull().check(sql`amount_mst >= 0`))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("period_start", "timestamptz", (c) => c.notNull())
    .addColumn("period_end", "timestamptz", (c) => c.notNull())
    .addColumn("final", "boolean", (c) => c.notNull())
    .addColumn("settled_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("usage_events_tenant_job").on("usage_events").columns(["tenant_id", "job_id"]).execute();

  await db.schema
    .createTable("jobs")
    .addColumn("job_id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("size_mst", "bigint", (c) => c.notNull())
    .addColumn("node_id", "text")
    .addColumn("cluster", "text")
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addColumn("message", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.createIndex("jobs_tenant").on("jobs").columns(["tenant_id", "created_at"]).execute();

  await db.schema
    .createTable("job_events")
    .addColumn("event_id", "text", (c) => c.primaryKey())
    .addColumn("job_id", "text", (c) => c.notNull())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("node_id", "text")
    .addColumn("cluster", "text")
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull())
    .addColumn("message", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("job_events_job").on("job_events").columns(["job_id", "occurred_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("job_events").execute();
  await db.schema.dropTable("jobs").execute();
  await db.schema.dropTable("usage_events").execute();
}
