import { sql, type Kysely } from "kysely";

/**
 * A double-entry ledger after TigerBeetle: accounts and transfers, one ledger
 * per unit (ST in mST, CNY in micro-yuan), integer amounts. Balance rules are
 * CHECK constraints on the account row, so they hold under any number of
 * concurrent writers (each transfer updates the rows it touches, and
 * PostgreSQL locks them). Pending transfers are holds.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("ledger_accounts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ledger", "text", (c) => c.notNull().check(sql`ledger in ('ST', 'CNY')`))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("debits_posted", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("credits_posted", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("debits_pending", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("credits_pending", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("debits_must_not_exceed_credits", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("credits_must_not_exceed_debits", "boolean", (c) => c.notNull().defaultTo(false))
    // Token lots expire; others do not.
    .addColumn("expires_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      "ledger_accounts_non_negative",
      sql`debits_posted >= 0 and credits_posted >= 0 and debits_pending >= 0 and credits_pending >= 0`,
    )
    .addCheckConstraint(
      "ledger_accounts_debits_rule",
      sql`not debits_must_not_exceed_credits or debits_posted + debits_pending <= credits_posted`,
    )
    .addCheckConstraint(
      "ledger_accounts_credits_rule",
      sql`not credits_must_not_exceed_debits or credits_posted + credits_pending <= debits_posted`,
    )
    .execute();
  await db.schema.createIndex("ledger_accounts_owner").on("ledger_accounts").columns(["owner", "kind", "expires_at"]).execute();

  await db.schema
    .createTable("ledger_transfers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ledger", "text", (c) => c.notNull())
    .addColumn("debit_account_id", "text", (c) => c.notNull().references("ledger_accounts.id"))
    .addColumn("credit_account_id", "text", (c) => c.notNull().references("ledger_accounts.id"))
    .addColumn("amount", "bigint", (c) => c.notNull().check(sql`amount > 0`))
    .addColumn("kind", "text", (c) => c.notNull())
    // posted | pending | voided (a pending transfer's remainder is voided; its captures are posted children)
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('posted', 'pending', 'voided', 'closed')`))
    // For a pending transfer: what is still held. For a capture or void: the pending transfer it draws on.
    .addColumn("pending_remaining", "bigint", (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`pending_remaining >= 0`),
    )
    .addColumn("pending_id", "text", (c) => c.references("ledger_transfers.id"))
    .addColumn("hold_id", "text")
    .addColumn("job_id", "text")
    .addColumn("expires_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("ledger_transfers_two_accounts", sql`debit_account_id <> credit_account_id`)
    .execute();
  await db.schema.createIndex("ledger_transfers_hold").on("ledger_transfers").columns(["hold_id"]).execute();
  await db.schema.createIndex("ledger_transfers_pending_expiry").on("ledger_transfers").columns(["status", "expires_at"]).execute();

  await db.schema
    .createTable("packages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("size_mst", "bigint", (c) => c.notNull().check(sql`size_mst > 0`))
    .addColumn("price_micro_yuan", "bigint", (c) => c.notNull().check(sql`price_micro_yuan >= 0`))
    .addColumn("validity_days", "integer", (c) => c.notNull().check(sql`validity_days > 0`))
    // none | green_only | off_peak
    .addColumn("condition", "text", (c) => c.notNull().defaultTo("none"))
    .addColumn("active", "boolean", (c) => c.notNull().defaultTo(true))
    .execute();

  await db.schema
    .createTable("purchases")
    .addColumn("request_id", "text", (c) => c.notNull())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("package_id", "text", (c) => c.notNull().references("packages.id"))
    .addColumn("lot_account_id", "text", (c) => c.notNull().references("ledger_accounts.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("purchases_pk", ["tenant_id", "request_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("purchases").execute();
  await db.schema.dropTable("packages").execute();
  await db.schema.dropTable("ledger_transfers").execute();
  await db.schema.dropTable("ledger_accounts").execute();
}
