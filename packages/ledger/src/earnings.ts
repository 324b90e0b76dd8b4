/**
 * Operators are paid for the tokens their nodes delivered: each usage event
 * moves its value at that hour from the platform's revenue to the operator's
 * earnings, and the platform's margin on it to the margin account (CNY ledger,
 * micro-yuan). Idempotent on the usage event id.
 */
import { ensureAccount, createTransfer, type Trx } from "./transfers.js";
import { ACCOUNTS } from "./tokens.js";

export const EARNINGS = {
  operator: (operatorId: string) => `cny:operator:${operatorId}`,
  margin: "cny:margin",
} as const;

export async function payOperator(
  trx: Trx,
  eventId: string,
  operatorId: string,
  operatorMicroYuan: bigint,
  marginMicroYuan: bigint,
): Promise<void> {
  if (operatorMicroYuan > 0n) {
    const account = EARNINGS.operator(operatorId);
    await ensureAccount(trx, { id: account, ledger: "CNY", kind: "operator_earnings", owner: operatorId });
    await createTransfer(trx, {
      id: `${eventId}:operator`,
      ledger: "CNY",
      debit: ACCOUNTS.revenue,
      credit: account,
      amount: operatorMicroYuan,
      kind: "operator_earnings",
    });
  }
  if (marginMicroYuan > 0n) {
    await ensureAccount(trx, { id: EARNINGS.margin, ledger: "CNY", kind: "margin", owner: "platform" });
    await createTransfer(trx, {
      id: `${eventId}:margin`,
      ledger: "CNY",
      debit: ACCOUNTS.revenue,
      credit: EARNINGS.margin,
      amount: marginMicroYuan,
      kind: "margin",
    });
  }
}
