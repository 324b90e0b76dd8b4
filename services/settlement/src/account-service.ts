/** tokengrid.account.v1.AccountService, served by settlement from the settled rows. */
import { fromTimestamp, toTimestamp, unary as grpcUnary, type AccountServiceHandlers } from "@tokengrid/contracts";
import { callerOf, namedTenant, operatorOf, requireService, tenantOf, type Guard } from "@tokengrid/security";
import { isDatabaseUnavailable, usageTotal, type Database, type Kysely } from "@tokengrid/db";
import { authorize, balance, listPackages, purchase, statement } from "@tokengrid/ledger";
import { InvalidArgumentError, isValidId, UnavailableError } from "@tokengrid/domain";
import type { Logger } from "@tokengrid/telemetry";

const CONDITIONS = {
  none: "PACKAGE_CONDITION_NONE",
  green_only: "PACKAGE_CONDITION_GREEN_ONLY",
  off_peak: "PACKAGE_CONDITION_OFF_PEAK",
} as const;

export function accountServiceHandlers(db: Kysely<Database>, log: Logger, holdTtlMs: number, guard: Guard): AccountServiceHandlers {
  const onError = (err: unknown) => log.error({ err }, "request failed");
  /** A handler whose database may be down: that is UNAVAILABLE with advice, not an internal error. */
  const unary: typeof grpcUnary = (handler, onErr) =>
    grpcUnary(async (call) => {
      try {
        return await handler(call);
      } catch (err) {
        if (!isDatabaseUnavailable(err)) throw err;
        log.warn({ err: (err as Error).message }, "the settlement database is unreachable");
        throw new UnavailableError(
          "the settlement database is unreachable; retry in a few seconds (with the same request_id where the call has one)",
          { cause: err },
        );
      }
    }, onErr);
  return {
    GetUsage: unary(async (call) => {
      const tenant = await tenantOf(call, guard);
      const jobId = call.request.jobId;
      if (jobId !== "" && !isValidId(jobId)) throw new InvalidArgumentError("job_id", "not a job id");
      const t = await usageTotal(db, tenant, jobId || undefined);
      return { settledMst: t.settledMst.toString(), eventCount: t.eventCount.toString() };
    }, onError),
    ListPackages: unary(async (call) => {
      await callerOf(call, guard);
      const packages = await listPackages(db);
      return {
        packages: packages.map((p) => ({
          packageId: p.id,
          name: p.name,
          sizeMst: p.sizeMst.toString(),
          priceMicroYuan: p.priceMicroYuan.toString(),
          validityDays: p.validityDays,
          condition: CONDITIONS[p.condition],
        })),
      };
    }, onError),
    PurchasePackage: unary(async (call) => {
      const tenant = await tenantOf(call, guard);
      const { requestId, packageId } = call.request;
      if (requestId === "")
        throw new InvalidArgumentError("request_id", "is required (any unique string up to 128 characters; a retry reuses it)");
      if (requestId.length > 128) throw new InvalidArgumentError("request_id", `at most 128 characters, got ${requestId.length}`);
      if (!isValidId(packageId)) throw new InvalidArgumentError("package_id", "is required: one of the ids ListPackages returns");
      const { lot, created } = await purchase(db, tenant, packageId, requestId, Date.now());
      return {
        created,
        lot: {
          lotId: lot.accountId,
          packageId: lot.packageId,
          availableMst: lot.sizeMst.toString(),
          heldMst: "0",
          expireTime: toTimestamp(lot.expiresAt.getTime()),
          condition: CONDITIONS[lot.condition],
        },
      };
    }, onError),
    Authorize: unary(async (call) => {
      // Holds are the broker's to take, for the tenant it names.
      requireService(call, guard, "broker", "Authorize");
      const tenant = namedTenant(call.metadata, "the broker");
      const { jobId, amountMst } = call.request;
      if (!isValidId(jobId)) throw new InvalidArgumentError("job_id", "is required: the job the hold is for");
      if (!/^\d+$/.test(amountMst) || BigInt(amountMst) <= 0n)
        throw new InvalidArgumentError("amount_mst", `must be > 0, got ${amountMst}`);
      const nowMs = Date.now();
      const { created } = await authorize(db, tenant, jobId, jobId, BigInt(amountMst), nowMs, holdTtlMs);
      return { created, expireTime: toTimestamp(nowMs + holdTtlMs) };
    }, onError),
    GetStatement: unary(async (call) => {
      const raw = call.metadata.get("x-operator-id")[0];
      const operator = typeof raw === "string" && raw !== "" ? raw : undefined;
      if (operator !== undefined && !isValidId(operator))
        throw new InvalidArgumentError("x-operator-id", "1..64 letters, digits, '.', '_' or '-'");
      // An operator's earnings (its own; an admin names one), or a tenant's statement.
      const caller = await callerOf(call, guard);
      let owner: string;
      let role: "tenant" | "operator" = "tenant";
      if (caller.kind === "operator" || operator !== undefined) {
        role = "operator";
        const o = await operatorOf(call, guard, operator);
        if (o === undefined) throw new InvalidArgumentError("x-operator-id", "an admin names the operator whose statement it wants");
        owner = o;
      } else owner = await tenantOf(call, guard);
      const period = String(call.request.period) === "STATEMENT_PERIOD_MONTH" ? "month" : "day";
      if (!["STATEMENT_PERIOD_UNSPECIFIED", "STATEMENT_PERIOD_DAY", "STATEMENT_PERIOD_MONTH"].includes(String(call.request.period)))
        throw new InvalidArgumentError(
          "period",
          `unknown value ${String(call.request.period)}; use STATEMENT_PERIOD_DAY or STATEMENT_PERIOD_MONTH`,
        );
      const fromMs = call.request.startTime
        ? fromTimestamp(call.request.startTime)
        : Date.now() - (period === "day" ? 31 : 366) * 86_400_000;
      const lines = await statement(db, owner, role, period, fromMs);
      return {
        lines: lines.map((l) => ({
          period: l.period,
          boughtMst: l.boughtMst.toString(),
          usedMst: l.usedMst.toString(),
          lapsedMst: l.lapsedMst.toString(),
          paidMicroYuan: l.paidMicroYuan.toString(),
          earnedMicroYuan: l.earnedMicroYuan.toString(),
        })),
      };
    }, onError),
    GetBalance: unary(async (call) => {
      const tenant = await tenantOf(call, guard);
      const b = await balance(db, tenant, Date.now());
      return {
        availableMst: b.availableMst.toString(),
        heldMst: b.heldMst.toString(),
        lots: b.lots.map((l) => ({
          lotId: l.accountId,
          packageId: l.packageId,
          availableMst: l.availableMst.toString(),
          heldMst: l.heldMst.toString(),
          expireTime: l.expiresAt ? toTimestamp(l.expiresAt.getTime()) : null,
          condition: CONDITIONS[l.condition],
        })),
      };
    }, onError),
  };
}
