import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { doneAfter, type Chunk } from "./meter.js";
import { ReplicaRun } from "./replica-runner.js";
import { SimulatedExecutor } from "./simulated-executor.js";
import { replicaSpec } from "./testing.js";

function simulated(sizeMst: bigint, chunks: Chunk[]) {
  return new ReplicaRun(replicaSpec({ sizeMst }), new SimulatedExecutor(1), {
    mstPerSecond: 1_000_000,
    tickMs: 20,
    stderrTailLines: 10,
    onChunk: async (c) => {
      chunks.push(c);
    },
    onProgress: () => {},
    onOutput: () => {},
  });
}

describe("simulated executor", () => {
  it("meters chunks that add up exactly to the job's size, then succeeds", async () => {
    const chunks: Chunk[] = [];
    const { end, report } = await simulated(123_457n, chunks).run();
    expect(end.state).toBe("SUCCEEDED");
    expect(report.doneMst).toBe(123_457n);
    expect(chunks.reduce((s, c) => s + c.amountMst, 0n)).toBe(123_457n);
    expect(chunks.at(-1)!.final).toBe(true);
    expect(chunks.filter((c) => c.final)).toHaveLength(1);
  });

  it("stops on cancel and meters only the work done", async () => {
    const chunks: Chunk[] = [];
    const run = simulated(10n ** 12n, chunks);
    setTimeout(() => run.cancel("tenant said stop"), 70);
    const { end, report } = await run.run();
    expect(end).toEqual({ state: "CANCELLED", message: "tenant said stop" });
    expect(chunks.reduce((s, c) => s + c.amountMst, 0n)).toBe(report.doneMst);
    expect(report.doneMst).toBeLessThan(10n ** 12n);
  });

  it("a faster device never takes longer, and never does more than the job", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 0, max: 1e7 }),
        (size, speed, elapsed) => {
          const spec = { sizeMst: BigInt(size), mstPerSecond: speed, timeScale: 1 };
          const faster = { ...spec, mstPerSecond: speed * 2 };
          expect(doneAfter(faster, elapsed)).toBeGreaterThanOrEqual(doneAfter(spec, elapsed));
          expect(doneAfter(spec, elapsed)).toBeLessThanOrEqual(BigInt(size));
        },
      ),
    );
  });
});
