/** A short fixed set of chaos seeds on every test run (`pnpm chaos --seeds N` runs more). */
import { describe, expect, it } from "vitest";
import { runChaos } from "./runner.js";

describe("chaos", () => {
  it("seed 1: faults in every process and in NATS, under simulated and command jobs; every invariant holds", async () => {
    const r = await runChaos({ seed: 1, durationMs: 12_000 });
    expect(r.faultsInjected).toBeGreaterThan(0);
    expect(r.jobsAccepted).toBeGreaterThan(0);
    expect(r.broken, `seed ${r.seed}: ${r.faults.join("; ")}`).toEqual([]);
    expect(BigInt(r.usageSettled) + BigInt(r.usageAfterEnd)).toBe(BigInt(r.usageMetered));
    // Jobs ran as processes; seed 1 kills an agent under some (its first fault), and what it left was gone once it was back.
    expect(r.processJobs).toBeGreaterThan(0);
    expect(r.agentRestartsChecked).toBeGreaterThan(0);
    expect(r.processesAtAgentKill).toBeGreaterThan(0);
    expect(r.orphanedProcesses).toBe(0);
    // Each tenant was charged, for its ended jobs, exactly the work their records kept.
    expect(Object.keys(r.bills)).toHaveLength(2);
    for (const b of Object.values(r.bills)) {
      expect(b.jobs).toBeGreaterThan(0);
      expect(b.chargedMst).toBe(b.keptMst);
    }
    expect(r.billMismatches).toBe(0);
  }, 300_000);
});
