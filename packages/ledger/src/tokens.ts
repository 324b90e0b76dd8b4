/**
 * Token packages, lots, balances and holds, on the ledger.
 *
 * - Buying a package issues its tokens into a new lot of the tenant's (an ST
 *   account that may not be overdrawn, with an expiry) and moves its price from
 *   the tenant's payments account to the platform's revenue (CNY).
 * - A hold (authorisation) is a set of pending transfers from the tenant's lots,
 *   first-expiring lot first, to the consumed account. Usage captures against
 *   it; the rest is voided when the job ends; a hold that outlives its expiry
 *   is voided.
 * - An expired lot's remaining tokens lapse to the expired account.
 *
 * Amounts: ST ledger in mST; CNY ledger in micro-yuan (1 yuan = 1,000,000).
 */
import { createHash } from "node:crypto";
import { retriedTransaction, sql, type Database, type Kysely, type PackageCondition } from "@tokengrid/db";
import { NotFoundError, TokenGridError, type UsageConditions } from "@tokengrid/domain";
import { ConflictingRetryError, InsufficientBalanceError } from "./errors.js";
import { capturePending, createTransfer, ensureAccount, voidPending, type Trx } from "./transfers.js";

export const MICRO_YUAN_PER_YUAN = 1_000_000n;

export const ACCOUNTS = {
  issuance: "st:issuance",
  consumed: "st:consumed",
  expired: "st:expired",
  revenue: "cny:revenue",
  tenantPayments: (tenant: string) => `cny:payments:${tenant}`,
  /** Usage a tenant's tokens could not cover: may go below zero. */
  overdraft: (tenant: string) => `st:overdraft:${tenant}`,
  /**
   * Work the platform does not charge for: tokens given back to tenants for
   * work their jobs' records did not keep (lost to a node failure, a restart or
   * a preemption). Its debit balance is the platform's loss, in mST.
   */
  platformLoss: "st:platform_loss",
} as const;

export interface PackageSpec {
  id: string;
  name: string;
  sizeMst: bigint;
  priceMicroYuan: bigint;
  validityDays: number;
  condition: PackageCondition;
}

/** Usage whose place and time are not known meets no condition: only unconditional tokens pay for it. */
export const NO_CONDITIONS: UsageConditions = { green: false, offPeak: false };

/** May a lot with this condition pay for usage that meets these conditions? */
export function lotPays(condition: PackageCondition, meets: UsageConditions): boolean {
  return condition === "none" || (condition === "green_only" && meets.green) || (condition === "off_peak" && meets.offPeak);
}

/**
 * ASSUMPTION: the default catalogue, priced a little above the modelled cost
 * per ST (docs/standard-token.md: about 0.15–0.5 yuan per million ST).
 * seedLedger takes another catalogue.
 */
export const DEFAULT_PACKAGES: readonly PackageSpec[] = [
  {
    id: "starter-10m",
    name: "Starter: 10 million ST, 30 days",
    sizeMst: 10_000_000_000n,
    priceMicroYuan: 3_000_000n,
    validityDays: 30,
    condition: "none",
  },
  {
    id: "standard-1b",
    name: "Standard: 1 billion ST, 90 days",
    sizeMst: 1_000_000_000_000n,
    priceMicroYuan: 250_000_000n,
    validityDays: 90,
    condition: "none",
  },
  {
    id: "green-1b",
    name: "Green: 1 billion ST on at least 50 % renewable power, 90 days",
    sizeMst: 1_000_000_000_000n,
    priceMicroYuan: 280_000_000n,
    validityDays: 90,
    condition: "green_only",
  },
  {
    id: "offpeak-1b",
    name: "Off-peak: 1 billion ST run 23:00–07:00 CST, 90 days",
    sizeMst: 1_000_000_000_000n,
    priceMicroYuan: 200_000_000n,
    validityDays: 90,
    condition: "off_peak",
  },
  {
    id: "enterprise-100b",
    name: "Enterprise: 100 billion ST, 365 days",
    sizeMst: 100_000_000_000_000n,
    priceMicroYuan: 22_000_000_000n,
    validityDays: 365,
    condition: "none",
  },
];

/** Creates the platform's accounts and the package catalogue (idempotent). */
export async function seedLedger(db: Kysely<Database>, packages: readonly PackageSpec[] = DEFAULT_PACKAGES): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await ensureAccount(trx, { id: ACCOUNTS.issuance, ledger: "ST", kind: "issuance", owner: "platform" });
    await ensureAccount(trx, { id: ACCOUNTS.consumed, ledger: "ST", kind: "consumed", owner: "platform" });
    await ensureAccount(trx, { id: ACCOUNTS.expired, ledger: "ST", kind: "expired", owner: "platform" });
    await ensureAccount(trx, { id: ACCOUNTS.platformLoss, ledger: "ST", kind: "platform_loss", owner: "platform" });
    await ensureAccount(trx, { id: ACCOUNTS.revenue, ledger: "CNY", kind: "revenue", owner: "platform" });
    for (const p of packages) {
      await trx
        .insertInto("packages")
        .values({
          id: p.id,
          name: p.name,
          size_mst: p.sizeMst,
          price_micro_yuan: p.priceMicroYuan,
          validity_days: p.validityDays,
          condition: p.condition,
        })
        .onConflict((oc) => oc.column("id").doNothing())
        .execute();
    }
  });
}

function key(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 24);
}

/** The tenant's unexpired lots, locked, first-expiring first: the order tokens are drawn in. */
function lockLiveLots(trx: Trx, tenantId: string, nowMs: number) {
  return trx
    .selectFrom("ledger_accounts")
    .select(["id", "credits_posted", "debits_posted", "debits_pending", "condition"])
    .where("owner", "=", tenantId)
    .where("kind", "=", "lot")
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", new Date(nowMs))]))
    .orderBy("expires_at")
    .orderBy("id")
    .forUpdate()
    .execute();
}

export interface Lot {
  accountId: string;
  packageId: string;
  condition: PackageCondition;
  sizeMst: bigint;
  expiresAt: Date;
}

/** Buys a package: idempotent on (tenant, request id); a retry with another package is an error. */
export async function purchase(
  db: Kysely<Database>,
  tenantId: string,
  packageId: string,
  requestId: string,
  nowMs: number,
): Promise<{ lot: Lot; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const pkg = await trx.selectFrom("packages").selectAll().where("id", "=", packageId).where("active", "=", true).executeTakeFirst();
    if (!pkg) throw new NotFoundError("package", packageId);
    const lotId = `lot:${tenantId}:${key(tenantId, requestId)}`;
    const expiresAt = new Date(nowMs + pkg.validity_days * 86_400_000);
    // The lot's id comes from the request id: a retry finds the same (existing) account.
    await ensureAccount(trx, {
      id: lotId,
      ledger: "ST",
      kind: "lot",
      owner: tenantId,
      debitsMustNotExceedCredits: true,
      expiresAt,
      condition: pkg.condition,
    });
    const inserted = await trx
      .insertInto("purchases")
      .values({ request_id: requestId, tenant_id: tenantId, package_id: packageId, lot_account_id: lotId })
      .onConflict((oc) => oc.columns(["tenant_id", "request_id"]).doNothing())
      .returning("lot_account_id")
      .executeTakeFirst();
    if (!inserted) {
      const earlier = await trx
        .selectFrom("purchases")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .where("request_id", "=", requestId)
        .executeTakeFirstOrThrow();
      if (earlier.package_id !== packageId) throw new ConflictingRetryError("purchase request", requestId);
      const lot = await trx
        .selectFrom("ledger_accounts")
        .select("expires_at")
        .where("id", "=", earlier.lot_account_id)
        .executeTakeFirstOrThrow();
      return {
        lot: {
          accountId: earlier.lot_account_id,
          packageId,
          condition: pkg.condition,
          sizeMst: BigInt(pkg.size_mst),
          expiresAt: lot.expires_at!,
        },
        created: false,
      };
    }
    await ensureAccount(trx, { id: ACCOUNTS.tenantPayments(tenantId), ledger: "CNY", kind: "tenant_payments", owner: tenantId });
    await createTransfer(trx, {
      id: `purchase:${lotId}:tokens`,
      ledger: "ST",
      debit: ACCOUNTS.issuance,
      credit: lotId,
      amount: BigInt(pkg.size_mst),
      kind: "purchase",
    });
    if (BigInt(pkg.price_micro_yuan) > 0n)
      await createTransfer(trx, {
        id: `purchase:${lotId}:payment`,
        ledger: "CNY",
        debit: ACCOUNTS.tenantPayments(tenantId),
        credit: ACCOUNTS.revenue,
        amount: BigInt(pkg.price_micro_yuan),
        kind: "payment",
      });
    return { lot: { accountId: lotId, packageId, condition: pkg.condition, sizeMst: BigInt(pkg.size_mst), expiresAt }, created: true };
  });
}

export interface Balance {
  /** Tokens the tenant can still use: in unexpired lots, not held. */
  availableMst: bigint;
  /** Tokens held for running jobs. */
  heldMst: bigint;
  lots: {
    accountId: string;
    packageId: string;
    condition: PackageCondition;
    availableMst: bigint;
    heldMst: bigint;
    expiresAt: Date | null;
  }[];
}

export async function balance(db: Kysely<Database> | Trx, tenantId: string, nowMs: number): Promise<Balance> {
  const rows = await db
    .selectFrom("ledger_accounts as a")
    .leftJoin("purchases as p", "p.lot_account_id", "a.id")
    .select(["a.id", "a.credits_posted", "a.debits_posted", "a.debits_pending", "a.expires_at", "a.condition", "p.package_id"])
    .where("a.owner", "=", tenantId)
    .where("a.kind", "=", "lot")
    .orderBy("a.expires_at")
    .orderBy("a.id")
    .execute();
  const lots = rows.map((r) => {
    const live = !r.expires_at || r.expires_at.getTime() > nowMs;
    return {
      accountId: r.id,
      packageId: r.package_id ?? "",
      condition: r.condition,
      availableMst: live ? BigInt(r.credits_posted) - BigInt(r.debits_posted) - BigInt(r.debits_pending) : 0n,
      heldMst: BigInt(r.debits_pending),
      expiresAt: r.expires_at,
    };
  });
  return {
    availableMst: lots.reduce((t, l) => t + l.availableMst, 0n),
    heldMst: lots.reduce((t, l) => t + l.heldMst, 0n),
    lots,
  };
}

/**
 * Holds `amountMst` of the tenant's tokens for a job, drawing the lots that
 * expire first. Idempotent on holdId. Not enough balance is
 * InsufficientBalanceError with the shortfall in the message.
 */
export async function authorize(
  db: Kysely<Database>,
  tenantId: string,
  holdId: string,
  jobId: string,
  amountMst: bigint,
  nowMs: number,
  ttlMs: number,
): Promise<{ created: boolean }> {
  if (amountMst <= 0n) throw new TokenGridError("INVALID_ARGUMENT", "amount: must be > 0");
  // A hold shares the tenant's lots with settlement's captures: a deadlock victim changed nothing and runs again.
  return retriedTransaction(db, async (trx) => {
    const existing = await trx
      .selectFrom("ledger_transfers")
      .select(sql<string>`sum(amount)::text`.as("total"))
      .where("hold_id", "=", holdId)
      .where("kind", "=", "hold")
      .executeTakeFirst();
    if (existing?.total) {
      if (BigInt(existing.total) !== amountMst) throw new ConflictingRetryError("hold", holdId);
      return { created: false };
    }
    // Lock the tenant's live lots, first-expiring first.
    const lots = await lockLiveLots(trx, tenantId, nowMs);
    let left = amountMst;
    const draws: [string, bigint][] = [];
    for (const l of lots) {
      if (left === 0n) break;
      const avail = BigInt(l.credits_posted) - BigInt(l.debits_posted) - BigInt(l.debits_pending);
      if (avail <= 0n) continue;
      const take = avail < left ? avail : left;
      draws.push([l.id, take]);
      left -= take;
    }
    if (left > 0n)
      throw new InsufficientBalanceError(
        `not enough tokens: the job needs ${amountMst} mST, ${amountMst - left} mST are available; short by ${left} mST`,
        { shortfallMst: left.toString() },
      );
    let i = 0;
    for (const [lot, take] of draws) {
      await createTransfer(trx, {
        id: `${holdId}:${i++}`,
        ledger: "ST",
        debit: lot,
        credit: ACCOUNTS.consumed,
        amount: take,
        kind: "hold",
        pending: true,
        holdId,
        jobId,
        expiresAt: new Date(nowMs + ttlMs),
      });
    }
    return { created: true };
  });
}

/**
 * Captures usage against a hold, lot by lot; usage beyond the hold draws the
 * tenant's other lots directly, first-expiring first. Only lots whose package
 * condition the usage meets (`meets`: where and when it ran) pay for it; a
 * held lot that may not stays held until the hold is released. Idempotent on
 * captureId. What the tokens cannot cover is refused (InsufficientBalanceError,
 * nothing captured), or, with `overdraft`, posted from the tenant's overdraft
 * account (the one account of a tenant's that may go below zero) and returned
 * as the shortfall.
 */
export async function captureIn(
  trx: Trx,
  tenantId: string,
  holdId: string,
  captureId: string,
  amountMst: bigint,
  nowMs: number,
  options: { overdraft?: boolean; meets?: UsageConditions } = {},
): Promise<bigint> {
  if (amountMst <= 0n) return 0n;
  const meets = options.meets ?? NO_CONDITIONS;
  const done = await trx.selectFrom("ledger_transfers").select("id").where("id", "=", `${captureId}:0`).executeTakeFirst();
  if (done) return 0n;
  const pendings = await trx
    .selectFrom("ledger_transfers as t")
    .innerJoin("ledger_accounts as a", "a.id", "t.debit_account_id")
    .select(["t.id", "t.pending_remaining", "a.condition"])
    .where("t.hold_id", "=", holdId)
    .where("t.kind", "=", "hold")
    .where("t.status", "=", "pending")
    .orderBy("t.id")
    .forUpdate("t")
    .execute();
  let left = amountMst;
  let i = 0;
  for (const p of pendings) {
    if (!lotPays(p.condition, meets)) continue;
    if (left === 0n) break;
    const r = BigInt(p.pending_remaining);
    const take = r < left ? r : left;
    if (take === 0n) continue;
    await capturePending(trx, p.id, `${captureId}:${i++}`, take);
    left -= take;
  }
  if (left === 0n) return 0n;
  // Beyond the hold: straight from the lots, first-expiring first.
  const lots = await lockLiveLots(trx, tenantId, nowMs);
  for (const lot of lots) {
    if (left === 0n) break;
    if (!lotPays(lot.condition, meets)) continue;
    const avail = BigInt(lot.credits_posted) - BigInt(lot.debits_posted) - BigInt(lot.debits_pending);
    const take = avail < left ? avail : left;
    if (take <= 0n) continue;
    await createTransfer(trx, {
      id: `${captureId}:${i++}`,
      ledger: "ST",
      debit: lot.id,
      credit: ACCOUNTS.consumed,
      amount: take,
      kind: "usage",
      holdId,
    });
    left -= take;
  }
  if (left === 0n) return 0n;
  if (!options.overdraft)
    throw new InsufficientBalanceError(`the tenant's tokens ran out: ${left} mST of usage could not be paid by tokens valid for it`, {
      shortfallMst: left.toString(),
    });
  const overdraft = ACCOUNTS.overdraft(tenantId);
  await ensureAccount(trx, { id: overdraft, ledger: "ST", kind: "overdraft", owner: tenantId });
  await createTransfer(trx, {
    id: `${captureId}:${i}`,
    ledger: "ST",
    debit: overdraft,
    credit: ACCOUNTS.consumed,
    amount: left,
    kind: "overdraft",
    holdId,
  });
  return left;
}

export async function capture(
  db: Kysely<Database>,
  tenantId: string,
  holdId: string,
  captureId: string,
  amountMst: bigint,
  nowMs: number,
): Promise<void> {
  await db.transaction().execute((trx) => captureIn(trx, tenantId, holdId, captureId, amountMst, nowMs));
}

/** Releases what is left of a hold (the job ended, or was cancelled). Idempotent. */
export async function releaseIn(trx: Trx, holdId: string): Promise<bigint> {
  const pendings = await trx
    .selectFrom("ledger_transfers")
    .select("id")
    .where("hold_id", "=", holdId)
    .where("kind", "=", "hold")
    .where("status", "=", "pending")
    .orderBy("id")
    .execute();
  let released = 0n;
  for (const p of pendings) released += await voidPending(trx, p.id);
  return released;
}

export async function release(db: Kysely<Database>, holdId: string): Promise<bigint> {
  return db.transaction().execute((trx) => releaseIn(trx, holdId));
}

/** Voids holds past their expiry (their jobs never reported). Returns how many transfers were voided. */
export async function expireHolds(db: Kysely<Database>, nowMs: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom("ledger_transfers")
      .select("id")
      .where("status", "=", "pending")
      .where("expires_at", "<", new Date(nowMs))
      .orderBy("id")
      .execute();
    for (const p of due) await voidPending(trx, p.id, "expiry");
    return due.length;
  });
}

/** Lets expired lots lapse: what they still hold (and is not held for a job) moves to the expired account. */
export async function expireLots(db: Kysely<Database>, nowMs: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const lots = await trx
      .selectFrom("ledger_accounts")
      .select(["id", "credits_posted", "debits_posted", "debits_pending"])
      .where("kind", "=", "lot")
      .where("expires_at", "<=", new Date(nowMs))
      .orderBy("id")
      .forUpdate()
      .execute();
    let n = 0;
    for (const l of lots) {
      const left = BigInt(l.credits_posted) - BigInt(l.debits_posted) - BigInt(l.debits_pending);
      if (left <= 0n) continue;
      await createTransfer(trx, {
        id: `expiry:${l.id}:${l.debits_posted}`,
        ledger: "ST",
        debit: l.id,
        credit: ACCOUNTS.expired,
        amount: left,
        kind: "expiry",
      });
      n += 1;
    }
    return n;
  });
}

export async function listPackages(db: Kysely<Database>): Promise<PackageSpec[]> {
  const rows = await db.selectFrom("packages").selectAll().where("active", "=", true).orderBy("size_mst").orderBy("id").execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    sizeMst: BigInt(r.size_mst),
    priceMicroYuan: BigInt(r.price_micro_yuan),
    validityDays: r.validity_days,
    condition: r.condition,
  }));
}

export interface StatementLine {
  period: string;
  boughtMst: bigint;
  usedMst: bigint;
  lapsedMst: bigint;
  paidMicroYuan: bigint;
  earnedMicroYuan: bigint;
}

/**
 * Movements of an owner's accounts (a tenant's lots, overdraft and payments,
 * or an operator's earnings) per day or month, China Standard Time.
 */
/**
 * A tenant's statement (tokens bought, used, lapsed; money paid), or an
 * operator's (money earned). Tenants and operators name their accounts in one
 * space of owners: each sees only its own kind of lines, so a tenant that
 * shares an id with an operator sees nothing of the operator's, and back.
 */
export async function statement(
  db: Kysely<Database>,
  owner: string,
  role: "tenant" | "operator",
  period: "day" | "month",
  fromMs: number,
): Promise<StatementLine[]> {
  const fmt = period === "day" ? "YYYY-MM-DD" : "YYYY-MM";
  const rows = await sql<{ period: string; bought: string; used: string; lapsed: string; paid: string; earned: string }>`
    select to_char(date_trunc(${period}, t.created_at at time zone 'Asia/Shanghai'), ${fmt}) as period,
      coalesce(sum(t.amount) filter (where t.kind = 'purchase' and c.owner = ${owner}), 0)::text as bought,
      (coalesce(sum(t.amount) filter (where t.kind in ('capture', 'usage', 'overdraft') and d.owner = ${owner}), 0)
        - coalesce(sum(t.amount) filter (where t.kind = 'loss_return' and c.owner = ${owner}), 0))::text as used,
      coalesce(sum(t.amount) filter (where t.kind = 'expiry' and d.owner = ${owner}), 0)::text as lapsed,
      coalesce(sum(t.amount) filter (where t.kind = 'payment' and d.owner = ${owner}), 0)::text as paid,
      coalesce(sum(t.amount) filter (where t.kind = 'operator_earnings' and c.owner = ${owner}), 0)::text as earned
    from ledger_transfers t
    join ledger_accounts d on d.id = t.debit_account_id
    join ledger_accounts c on c.id = t.credit_account_id
    where (d.owner = ${owner} or c.owner = ${owner}) and t.status = 'posted' and t.created_at >= ${new Date(fromMs)}
    group by 1 order by 1`.execute(db);
  const tenant = role === "tenant";
  return rows.rows
    .map((r) => ({
      period: r.period,
      boughtMst: tenant ? BigInt(r.bought) : 0n,
      usedMst: tenant ? BigInt(r.used) : 0n,
      lapsedMst: tenant ? BigInt(r.lapsed) : 0n,
      paidMicroYuan: tenant ? BigInt(r.paid) : 0n,
      earnedMicroYuan: tenant ? 0n : BigInt(r.earned),
    }))
    .filter((l) => l.boughtMst !== 0n || l.usedMst !== 0n || l.lapsedMst !== 0n || l.paidMicroYuan !== 0n || l.earnedMicroYuan !== 0n);
}

export interface CaptureItem {
  tenantId: string;
  jobId: string;
  captureId: string;
  amountMst: bigint;
  /** The package conditions the usage meets (where and when it ran); none when not given. */
  meets?: UsageConditions;
}

/**
 * Captures many jobs' usage against their holds in a few set-based
 * statements (the common case: the hold covers the usage). What a hold does
 * not cover goes through captureIn (lots, then overdraft) one job at a time.
 * Returns each item's shortfall (0 when paid in full). Idempotent per captureId.
 */
export async function captureBatch(trx: Trx, items: readonly CaptureItem[], nowMs: number): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  const todo = items.filter((i) => i.amountMst > 0n);
  if (todo.length === 0) return out;
  const done = await trx
    .selectFrom("ledger_transfers")
    .select("id")
    .where(
      "id",
      "in",
      todo.map((i) => `${i.captureId}:0`),
    )
    .execute();
  const seen = new Set(done.map((d) => d.id.slice(0, -2)));
  const fresh = todo.filter((i) => !seen.has(i.captureId));
  for (const i of todo) if (seen.has(i.captureId)) out.set(i.captureId, 0n);
  if (fresh.length === 0) return out;

  const pendings = await trx
    .selectFrom("ledger_transfers as t")
    .innerJoin("ledger_accounts as a", "a.id", "t.debit_account_id")
    .select([
      "t.id",
      "t.hold_id",
      "t.ledger",
      "t.debit_account_id",
      "t.credit_account_id",
      "t.pending_remaining",
      "t.job_id",
      "a.condition",
    ])
    .where("t.hold_id", "in", [...new Set(fresh.map((i) => i.jobId))])
    .where("t.kind", "=", "hold")
    .where("t.status", "=", "pending")
    .orderBy("t.id")
    .forUpdate("t")
    .execute();
  const byHold = new Map<string, typeof pendings>();
  for (const p of pendings) {
    const list = byHold.get(p.hold_id!) ?? [];
    list.push(p);
    byHold.set(p.hold_id!, list);
  }

  const children: { id: string; pending: (typeof pendings)[number]; amount: bigint }[] = [];
  const remaining = new Map<string, bigint>();
  const deltas = new Map<string, { dp: bigint; dq: bigint; cp: bigint; cq: bigint }>();
  const delta = (id: string) => {
    let d = deltas.get(id);
    if (!d) deltas.set(id, (d = { dp: 0n, dq: 0n, cp: 0n, cq: 0n }));
    return d;
  };
  const rest: CaptureItem[] = [];
  for (const item of [...fresh].sort((a, b) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0))) {
    let left = item.amountMst;
    let k = 0;
    for (const p of byHold.get(item.jobId) ?? []) {
      if (left === 0n) break;
      if (!lotPays(p.condition, item.meets ?? NO_CONDITIONS)) continue;
      const r = remaining.get(p.id) ?? BigInt(p.pending_remaining);
      const take = r < left ? r : left;
      if (take === 0n) continue;
      remaining.set(p.id, r - take);
      children.push({ id: `${item.captureId}:${k++}`, pending: p, amount: take });
      const d = delta(p.debit_account_id);
      d.dq -= take;
      d.dp += take;
      const c = delta(p.credit_account_id);
      c.cq -= take;
      c.cp += take;
      left -= take;
    }
    if (left > 0n) rest.push({ ...item, captureId: `${item.captureId}/rest`, amountMst: left });
    else out.set(item.captureId, 0n);
  }

  if (children.length > 0) {
    await sql`
      insert into ledger_transfers (id, ledger, debit_account_id, credit_account_id, amount, kind, status, pending_id, hold_id, job_id)
      select id, ledger, d, c, amount, 'capture', 'posted', pending_id, hold_id, job_id from unnest(
        ${children.map((x) => x.id)}::text[], ${children.map((x) => x.pending.ledger)}::text[], ${children.map((x) => x.pending.debit_account_id)}::text[],
        ${children.map((x) => x.pending.credit_account_id)}::text[], ${children.map((x) => x.amount.toString())}::bigint[],
        ${children.map((x) => x.pending.id)}::text[], ${children.map((x) => x.pending.hold_id)}::text[], ${children.map((x) => x.pending.job_id)}::text[])
        as u(id, ledger, d, c, amount, pending_id, hold_id, job_id)`.execute(trx);
    const ids = [...remaining.keys()];
    await sql`
      update ledger_transfers t set pending_remaining = u.r, status = case when u.r = 0 then 'closed' else 'pending' end
      from unnest(${ids}::text[], ${ids.map((id) => remaining.get(id)!.toString())}::bigint[]) as u(id, r)
      where t.id = u.id`.execute(trx);
    const accounts = [...deltas.keys()].sort();
    // Lock in id order, then move every balance in one statement.
    await sql`select id from ledger_accounts where id = any(${accounts}::text[]) order by id for update`.execute(trx);
    const col = (f: "dp" | "dq" | "cp" | "cq") => accounts.map((a) => deltas.get(a)![f].toString());
    await sql`
      update ledger_accounts a set debits_posted = a.debits_posted + u.dp, debits_pending = a.debits_pending + u.dq,
        credits_posted = a.credits_posted + u.cp, credits_pending = a.credits_pending + u.cq
      from unnest(${accounts}::text[], ${col("dp")}::bigint[], ${col("dq")}::bigint[], ${col("cp")}::bigint[], ${col("cq")}::bigint[]) as u(id, dp, dq, cp, cq)
      where a.id = u.id`.execute(trx);
  }
  for (const r of rest) {
    const left = await captureIn(trx, r.tenantId, r.jobId, r.captureId, r.amountMst, nowMs, { overdraft: true, meets: r.meets });
    out.set(r.captureId.replace(/\/rest$/, ""), left);
  }
  return out;
}
