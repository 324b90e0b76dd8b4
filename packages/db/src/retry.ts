/**
 * Transactions that PostgreSQL may choose as a deadlock victim (40P01) or
 * fail for serialisation (40001) changed nothing and may simply run again:
 * short writes that share rows with others (a hold and an ingest batch both
 * lock a tenant's lots) are retried a few times, with jittered backoff, before
 * the error reaches the caller.
 */
import pRetry, { AbortError } from "p-retry";
import type { Kysely, Transaction } from "kysely";

const RETRYABLE = new Set(["40P01", "40001"]);

/** Whether a database error means "nothing happened, run it again". */
export function isRetryableConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && RETRYABLE.has(code);
}

/** Runs `fn` in a transaction, again (up to 4 more times) when PostgreSQL picked it as a deadlock victim. */
export function retriedTransaction<DB, T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await db.transaction().execute(fn);
      } catch (err) {
        // Anything else is the caller's to see, at once.
        if (!isRetryableConflict(err)) throw new AbortError(err as Error);
        throw err;
      }
    },
    { retries: 4, minTimeout: 5, maxTimeout: 100, randomize: true },
  );
}
