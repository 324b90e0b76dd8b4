/** The ledger against a real PostgreSQL, in a database of its own, with concurrent writers. */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { DEFAULT_DATABASE_URL } from "@tokengrid/config";
import { dropDatabase, openDatabase, sql, type Database, type Kysely } from "@tokengrid/db";
import { ConflictingRetryError, InsufficientBalanceError } from "./errors.js";
import { authorize, balance, capture, captureBatch, expireHolds, expireLots, purchase, release, seedLedger } from "./tokens.js";
import { imbalances } from "./transfers.js";

const url = new URL(process.env["DATABASE_URL"] ?? DEFAULT_DATABASE_URL);
url.pathname = `/t_ledger_${randomBytes(4).toString("hex")}`;
let db: Kysely<Database>;
const NOW = Date.parse("2026-12-01T00:00:00Z");
const DAY = 86_400_000;
const ST = 1000n;

beforeAll(async () => {
  db = await openDatabase(url.toString());
  await seedLedger(db);
});
afterAll(async () => {
  await db?.destroy();
  await dropDatabase(url.toString());
});

/** The invariants of the bank workload. */
async function checkInvariants(tenants: string[], nowMs: number) {
  for (const i of await imbalances(db)) expect(i, i.ledger).toMatchObject({ posted: 0n, pending: 0n });
  for (const t of tenants) {
    // The lots' own columns agree with the transfer history that moved them.
    const fromHistory = await sql<{ credited: string; debited: string; held: string }>`
      select coalesce(sum(case when t.credit_account_id = a.id and t.status = 'posted' then t.amount end), 0)::text as credited,
             coalesce(sum(case when t.debit_account_id = a.id and t.status = 'posted' then t.amount end), 0)::text as debited,
             coalesce(sum(case when t.debit_account_id = a.id and t.status = 'pending' then t.pending_remaining end), 0)::text as held
      from ledger_accounts a join ledger_transfers t on t.debit_account_id = a.id or t.credit_account_id = a.id
      where a.owner = ${t} and a.kind = 'lot'`.execute(db);
    const h = fromHistory.rows[0]!;
    const cols = await sql<{ credits: string; debits: string; pending: string; negative: string }>`
      select coalesce(sum(credits_posted), 0)::text as credits, coalesce(sum(debits_posted), 0)::text as debits,
             coalesce(sum(debits_pending), 0)::text as pending,
             count(*) filter (where credits_posted - debits_posted - debits_pending < 0)::text as negative
      from ledger_accounts where owner = ${t} and kind = 'lot'`.execute(db);
    const c = cols.rows[0]!;
    expect([c.credits, c.debits, c.pending], t).toEqual([h.credited, h.debited, h.held]);
    expect(c.negative, t).toBe("0");
    // The sum of lots is the tenant's balance.
    const b = await balance(db, t, nowMs);
    expect(b.lots.reduce((s, l) => s + l.availableMst, 0n)).toBe(b.availableMst);
    expect(b.availableMst).toBeGreaterThanOrEqual(0n);
  }
}

describe("token packages", () => {
  it("a purchase adds a lot once, however often it is retried", async () => {
    const a = await purchase(db, "p1", "starter-10m", "buy-1", NOW);
    const b = await purchase(db, "p1", "starter-10m", "buy-1", NOW);
    expect(a.created).toBe(true);
    expect(b).toEqual({ lot: a.lot, created: false });
    expect((await balance(db, "p1", NOW)).availableMst).toBe(10_000_000n * ST);
    await expect(purchase(db, "p1", "standard-1b", "buy-1", NOW)).rejects.toThrow(ConflictingRetryError);
    await expect(purchase(db, "p1", "no-such", "buy-2", NOW)).rejects.toThrow(/package "no-such" not found/);
  });

  it("holds refuse what is not there, with the shortfall, and change nothing", async () => {
    await purchase(db, "p2", "starter-10m", "buy", NOW);
    const err = await authorize(db, "p2", "hold-big", "job", 12_000_000n * ST, NOW, DAY).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InsufficientBalanceError);
    expect((err as Error).message).toBe(
      "not enough tokens: the job needs 12000000000 mST, 10000000000 mST are available; short by 2000000000 mST",
    );
    expect(await balance(db, "p2", NOW)).toMatchObject({ availableMst: 10_000_000n * ST, heldMst: 0n });
  });

  it("usage draws the lot that expires first; captures and releases settle the hold", async () => {
    await purchase(db, "p3", "standard-1b", "late", NOW); // 90 days
    await purchase(db, "p3", "starter-10m", "soon", NOW); // 30 days
    await authorize(db, "p3", "h", "job-1", 15_000_000n * ST, NOW, DAY);
    let b = await balance(db, "p3", NOW);
    expect(b.heldMst).toBe(15_000_000n * ST);
    expect(b.lots[0]!.heldMst).toBe(10_000_000n * ST); // the 30-day lot first
    await capture(db, "p3", "h", "usage-1", 4_000_000n * ST, NOW);
    await capture(db, "p3", "h", "usage-1", 4_000_000n * ST, NOW); // redelivered: no-op
    // The set-based path: against the hold, and idempotent too.
    const batch = [{ tenantId: "p3", jobId: "h", captureId: "batch-1", amountMst: 1_000_000n * ST }];
    expect(await db.transaction().execute((trx) => captureBatch(trx, batch, NOW))).toEqual(new Map([["batch-1", 0n]]));
    await db.transaction().execute((trx) => captureBatch(trx, batch, NOW));
    expect(await release(db, "h")).toBe(10_000_000n * ST);
    expect(await release(db, "h")).toBe(0n);
    b = await balance(db, "p3", NOW);
    expect(b).toMatchObject({ availableMst: 1_005_000_000n * ST, heldMst: 0n });
    await checkInvariants(["p3"], NOW);
  });

  it("green-only and off-peak tokens pay only for usage that meets their condition", async () => {
    // Three lots, all 90 days: green-only, off-peak, unconditional (a starter, 30 days, expires first).
    await purchase(db, "p5", "green-1b", "g", NOW);
    await purchase(db, "p5", "offpeak-1b", "o", NOW + 1);
    await purchase(db, "p5", "starter-10m", "s", NOW + 2);
    const lotOf = async (pkg: string) => (await balance(db, "p5", NOW)).lots.find((l) => l.packageId === pkg)!.availableMst;
    const take = (captureId: string, amountMst: bigint, meets: { green: boolean; offPeak: boolean }) =>
      db.transaction().execute((trx) => captureBatch(trx, [{ tenantId: "p5", jobId: "none", captureId, amountMst, meets }], NOW));
    // Peak-hour usage in a coal-heavy hour: only the unconditional lot pays; beyond it, the overdraft.
    expect(await take("peak-brown", 12_000_000n * ST, { green: false, offPeak: false })).toEqual(
      new Map([["peak-brown", 2_000_000n * ST]]),
    );
    expect(await lotOf("starter-10m")).toBe(0n);
    expect(await lotOf("green-1b")).toBe(1_000_000_000n * ST);
    expect(await lotOf("offpeak-1b")).toBe(1_000_000_000n * ST);
    // Green usage at night may use either conditional lot: the first-expiring (green, bought first) pays.
    expect(await take("night-green", 5n * ST, { green: true, offPeak: true })).toEqual(new Map([["night-green", 0n]]));
    expect(await lotOf("green-1b")).toBe(1_000_000_000n * ST - 5n * ST);
    // Brown usage at night: the off-peak lot.
    await take("night-brown", 7n * ST, { green: false, offPeak: true });
    expect(await lotOf("offpeak-1b")).toBe(1_000_000_000n * ST - 7n * ST);
    // A hold drawn from conditional lots is captured only by usage that meets their condition.
    await authorize(db, "p5", "hold-p5", "job-p5", 3n * ST, NOW, DAY);
    const held = db
      .transaction()
      .execute((trx) =>
        captureBatch(
          trx,
          [{ tenantId: "p5", jobId: "hold-p5", captureId: "h5-peak", amountMst: 3n * ST, meets: { green: false, offPeak: false } }],
          NOW,
        ),
      );
    expect(await held).toEqual(new Map([["h5-peak", 3n * ST]]));
    expect(await release(db, "hold-p5")).toBe(3n * ST);
    await checkInvariants(["p5"], NOW);
  });

  it("a hold whose job never reports expires, and an expired lot lapses", async () => {
    await purchase(db, "p4", "starter-10m", "buy", NOW);
    await authorize(db, "p4", "h4", "job-4", 1_000_000n * ST, NOW, 60_000);
    expect(await expireHolds(db, NOW + 120_000)).toBeGreaterThanOrEqual(1);
    expect((await balance(db, "p4", NOW)).heldMst).toBe(0n);
    expect(await expireLots(db, NOW + 31 * DAY)).toBeGreaterThanOrEqual(1);
    const b = await balance(db, "p4", NOW + 31 * DAY);
    expect(b.availableMst).toBe(0n);
    await expect(authorize(db, "p4", "h5", "job-5", 1n, NOW + 31 * DAY, DAY)).rejects.toThrow(InsufficientBalanceError);
    await checkInvariants(["p4"], NOW + 31 * DAY);
  });
});

describe("the bank workload (Jepsen style)", () => {
  it("keeps every ledger balanced, no lot below zero, and lots equal to balances, under concurrent random operations", async () => {
    const tenants = ["b1", "b2", "b3"];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            fc.record({
              op: fc.constantFrom("purchase", "authorize", "authorize", "capture", "captureBatch", "release", "expireHolds", "expireLots"),
              tenant: fc.constantFrom(...tenants),
              hold: fc.integer({ min: 0, max: 5 }),
              amountSt: fc.integer({ min: 1, max: 12_000_000 }),
              seq: fc.integer({ min: 0, max: 3 }),
            }),
            { minLength: 1, maxLength: 8 },
          ),
          { minLength: 1, maxLength: 6 },
        ),
        async (batches) => {
          run += 1;
          let clock = NOW;
          for (const [bi, batch] of batches.entries()) {
            clock += DAY;
            // A batch runs concurrently, each operation in its own transaction.
            await Promise.all(
              batch.map(async (o) => {
                const hold = `r${run}-${o.tenant}-h${o.hold}`;
                try {
                  switch (o.op) {
                    case "purchase":
                      await purchase(db, o.tenant, "starter-10m", `r${run}-b${bi}-${o.seq}`, clock);
                      break;
                    case "authorize":
                      await authorize(db, o.tenant, hold, "job", BigInt(o.amountSt) * ST, clock, 3 * DAY);
                      break;
                    case "capture":
                      await capture(db, o.tenant, hold, `${hold}-c${bi}-${o.seq}`, BigInt(o.amountSt) * ST, clock);
                      break;
                    case "captureBatch":
                      await db.transaction().execute((trx) =>
                        captureBatch(
                          trx,
                          tenants.map((t) => ({
                            tenantId: t,
                            jobId: `r${run}-${t}-h${o.hold}`,
                            captureId: `${hold}-b${bi}-${o.seq}-${t}`,
                            amountMst: BigInt(o.amountSt) * ST,
                          })),
                          clock,
                        ),
                      );
                      break;
                    case "release":
                      await release(db, hold);
                      break;
                    case "expireHolds":
                      await expireHolds(db, clock);
                      break;
                    case "expireLots":
                      await expireLots(db, clock);
                      break;
                  }
                } catch (err) {
                  // Expected refusals; anything else fails the test.
                  if (!(err instanceof InsufficientBalanceError || err instanceof ConflictingRetryError)) {
                    const code = (err as { code?: string }).code;
                    // Concurrent transactions may be chosen as deadlock victims or serialisation failures: they changed nothing.
                    if (code !== "40P01" && code !== "40001") throw err;
                  }
                }
              }),
            );
            await checkInvariants(tenants, clock);
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
