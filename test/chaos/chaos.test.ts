/** A short fixed set of chaos seeds on every test run (`pnpm chaos --seeds N` runs more). */
import { describe, expect, it } from "vitest";
import { runChaos } from "./runner.js";

describe("chaos", () => {
  it("seed 1: faults in every process and in NATS; every invariant holds", async () => {
    const r = await runChaos({ seed: 1, durationMs: 12_000 });
    expect(r.faultsInjected).toBeGreaterThan(0);
    expect(r.jobsAccepted).toBeGreaterThan(0);
    expect(r.broken, `seed ${r.seed}: ${r.faults.join("; ")}`).toEqual([]);
    expect(BigInt(r.usageSettled) + BigInt(r.usageAfterEnd)).toBe(BigInt(r.usageMetered));
  }, 300_000);
});
