import { describe, expect, it } from "vitest";
import { defaultMarket, sizeMstFromModel } from "@tokengrid/domain";
import { Engine } from "./engine.js";
import { job, NIGHT, profile } from "./testing.js";
import type { QuoteNode } from "./quote.js";

const engine = new Engine(defaultMarket());
const node = (nodeId: string, cluster: string, device: string, freeDevices = 8, availableAt?: QuoteNode["availableAt"]): QuoteNode => ({
  nodeId,
  profile: profile(cluster, device),
  freeDevices,
  ...(availableAt ? { availableAt } : {}),
});

const fleet = [
  node("west-h100", "horinger", "nvidia-h100-sxm"),
  node("west-910b", "guian", "ascend-910b"),
  node("east-h100", "yangtze-delta", "nvidia-h100-sxm"),
  node("south-910b", "shaoguan", "ascend-910b"),
  node("east-a100", "wuhu", "nvidia-a100-sxm"),
];

describe("quote", () => {
  it("ranks the west first for 7B training over 1e9 tokens at night", () => {
    const q = engine.quote(
      job({ jobId: "q1", devicesPerReplica: 8, sizeMst: sizeMstFromModel("TRAINING", 7_000_000_000n, 1_000_000_000n) }),
      fleet,
      NIGHT,
    );
    expect(q.options[0]!.region).toBe("west");
    expect(q.options[0]!.cluster).toBe("horinger");
    // The same chip costs more in the east at the same hour.
    const east = q.options.find((o) => o.nodeId === "east-h100")!;
    expect(east.estimate.totalYuan).toBeGreaterThan(q.options[0]!.estimate.totalYuan);
  });

  it("offers users in Guangzhou with a 20 ms bound only clusters within 20 ms, and says why not the rest", () => {
    const q = engine.quote(job({ jobId: "q2", kind: "INFERENCE", origin: "guangzhou", maxLatencyMs: 20 }), fleet, NIGHT);
    expect(q.options.length).toBeGreaterThan(0);
    for (const o of q.options) expect(o.rttMs!).toBeLessThanOrEqual(20);
    expect(q.options[0]!.cluster).toBe("shaoguan");
    expect(q.exclusions.map((e) => e.cluster).sort()).toEqual(["horinger", "wuhu", "yangtze-delta"]);
    for (const e of q.exclusions) expect(e.reason).toMatch(/ms from guangzhou, over the 20 ms bound/);
  });

  it("uses the placement filters: the job's precision and its price cap", () => {
    const fp8 = engine.quote(job({ jobId: "q3", precision: "FP8" }), fleet, NIGHT);
    expect([...new Set(fp8.options.map((o) => o.device.id))]).toEqual(["nvidia-h100-sxm"]);
    expect(fp8.exclusions.find((e) => e.deviceModel === "ascend-910b")!.reason).toBe("Ascend 910B does not support FP8");
    const capped = engine.quote(job({ jobId: "q4", maxPricePerMillionSt: 0.01 }), fleet, NIGHT);
    expect(capped.options).toEqual([]);
    expect(capped.exclusions[0]!.reason).toMatch(/over the job's cap of 0.01/);
  });

  it("starts a busy node when its devices come free", () => {
    const later = NIGHT + 3_600_000;
    expect(
      engine.quote(job({ jobId: "q5" }), [node("busy", "horinger", "nvidia-h100-sxm", 0, () => later)], NIGHT).options[0]!.startMs,
    ).toBe(later);
    const never = engine.quote(job({ jobId: "q6" }), [node("never", "horinger", "nvidia-h100-sxm", 0, () => undefined)], NIGHT);
    expect(never.exclusions[0]!.reason).toContain("no free devices");
  });
});
