import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { doneAfter, SimulatedRun, type Chunk } from "./simulated-executor.js";

describe("simulated executor", () => {
  it("meters chunks that add up exactly to the job's size", async () => {
    const chunks: Chunk[] = [];
    const run = new SimulatedRun({ sizeMst: 123_457n, mstPerSecond: 1_000_000, timeScale: 1, tickMs: 20 });
    const outcome = await run.run(async (c) => {
      chunks.push(c);
    });
    expect(outcome).toEqual({ kind: "succeeded", doneMst: 123_457n });
    expect(chunks.reduce((s, c) => s + c.amountMst, 0n)).toBe(123_457n);
    expect(chunks.at(-1)!.final).toBe(true);
    expect(chunks.filter((c) => c.final)).toHaveLength(1);
  });

  it("stops on cancel and meters only the work done", async () => {
    const chunks: Chunk[] = [];
    const run = new SimulatedRun({ sizeMst: 10n ** 12n, mstPerSecond: 1_000_000, timeScale: 1, tickMs: 20 });
    setTimeout(() => run.cancel("tenant said stop"), 70);
    const outcome = await run.run(async (c) => {
      chunks.push(c);
    });
    expect(outcome.kind).toBe("cancelled");
    expect(chunks.reduce((s, c) => s + c.amountMst, 0n)).toBe(outcome.doneMst);
    expect(outcome.doneMst).toBeLessThan(10n ** 12n);
  });

  it("a faster device never takes longer, and never does more than the job", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 0, max: 1e7 }),
        (size, speed, elapsed) => {
          const spec = { sizeMst: BigInt(size), mstPerSecond: speed, timeScale: 1, tickMs: 1000 };
          const faster = { ...spec, mstPerSecond: speed * 2 };
          expect(doneAfter(faster, elapsed)).toBeGreaterThanOrEqual(doneAfter(spec, elapsed));
          expect(doneAfter(spec, elapsed)).toBeLessThanOrEqual(BigInt(size));
        },
      ),
    );
  });
});
