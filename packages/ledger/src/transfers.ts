/**
 * Accounts and transfers, after TigerBeetle. Every transfer has a unique id:
 * a retry with the same id and content is a no-op, with other content an
 * error. Balance rules are CHECK constraints on the account rows; a transfer
 * that would break one fails with InsufficientBalanceError and changes nothing.
 * Functions take the caller's transaction: the caller owns the boundary.
 */
import { sql, type Database, type Kysely, type PackageCondition, type Transaction } from "@tokengrid/db";
import { TokenGridError } from "@tokengrid/domain";
import { ConflictingRetryError, InsufficientBalanceError } from "./errors.js";

export type Trx = Transaction<Database>;
export type Ledger = "ST" | "CNY";

export interface AccountSpec {
  id: string;
  ledger: Ledger;
  kind: string;
  owner: string;
  /** The account may not be overdrawn (a tenant's lot, an operator's balance). */
  debitsMustNotExceedCredits?: boolean;
  creditsMustNotExceedDebits?: boolean;
  expiresAt?: Date;
  /** A lot's package condition. */
  condition?: PackageCondition;
}

/** Creates the account if it does not exist. */
export async function ensureAccount(trx: Trx, a: AccountSpec): Promise<void> {
  await trx
    .insertInto("ledger_accounts")
    .values({
      id: a.id,
      ledger: a.ledger,
      kind: a.kind,
      owner: a.owner,
      debits_must_not_exceed_credits: a.debitsMustNotExceedCredits ?? false,
      credits_must_not_exceed_debits: a.creditsMustNotExceedDebits ?? false,
      expires_at: a.expiresAt ?? null,
      condition: a.condition ?? "none",
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
}

export interface TransferSpec {
  id: string;
  ledger: Ledger;
  debit: string;
  credit: string;
  amount: bigint;
  kind: string;
  /** A pending transfer holds the amount; capture and void settle it later. */
  pending?: boolean;
  holdId?: string;
  jobId?: string;
  expiresAt?: Date;
}

function isCheckViolation(err: unknown): err is { code: string; constraint?: string } {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "23514";
}

/** Adds to an account's columns; a broken balance rule becomes InsufficientBalanceError. */
async function move(
  trx: Trx,
  accountId: string,
  column: "debits_posted" | "credits_posted" | "debits_pending" | "credits_pending",
  delta: bigint,
): Promise<void> {
  try {
    const r =
      await sql`update ledger_accounts set ${sql.ref(column)} = ${sql.ref(column)} + ${delta.toString()}::bigint where id = ${accountId}`.execute(
        trx,
      );
    if (r.numAffectedRows === 0n) throw new TokenGridError("NOT_FOUND", `account ${JSON.stringify(accountId)} does not exist`);
  } catch (err) {
    if (isCheckViolation(err))
      throw new InsufficientBalanceError(`account ${accountId} has too little balance for this transfer`, { accountId });
    throw err;
  }
}

/** Applies a transfer's effect to its two accounts, in id order so that concurrent writers never deadlock. */
async function applyToAccounts(
  trx: Trx,
  debit: string,
  credit: string,
  amount: bigint,
  phase: "posted" | "pending" | "capture" | "void",
): Promise<void> {
  const steps: [string, () => Promise<void>][] = [];
  const d = (col: "debits_posted" | "debits_pending", delta: bigint) => steps.push([debit, () => move(trx, debit, col, delta)]);
  const c = (col: "credits_posted" | "credits_pending", delta: bigint) => steps.push([credit, () => move(trx, credit, col, delta)]);
  switch (phase) {
    case "posted":
      d("debits_posted", amount);
      c("credits_posted", amount);
      break;
    case "pending":
      d("debits_pending", amount);
      c("credits_pending", amount);
      break;
    case "capture":
      // Release the hold first, then post: the rule sees pending + posted unchanged.
      d("debits_pending", -amount);
      d("debits_posted", amount);
      c("credits_pending", -amount);
      c("credits_posted", amount);
      break;
    case "void":
      d("debits_pending", -amount);
      c("credits_pending", -amount);
      break;
    default: {
      const never: never = phase;
      throw new Error(`unknown phase ${String(never)}`);
    }
  }
  steps.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [, step] of steps) await step();
}

/** Creates a posted or pending transfer. Returns false when the same transfer already existed. */
export async function createTransfer(trx: Trx, t: TransferSpec): Promise<boolean> {
  if (t.amount <= 0n) throw new TokenGridError("INVALID_ARGUMENT", `transfer ${t.id}: amount must be > 0`);
  const inserted = await trx
    .insertInto("ledger_transfers")
    .values({
      id: t.id,
      ledger: t.ledger,
      debit_account_id: t.debit,
      credit_account_id: t.credit,
      amount: t.amount,
      kind: t.kind,
      status: t.pending ? "pending" : "posted",
      pending_remaining: t.pending ? t.amount : 0n,
      hold_id: t.holdId ?? null,
      job_id: t.jobId ?? null,
      expires_at: t.expiresAt ?? null,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!inserted) {
    const existing = await trx.selectFrom("ledger_transfers").selectAll().where("id", "=", t.id).executeTakeFirstOrThrow();
    const same =
      existing.debit_account_id === t.debit &&
      existing.credit_account_id === t.credit &&
      BigInt(existing.amount) === t.amount &&
      existing.ledger === t.ledger &&
      existing.kind === t.kind;
    if (!same) throw new ConflictingRetryError("transfer", t.id);
    return false;
  }
  await applyToAccounts(trx, t.debit, t.credit, t.amount, t.pending ? "pending" : "posted");
  return true;
}

/**
 * Posts part of a pending transfer (a capture), as a child transfer with its
 * own id. Returns the amount captured (0 when this capture id was applied before).
 */
export async function capturePending(trx: Trx, pendingId: string, captureId: string, amount: bigint): Promise<bigint> {
  const seen = await trx.selectFrom("ledger_transfers").select(["amount", "pending_id"]).where("id", "=", captureId).executeTakeFirst();
  if (seen) {
    if (seen.pending_id !== pendingId || BigInt(seen.amount) !== amount) throw new ConflictingRetryError("capture", captureId);
    return 0n;
  }
  const p = await trx.selectFrom("ledger_transfers").selectAll().where("id", "=", pendingId).forUpdate().executeTakeFirst();
  if (!p || p.status !== "pending") throw new TokenGridError("FAILED_PRECONDITION", `transfer ${pendingId} is not pending`);
  if (BigInt(p.pending_remaining) < amount)
    throw new InsufficientBalanceError(`hold ${pendingId} has ${p.pending_remaining}, not ${amount}`);
  const left = BigInt(p.pending_remaining) - amount;
  await trx
    .updateTable("ledger_transfers")
    .set({ pending_remaining: left, status: left === 0n ? "closed" : "pending" })
    .where("id", "=", pendingId)
    .execute();
  await trx
    .insertInto("ledger_transfers")
    .values({
      id: captureId,
      ledger: p.ledger,
      debit_account_id: p.debit_account_id,
      credit_account_id: p.credit_account_id,
      amount,
      kind: "capture",
      status: "posted",
      pending_id: pendingId,
      hold_id: p.hold_id,
      job_id: p.job_id,
    })
    .execute();
  await applyToAccounts(trx, p.debit_account_id, p.credit_account_id, amount, "capture");
  return amount;
}

/** Voids what is left of a pending transfer. Idempotent. Returns the amount released. */
export async function voidPending(trx: Trx, pendingId: string, kind = "void"): Promise<bigint> {
  const p = await trx.selectFrom("ledger_transfers").selectAll().where("id", "=", pendingId).forUpdate().executeTakeFirst();
  if (!p || p.status !== "pending") return 0n;
  const left = BigInt(p.pending_remaining);
  await trx.updateTable("ledger_transfers").set({ pending_remaining: 0n, status: "voided" }).where("id", "=", pendingId).execute();
  if (left > 0n) {
    await trx
      .insertInto("ledger_transfers")
      .values({
        id: `${pendingId}:${kind}`,
        ledger: p.ledger,
        debit_account_id: p.debit_account_id,
        credit_account_id: p.credit_account_id,
        amount: left,
        kind,
        status: "voided",
        pending_id: pendingId,
        hold_id: p.hold_id,
        job_id: p.job_id,
      })
      .execute();
    await applyToAccounts(trx, p.debit_account_id, p.credit_account_id, left, "void");
  }
  return left;
}

/** Per ledger: posted debits − posted credits and pending debits − pending credits (both must be 0). */
export async function imbalances(trx: Trx | Kysely<Database>): Promise<{ ledger: string; posted: bigint; pending: bigint }[]> {
  const rows = await sql<{ ledger: string; posted: string; pending: string }>`
    select ledger,
           (sum(debits_posted) - sum(credits_posted))::text as posted,
           (sum(debits_pending) - sum(credits_pending))::text as pending
    from ledger_accounts group by ledger order by ledger`.execute(trx);
  return rows.rows.map((r) => ({ ledger: r.ledger, posted: BigInt(r.posted), pending: BigInt(r.pending) }));
}
