import { describe, expect, it } from "vitest";
import { match, type JobNeeds, type NodeView } from "./first-fit.js";

const node = (
  nodeId: string,
  cluster: string,
  region: "east" | "west",
  free: number,
  energyYuanPerSt: number,
  stacks = ["cuda"],
): NodeView => ({
  nodeId,
  cluster,
  region,
  freeDeviceIndices: Array.from({ length: free }, (_, i) => i),
  softwareStacks: stacks,
  energyYuanPerSt,
});

const fleet = [
  node("west-1", "horinger", "west", 8, 1e-6),
  node("east-1", "yangtze-delta", "east", 8, 3e-6),
  node("east-2", "shaoguan", "east", 8, 2e-6, ["cann"]),
];

const job = (over: Partial<JobNeeds>): JobNeeds => ({
  kind: "TRAINING",
  devices: 1,
  softwareStacks: [],
  origin: "",
  maxLatencyMs: 0,
  allowedClusters: [],
  ...over,
});

describe("first matcher", () => {
  it("puts inference nearest its users", () => {
    const r = match(job({ kind: "INFERENCE", origin: "shanghai", maxLatencyMs: 30 }), fleet);
    expect(r.ok && r.nodeId).toBe("east-1");
    expect(r.reason).toContain("nearest to shanghai");
  });

  it("puts training where a token's energy is cheapest", () => {
    const r = match(job({ kind: "TRAINING", devices: 8 }), fleet);
    expect(r.ok && r.nodeId).toBe("west-1");
    expect(r.ok && r.deviceIndices).toHaveLength(8);
  });

  it("honours stacks, residency and capacity, and says why nothing fits", () => {
    expect(match(job({ softwareStacks: ["cann"] }), fleet)).toMatchObject({ ok: true, nodeId: "east-2" });
    expect(match(job({ allowedClusters: ["yangtze-delta"] }), fleet)).toMatchObject({ ok: true, nodeId: "east-1" });
    const r = match(job({ devices: 9 }), fleet);
    expect(r.ok).toBe(false);
    expect(r.reason).toBe("no node fits yet: 3 node(s) have fewer than 9 free device(s)");
    const far = match(job({ kind: "INFERENCE", origin: "guangzhou", maxLatencyMs: 5 }), fleet);
    expect(far.reason).toContain("beyond 5 ms of guangzhou");
    expect(match(job({}), [])).toEqual({ ok: false, reason: "no nodes are online" });
  });
});
