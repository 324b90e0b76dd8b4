/** Deadlocks on a real PostgreSQL: the victim runs again and both writes land. */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql, type Kysely, type Transaction } from "kysely";
import { DEFAULT_DATABASE_URL } from "@tokengrid/config";
import { dropDatabase, openDatabase } from "./connect.js";
import { isRetryableConflict, retriedTransaction } from "./retry.js";

const url = new URL(process.env["DATABASE_URL"] ?? DEFAULT_DATABASE_URL);
url.pathname = `/t_retry_${randomBytes(4).toString("hex")}`;
/** A table of the test's own, outside the schema's types. */
type Counters = Record<string, { id: number; n: number }>;
let db: Kysely<Counters>;

beforeAll(async () => {
  db = (await openDatabase(url.toString())) as unknown as typeof db;
  await sql`create table counters (id int primary key, n int not null)`.execute(db);
  await sql`insert into counters values (1, 0), (2, 0)`.execute(db);
});
afterAll(async () => {
  await db?.destroy();
  await dropDatabase(url.toString());
});

/** Locks one row, waits until the other transaction holds the other, then wants it: a deadlock, every time. */
async function crossing(first: number, second: number, both: { arrived: number; go: Promise<void>; release: () => void }, plain: boolean) {
  let attempt = 0;
  const body = async (trx: Transaction<Counters>) => {
    attempt += 1;
    await sql`update counters set n = n + 1 where id = ${first}`.execute(trx);
    if (attempt === 1) {
      both.arrived += 1;
      if (both.arrived === 2) both.release();
      await both.go;
    }
    await sql`update counters set n = n + 1 where id = ${second}`.execute(trx);
  };
  if (plain) await db.transaction().execute(body);
  else await retriedTransaction(db, body);
  return attempt;
}

describe("retriedTransaction", () => {
  it("runs a deadlock victim again, so both crossing writers land", async () => {
    let release!: () => void;
    const both = { arrived: 0, go: new Promise<void>((r) => (release = r)), release: () => release() };
    const attempts = await Promise.all([crossing(1, 2, both, false), crossing(2, 1, both, false)]);
    // One of them was PostgreSQL's victim and ran twice.
    expect(attempts.toSorted((a, b) => a - b)).toEqual([1, 2]);
    const rows = await sql<{ n: number }>`select n from counters order by id`.execute(db);
    expect(rows.rows.map((r) => r.n)).toEqual([2, 2]);
  });

  it("without it, the victim fails with 40P01 (what the retry is for)", async () => {
    let release!: () => void;
    const both = { arrived: 0, go: new Promise<void>((r) => (release = r)), release: () => release() };
    const results = await Promise.allSettled([crossing(1, 2, both, true), crossing(2, 1, both, true)]);
    const failed = results.filter((r) => r.status === "rejected");
    expect(failed).toHaveLength(1);
    expect(isRetryableConflict((failed[0] as PromiseRejectedResult).reason)).toBe(true);
  });

  it("passes any other error on at once", async () => {
    let runs = 0;
    await expect(
      retriedTransaction(db, async (trx) => {
        runs += 1;
        await sql`select * from no_such_table`.execute(trx);
      }),
    ).rejects.toThrow(/no_such_table/);
    expect(runs).toBe(1);
  });
});
