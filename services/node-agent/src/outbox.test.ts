/** The usage outbox on a real file system, in a directory of its own. */
import { mkdtemp, readdir, rm, stat, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Outbox, OutboxFullError } from "./outbox.js";

const dirs: string[] = [];
async function dir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "outbox-test-"));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const event = (seq: number, pad = "") => ({
  eventId: `job-1#0.1:n1:${seq}${pad}`,
  jobId: "job-1",
  tenantId: "t1",
  nodeId: "n1",
  amountMst: String(1000 + seq),
  seq,
});

describe("usage outbox", () => {
  it("keeps what was written and not acknowledged across a restart, and nothing acknowledged", async () => {
    const d = await dir();
    let o = await Outbox.open(d, 1 << 20);
    await o.append([event(1), event(2)]);
    await o.append([event(3)]);
    await o.ack(1);
    await o.close();
    // As if the process died here and started again.
    o = await Outbox.open(d, 1 << 20);
    expect(o.pending().map((e) => e.seq)).toEqual([2, 3]);
    expect(o.pending()[1]).toMatchObject({ eventId: "job-1#0.1:n1:3", amountMst: "1003" });
    await o.append([event(4)]);
    await o.ack(3);
    await o.close();
    o = await Outbox.open(d, 1 << 20);
    expect(o.size).toBe(0);
    await o.close();
  });

  it("cuts off a torn record at the end (a crash mid-write), and keeps the rest", async () => {
    const d = await dir();
    let o = await Outbox.open(d, 1 << 20);
    await o.append([event(1), event(2)]);
    await o.close();
    const file = join(d, "0.log");
    await truncate(file, (await stat(file)).size - 3);
    o = await Outbox.open(d, 1 << 20);
    expect(o.pending().map((e) => e.seq)).toEqual([1]);
    await o.append([event(5)]);
    await o.close();
    o = await Outbox.open(d, 1 << 20);
    expect(o.pending().map((e) => e.seq)).toEqual([1, 5]);
    await o.close();
  });

  it("refuses beyond its bound, changing nothing, and takes more once acknowledged", async () => {
    const d = await dir();
    const o = await Outbox.open(d, 200);
    await o.append([event(1), event(2)]);
    const before = o.bytes;
    await expect(o.append([event(3, "x".repeat(200))])).rejects.toThrow(OutboxFullError);
    await expect(o.append([event(3, "x".repeat(200))])).rejects.toThrow(/OUTBOX_MAX_BYTES/);
    expect(o.bytes).toBe(before);
    expect(o.size).toBe(2);
    await o.ack(2);
    await o.append([event(3)]);
    expect(o.pending().map((e) => e.seq)).toEqual([3]);
    await o.close();
  });

  it("rolls segments and deletes the ones fully acknowledged", async () => {
    const d = await dir();
    const o = await Outbox.open(d, 64 << 20);
    const big = "y".repeat(64 * 1024);
    for (let i = 0; i < 70; i++) await o.append([event(i, big)]);
    expect((await readdir(d)).filter((f) => f.endsWith(".log")).length).toBeGreaterThan(1);
    await o.ack(70);
    expect((await readdir(d)).filter((f) => f.endsWith(".log"))).toHaveLength(1);
    await o.close();
    const again = await Outbox.open(d, 64 << 20);
    expect(again.size).toBe(0);
    await again.append([event(100)]);
    await again.close();
    const third = await Outbox.open(d, 64 << 20);
    expect(third.pending().map((e) => e.seq)).toEqual([100]);
    await third.close();
  });
});
