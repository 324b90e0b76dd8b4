import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { defaultMarket } from "@tokengrid/domain";
import { Engine } from "./engine.js";
import { job, NIGHT, node } from "./testing.js";
import type { ClusterState } from "./state.js";

/** Everything the index holds, as plain data, to compare before and after. */
function snapshot(s: ClusterState) {
  return [...s.nodes.values()].map((c) => ({
    id: c.nodeId,
    compute: [...c.compute],
    memory: [...c.memory],
    freeWhole: c.freeWhole,
    slot: c.fragSlot >= 0 ? c.partialFree : 0,
  }));
}

/** The index agrees with the capacity it indexes, and nothing is over-committed. */
function checkIndex(s: ClusterState) {
  for (const b of s.buckets.values()) {
    for (let k = 0; k < b.byFree.length; k++) for (const cap of b.byFree[k]!) expect(cap.freeWhole).toBe(k);
    for (let c = 0; c < b.fragmented.length; c++) for (const cap of b.fragmented[c]!) expect(cap.partialFree).toBe(c);
  }
  for (const cap of s.nodes.values()) {
    let whole = 0;
    for (let i = 0; i < cap.compute.length; i++) {
      expect(cap.compute[i]).toBeGreaterThanOrEqual(0);
      expect(cap.compute[i]).toBeLessThanOrEqual(100);
      expect(cap.memory[i]).toBeGreaterThanOrEqual(0);
      expect(cap.memory[i]).toBeLessThanOrEqual(cap.profile.memoryMbPerDevice);
      if (cap.isWhole(i)) whole += 1;
    }
    expect(cap.freeWhole).toBe(whole);
    expect(cap.bucket.byFree[whole]!.items).toContain(cap);
    expect(cap.partialFree === 0 || cap.bucket.fragmented[cap.partialFree]!.items.includes(cap)).toBe(true);
  }
}

const arbJob = fc.record({
  devices: fc.integer({ min: 1, max: 8 }),
  slice: fc.option(fc.record({ computePercent: fc.constantFrom(10, 25, 50, 75), memoryMb: fc.constantFrom(1024, 8192, 20_000) }), {
    nil: undefined,
  }),
  release: fc.boolean(),
});

describe("capacity index", () => {
  it("never over-commits, and unreserve after reserve restores it exactly", () => {
    fc.assert(
      fc.property(fc.array(arbJob, { minLength: 1, maxLength: 60 }), (ops) => {
        const engine = new Engine(defaultMarket());
        for (let i = 0; i < 6; i++)
          engine.state.upsertNode(node(`n${i}`, i % 2 ? "horinger" : "guian", i % 2 ? "nvidia-h100-sxm" : "ascend-910b", i < 3 ? 8 : 4));
        const live: string[] = [];
        for (const [i, op] of ops.entries()) {
          const j = job({ jobId: `j${i}`, devicesPerReplica: op.slice ? 0 : op.devices, ...(op.slice ? { slice: op.slice } : {}) });
          const before = snapshot(engine.state);
          const d = engine.schedule(j, NIGHT);
          if (d.outcome !== "placed") continue;
          engine.state.reserve(j, d.placement);
          checkIndex(engine.state);
          if (!op.release) {
            live.push(j.jobId);
            continue;
          }
          engine.state.unreserve(j.jobId);
          const after = snapshot(engine.state);
          engine.state.unreserve(j.jobId); // idempotent
          expect([after, snapshot(engine.state)]).toEqual([before, before]);
        }
        for (const id of live) engine.state.unreserve(id);
        checkIndex(engine.state);
        for (const cap of engine.state.nodes.values()) expect(cap.freeWhole).toBe(cap.profile.deviceCount);
      }),
      { numRuns: 150 },
    );
  });

  it("refuses a reservation that does not fit, all or nothing", () => {
    const engine = new Engine(defaultMarket());
    engine.state.upsertNode(node("a", "guian", "ascend-910b", 8));
    const j = job({ jobId: "j", devicesPerReplica: 4 });
    const before = snapshot(engine.state);
    expect(() =>
      engine.state.reserve(j, {
        jobId: "j",
        replicas: [
          { nodeId: "a", deviceIndices: [0, 1, 2, 3] },
          { nodeId: "a", deviceIndices: [3, 4, 5, 6] },
        ],
      }),
    ).toThrow(/does not fit/);
    expect(snapshot(engine.state)).toEqual(before);
    engine.state.unreserve("never-reserved");
    expect(snapshot(engine.state)).toEqual(before);
  });
});
