import { sql, type Kysely } from "kysely";

/**
 * A lot carries its package's condition (none, green_only, off_peak), so that
 * drawing tokens for usage can see, in the same locked row, whether the usage
 * may be paid from it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table ledger_accounts add column condition text not null default 'none'
    constraint ledger_accounts_condition check (condition in ('none', 'green_only', 'off_peak'))`.execute(db);
  await sql`
    update ledger_accounts a set condition = k.condition
    from purchases p join packages k on k.id = p.package_id
    where p.lot_account_id = a.id and a.kind = 'lot'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table ledger_accounts drop column condition`.execute(db);
}
