/**
 * Operators are paid for the tokens their nodes delivered: each batch of
 * usage adds its exact value (nano-yuan) to the operator's accrual, and the
 * whole micro-yuan accrued but not yet paid move from the platform's revenue
 * to the operator's earnings; the margin on it likewise to the margin account
 * (CNY ledger, micro-yuan). Nothing is rounded away: what is not yet a whole
 * micro-yuan waits in the accrual for the next batch.
 */
import { sql } from "@tokengrid/db";
import { createTransfer, ensureAccount, type Trx } from "./transfers.js";
import { ACCOUNTS } from "./tokens.js";

export const EARNINGS = {
  operator: (operatorId: string) => `cny:operator:${operatorId}`,
  margin: "cny:margin",
} as const;

/** Adds nano-yuan to an account's accrual and pays out what has become whole micro-yuan. */
async function accrue(trx: Trx, accountId: string, nanoYuan: bigint, transferId: string, kind: string): Promise<void> {
  if (nanoYuan <= 0n) return;
  const row = await sql<{ due: string }>`
    insert into earnings_accruals (account_id, accrued_nano_yuan) values (${accountId}, ${nanoYuan.toString()}::numeric)
    on conflict (account_id) do update set accrued_nano_yuan = earnings_accruals.accrued_nano_yuan + excluded.accrued_nano_yuan
    returning (floor(accrued_nano_yuan / 1000) - paid_micro_yuan)::text as due`.execute(trx);
  const due = BigInt(row.rows[0]!.due);
  if (due <= 0n) return;
  await createTransfer(trx, { id: transferId, ledger: "CNY", debit: ACCOUNTS.revenue, credit: accountId, amount: due, kind });
  await sql`update earnings_accruals set paid_micro_yuan = paid_micro_yuan + ${due.toString()}::bigint where account_id = ${accountId}`.execute(
    trx,
  );
}

/**
 * Pays a batch's earnings: `byOperator` maps operator id to nano-yuan earned,
 * `marginNanoYuan` is the platform's margin on them. `batchId` must be the same
 * whenever the same usage is paid (derive it from the events' ids).
 */
export async function payOperators(
  trx: Trx,
  batchId: string,
  byOperator: ReadonlyMap<string, bigint>,
  marginNanoYuan: bigint,
): Promise<void> {
  for (const [operatorId, nano] of [...byOperator].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const account = EARNINGS.operator(operatorId);
    await ensureAccount(trx, { id: account, ledger: "CNY", kind: "operator_earnings", owner: operatorId });
    await accrue(trx, account, nano, `earnings:${batchId}:${operatorId}`, "operator_earnings");
  }
  await ensureAccount(trx, { id: EARNINGS.margin, ledger: "CNY", kind: "margin", owner: "platform" });
  await accrue(trx, EARNINGS.margin, marginNanoYuan, `margin:${batchId}`, "margin");
}
