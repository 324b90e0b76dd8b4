/**
 * What tests need to run against the real NATS and PostgreSQL without
 * depending on leftovers: a fresh namespace (streams, buckets) and a fresh
 * database per test file, removed afterwards; free ports.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { dropDatabase, ensureDatabase } from "@tokengrid/db";
import { connectNats, deleteNamespace, jetStreamManager, names } from "@tokengrid/events";
import { DEFAULT_DATABASE_URL, DEFAULT_NATS_URL } from "@tokengrid/config";

export interface TestEnv {
  namespace: string;
  natsUrl: string;
  databaseUrl: string;
  cleanup(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh namespace and database for one test file. */
export async function testEnv(label: string): Promise<TestEnv> {
  const suffix = randomBytes(4).toString("hex");
  const namespace = `t_${label.replace(/[^a-z0-9]/g, "").slice(0, 12)}_${suffix}`;
  const natsUrl = process.env["NATS_URL"] ?? DEFAULT_NATS_URL;
  const base = new URL(process.env["DATABASE_URL"] ?? DEFAULT_DATABASE_URL);
  base.pathname = `/${namespace}`;
  const databaseUrl = base.toString();
  await ensureDatabase(databaseUrl);
  return {
    namespace,
    natsUrl,
    databaseUrl,
    async cleanup() {
      const nc = await connectNats(natsUrl, "tokengrid-test-cleanup");
      try {
        await deleteNamespace(await jetStreamManager(nc, natsUrl), names(namespace));
      } finally {
        await nc.close();
      }
      await dropDatabase(databaseUrl);
    },
  };
}

/** Polls until fn returns a value that is not undefined, or fails after timeoutMs. */
export async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
