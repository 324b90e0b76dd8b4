/** Leader election on a real NATS JetStream KV bucket of its own. */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_NATS_URL } from "@tokengrid/config";
import { jetStreamManager, connectNats, type NatsConnection } from "./nats.js";
import { LeaderLease } from "./leader-lease.js";

const url = process.env["NATS_URL"] ?? DEFAULT_NATS_URL;
const buckets: string[] = [];
let admin: NatsConnection;

beforeAll(async () => {
  admin = await connectNats(url, "leader-test-admin");
});
afterAll(async () => {
  const jsm = await jetStreamManager(admin, url);
  for (const b of buckets) await jsm.streams.delete(`KV_${b}`).catch(() => {});
  await admin?.close();
});

function bucket(): string {
  const b = `t_leader_${randomBytes(4).toString("hex")}`;
  buckets.push(b);
  return b;
}

const until = async (what: string, ok: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

function candidate(nc: NatsConnection, b: string, holder: string) {
  const events: string[] = [];
  const lease = LeaderLease.start(nc, b, {
    holder,
    address: `${holder}:1`,
    leaseMs: 1000,
    renewMs: 200,
    onElected: (epoch) => events.push(`elected ${epoch}`),
    onDeposed: (why) => events.push(`deposed: ${why}`),
  });
  return { lease, events };
}

describe("broker leader lease", () => {
  it("one leads; when it stops cleanly another takes over at once, one epoch later", async () => {
    const b = bucket();
    const a = candidate(admin, b, "a");
    const la = await a.lease;
    const c = candidate(admin, b, "c");
    const lc = await c.lease;
    await new Promise((r) => setTimeout(r, 500));
    expect(la.isLeader).toBe(true);
    expect(lc.isLeader).toBe(false);
    expect(lc.leader).toMatchObject({ holder: "a", epoch: 1 });
    const t0 = Date.now();
    await la.stop();
    await until("c to lead", () => lc.isLeader);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(c.events).toEqual(["elected 2"]);
    expect(lc.epoch).toBe(2);
    await lc.stop();
  });

  it("a leader that goes silent is replaced after its lease, and deposes itself", async () => {
    const b = bucket();
    const ncA = await connectNats(url, "leader-test-a");
    const a = candidate(ncA, b, "a");
    const la = await a.lease;
    const c = candidate(admin, b, "c");
    const lc = await c.lease;
    await until("a to lead", () => la.isLeader);
    // a loses NATS (a partition, a crash of its link): its renewals stop.
    const t0 = Date.now();
    await ncA.close();
    await until("c to lead", () => lc.isLeader, 5000);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1000);
    expect(took).toBeLessThan(3000);
    expect(lc.epoch).toBe(2);
    await until("a to depose itself", () => !la.isLeader, 5000);
    expect(a.events.at(-1)).toMatch(/^deposed: /);
    await la.stop();
    await lc.stop();
  });
});
