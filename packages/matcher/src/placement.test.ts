import { describe, expect, it } from "vitest";
import { defaultMarket, findDevice, sizeMstFromModel, type Region } from "@tokengrid/domain";
import { match, quote, type JobNeeds, type NodeView } from "./placement.js";

const market = defaultMarket();
const node = (nodeId: string, cluster: string, region: Region, device: string, free = 8, total = 8): NodeView => ({
  nodeId,
  cluster,
  region,
  totalDevices: total,
  freeDeviceIndices: Array.from({ length: free }, (_, i) => i),
  softwareStacks: [findDevice(device)!.softwareStack],
  device: findDevice(device)!,
});

const fleet = [
  node("west-h100", "horinger", "west", "nvidia-h100-sxm"),
  node("west-910b", "guian", "west", "ascend-910b"),
  node("east-h100", "yangtze-delta", "east", "nvidia-h100-sxm"),
  node("south-910b", "shaoguan", "east", "ascend-910b"),
  node("east-a100", "wuhu", "east", "nvidia-a100-sxm"),
];

const job = (over: Partial<JobNeeds>): JobNeeds => ({
  kind: "TRAINING",
  precision: "BF16",
  devices: 1,
  softwareStacks: [],
  origin: "",
  maxLatencyMs: 0,
  allowedClusters: [],
  sizeMst: 1_000_000_000n,
  ...over,
});

const NIGHT = Date.parse("2026-12-01T02:00:00+08:00");

describe("match", () => {
  it("puts inference nearest its users", () => {
    const r = match(job({ kind: "INFERENCE", origin: "shanghai", maxLatencyMs: 30 }), fleet, market, NIGHT);
    expect(r.ok && r.nodeId).toBe("east-h100");
    expect(r.reason).toContain("nearest to shanghai");
  });

  it("puts training where it costs least: the west at night, on the same chip", () => {
    const r = match(job({ devices: 8 }), fleet, market, NIGHT);
    expect(r.ok && r.nodeId).toBe("west-h100");
    expect(r.ok && r.deviceIndices).toHaveLength(8);
  });

  it("honours stacks, precision, residency and capacity, and says why nothing fits", () => {
    expect(match(job({ softwareStacks: ["cann"] }), fleet, market, NIGHT)).toMatchObject({ ok: true, nodeId: "west-910b" });
    expect(match(job({ allowedClusters: ["wuhu"] }), fleet, market, NIGHT)).toMatchObject({ ok: true, nodeId: "east-a100" });
    const fp8 = match(job({ precision: "FP8", allowedClusters: ["wuhu", "guian"] }), fleet, market, NIGHT);
    expect(fp8.ok).toBe(false);
    expect(fp8.reason).toContain("have devices without FP8");
    const r = match(job({ devices: 9 }), fleet, market, NIGHT);
    expect(r.reason).toBe("no node fits yet: 5 node(s) have fewer than 9 devices in all");
    const busy = match(job({ devices: 4 }), [node("full", "horinger", "west", "nvidia-h100-sxm", 2)], market, NIGHT);
    expect(busy.reason).toBe("no node fits yet: 1 node(s) have fewer than 4 free device(s) now");
    expect(match(job({}), [], market, NIGHT)).toEqual({ ok: false, reason: "no nodes are online" });
  });
});

describe("quote", () => {
  it("ranks the west first for 7B training over 1e9 tokens at night", () => {
    const q = quote(job({ devices: 8, sizeMst: sizeMstFromModel("TRAINING", 7_000_000_000n, 1_000_000_000n) }), fleet, market, NIGHT);
    expect(q.options[0]!.region).toBe("west");
    expect(q.options[0]!.cluster).toBe("horinger");
    // The same chip costs more in the east at the same hour.
    const east = q.options.find((o) => o.nodeId === "east-h100")!;
    expect(east.estimate.totalYuan).toBeGreaterThan(q.options[0]!.estimate.totalYuan);
  });

  it("offers users in Guangzhou with a 20 ms bound only clusters within 20 ms, and says why not the rest", () => {
    const q = quote(job({ kind: "INFERENCE", origin: "guangzhou", maxLatencyMs: 20 }), fleet, market, NIGHT);
    expect(q.options.length).toBeGreaterThan(0);
    for (const o of q.options) expect(o.rttMs!).toBeLessThanOrEqual(20);
    expect(q.options[0]!.cluster).toBe("shaoguan");
    const excluded = q.exclusions.map((e) => e.cluster).sort();
    expect(excluded).toEqual(["horinger", "wuhu", "yangtze-delta"]);
    for (const e of q.exclusions) expect(e.reason).toMatch(/ms from guangzhou, over the 20 ms bound/);
  });

  it("starts a busy node when its devices come free", () => {
    const later = NIGHT + 3_600_000;
    const busy: NodeView = { ...node("busy", "horinger", "west", "nvidia-h100-sxm", 0), availableAt: () => later };
    const q = quote(job({}), [busy], market, NIGHT);
    expect(q.options[0]!.startMs).toBe(later);
    const never: NodeView = { ...node("never", "horinger", "west", "nvidia-h100-sxm", 0), availableAt: () => undefined };
    expect(quote(job({}), [never], market, NIGHT).exclusions[0]!.reason).toContain("no free devices");
  });
});
