import { sql, type Kysely } from "kysely";

// What each operator (and the platform's margin) has earned, exactly, in
// nano-yuan; the ledger pays whole micro-yuan from it, so small chunks of
// usage are never rounded away.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("earnings_accruals")
    .addColumn("account_id", "text", (c) => c.primaryKey().references("ledger_accounts.id"))
    .addColumn("accrued_nano_yuan", "numeric", (c) => c.notNull().defaultTo(0))
    .addColumn("paid_micro_yuan", "bigint", (c) => c.notNull().defaultTo(0))
    .addCheckConstraint("earnings_accruals_paid_le_accrued", sql`paid_micro_yuan * 1000 <= accrued_nano_yuan`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("earnings_accruals").execute();
}
