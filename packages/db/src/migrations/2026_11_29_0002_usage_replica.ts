import type { Kysely } from "kysely";

// Gang jobs run several replicas; usage records which one did the work.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("usage_events")
    .addColumn("replica", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("usage_events").dropColumn("replica").execute();
}
