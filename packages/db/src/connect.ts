import pg from "pg";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFromStdin } from "pg-copy-streams";
import { Kysely, Migrator, PostgresDialect, type Transaction } from "kysely";
import { DependencyUnavailableError } from "@tokengrid/domain";
import { HOW_TO_START } from "@tokengrid/config";
import type { Database } from "./schema.js";
import { MIGRATIONS } from "./migrations/index.js";

// int8 (bigint) stays a string: amounts never pass through a float.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
  if (!/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/.test(name))
    throw new Error(`DATABASE_URL: database name ${JSON.stringify(name)} is not a plain identifier`);
  return name;
}

/**
 * Creates the database named in the URL if it does not exist, connecting to
 * the server's `postgres` database to do so.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (err) {
    throw new DependencyUnavailableError("PostgreSQL", redact(url), HOW_TO_START.postgres, err);
  }
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (err) {
        // Another process created it first.
        if ((err as { code?: string }).code !== "42P04") throw err;
      }
    }
  } finally {
    await client.end();
  }
}

/** Drops a database (tests clean up with it). */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** The pool behind each Kysely instance createDb made: COPY needs a connection of its own. */
const pools = new WeakMap<Kysely<Database>, pg.Pool>();

export function createDb(url: string, maxConnections = 10): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections, connectionTimeoutMillis: 5000 });
  // A client losing its connection (the database restarting, say) must not crash the process: the error
  // reaches whoever is using it as a failed query, and the pool replaces the client. An idle client's error
  // comes to the pool; a checked-out client's to the client itself, which needs a listener too.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

/** A transaction in which rows can also be streamed in with COPY (same connection, same transaction). */
export interface CopyTransaction {
  readonly trx: Transaction<Database>;
  /** Runs `COPY ... FROM STDIN` with `data` (COPY text format, in chunks of whole lines) as its input. */
  copyFrom(statement: string, data: readonly (string | Buffer)[]): Promise<void>;
}

/**
 * Runs `fn` in one transaction on one connection taken from `db`'s pool, with
 * both Kysely queries and COPY available; commits if `fn` resolves, rolls back
 * if it throws. (Kysely keeps its connections to itself; COPY needs the
 * driver's client, so the transaction runs on a client borrowed here.)
 */
export async function copyTransaction<T>(db: Kysely<Database>, fn: (t: CopyTransaction) => Promise<T>): Promise<T> {
  const pool = pools.get(db);
  if (!pool) throw new Error("copyTransaction needs a database opened with createDb or openDatabase");
  const client = await pool.connect();
  let broken: Error | undefined;
  // Kysely over this one client: every query it runs goes to the same connection.
  const single = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: { connect: async () => ({ query: client.query.bind(client), release: () => {} }), end: async () => {} } as never,
    }),
  });
  try {
    return await single.transaction().execute((trx) =>
      fn({
        trx,
        copyFrom: (statement, data) => pipeline(Readable.from(data), client.query(copyFromStdin(statement))),
      }),
    );
  } catch (err) {
    // A connection whose state is unknown (it failed mid-COPY) is not handed back to the pool.
    broken = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.release(broken);
  }
}

/** Brings the schema to the latest migration; fails loudly naming the migration. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? "(unknown)"} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** ensureDatabase, connect, migrate: what a service does at start. */
export async function openDatabase(url: string): Promise<Kysely<Database>> {
  await ensureDatabase(url);
  const db = createDb(url);
  await migrateToLatest(db);
  return db;
}

/**
 * Whether an error is the database being down, restarting or unreachable
 * (rather than a statement's fault): the caller may retry later.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : "";
  return (
    (typeof code === "string" &&
      (["ECONNREFUSED", "ECONNRESET", "EPIPE", "57P01", "57P02", "57P03"].includes(code) || code.startsWith("08"))) ||
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      message,
    )
  );
}
