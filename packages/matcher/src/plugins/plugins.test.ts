import { describe, expect, it } from "vitest";
import { defaultMarket } from "@tokengrid/domain";
import { CycleState, Memo, normalize, type Context } from "../engine/framework.js";
import { job, NIGHT, profile } from "../engine/testing.js";
import type { JobRequest } from "../engine/types.js";
import { cost } from "./cost.js";
import { deviceMemory } from "./device-memory.js";
import { executor } from "./executor.js";
import { jobClassOf } from "./estimate.js";
import { green } from "./green.js";
import { latency } from "./latency.js";
import { precision } from "./precision.js";
import { residency } from "./residency.js";
import { softwareStack } from "./software-stack.js";

function ctx(j: JobRequest, nowMs = NIGHT): Context {
  const hour = new Date(nowMs + 8 * 3_600_000).getUTCHours();
  return {
    market: defaultMarket(),
    nowMs,
    hour,
    state: new CycleState(),
    memo: new Memo(),
    keys: { speed: `speed|${jobClassOf(j)}`, unit: `unit|${jobClassOf(j)}|${hour}`, rtt: `rtt|${j.origin}` },
  };
}

const west = profile("horinger", "nvidia-h100-sxm");
const east = profile("yangtze-delta", "nvidia-h100-sxm");
const ascend = profile("guian", "ascend-910b");

describe("filters", () => {
  it("Executor keeps a job with a command on nodes that run processes, a size-only job on nodes that simulate", () => {
    const command = job({ jobId: "c", command: true });
    const size = job({ jobId: "s" });
    const both = { ...west, executors: ["process", "simulated"] as const };
    const processOnly = { ...west, executors: ["process"] as const };
    // A node that declares nothing is an agent from before executors: it simulates.
    expect(executor.filter(ctx(command), command, west)).toEqual({
      code: "UnschedulableAndUnresolvable",
      reason: "its agent runs no commands (executor: simulated)",
    });
    expect(executor.filter(ctx(command), command, both).code).toBe("Success");
    expect(executor.filter(ctx(command), command, processOnly).code).toBe("Success");
    expect(executor.filter(ctx(size), size, west).code).toBe("Success");
    expect(executor.filter(ctx(size), size, processOnly).code).toBe("UnschedulableAndUnresolvable");
  });

  it("Residency keeps the allowed clusters", () => {
    const j = job({ jobId: "a", allowedClusters: ["horinger"] });
    expect(residency.filter(ctx(j), j, west).code).toBe("Success");
    expect(residency.filter(ctx(j), j, east)).toEqual({
      code: "UnschedulableAndUnresolvable",
      reason: "outside the allowed clusters (horinger)",
    });
  });

  it("SoftwareStack keeps the job's stacks", () => {
    const j = job({ jobId: "a", softwareStacks: ["cann"] });
    expect(softwareStack.filter(ctx(j), j, ascend).code).toBe("Success");
    expect(softwareStack.filter(ctx(j), j, west).reason).toBe("runs cuda, not cann");
  });

  it("Precision drops devices without the job's format", () => {
    const j = job({ jobId: "a", precision: "FP8" });
    expect(precision.filter(ctx(j), j, west).code).toBe("Success");
    expect(precision.filter(ctx(j), j, ascend).reason).toBe("Ascend 910B does not support FP8");
  });

  it("DeviceMemory needs the model (or the slice) to fit a device", () => {
    const j = job({ jobId: "a", memoryMbPerDevice: 70_000 });
    expect(deviceMemory.filter(ctx(j), j, west).code).toBe("Success");
    expect(deviceMemory.filter(ctx(j), j, ascend).code).toBe("UnschedulableAndUnresolvable");
    const s = job({ jobId: "b", devicesPerReplica: 0, slice: { computePercent: 25, memoryMb: 90_000 } });
    expect(deviceMemory.filter(ctx(s), s, west).reason).toContain("needs 90000 MB");
  });

  it("Latency keeps nodes within the bound and scores by round trip", () => {
    const j = job({ jobId: "a", kind: "INFERENCE", origin: "shanghai", maxLatencyMs: 20 });
    expect(latency.preFilter(ctx(j), j).code).toBe("Success");
    expect(latency.filter(ctx(j), j, east).code).toBe("Success");
    expect(latency.filter(ctx(j), j, west).reason).toMatch(/ms from shanghai, over the 20 ms bound/);
    expect(latency.score(ctx(j), j, east)).toBeLessThan(latency.score(ctx(j), j, west));
    const none = job({ jobId: "b" });
    expect(latency.preFilter(ctx(none), none).code).toBe("Skip");
  });

  it("Green holds the floor at the hour of running (a later hour may pass)", () => {
    const j = job({ jobId: "a", minGreenShare: 0.5 });
    expect(green.filter(ctx(j), j, profile("tianfu", "nvidia-h20")).code).toBe("Success");
    expect(green.filter(ctx(j), j, east)).toMatchObject({ code: "Unschedulable" });
    expect(green.score(ctx(j), j, profile("tianfu", "nvidia-h20"))).toBeGreaterThan(green.score(ctx(j), j, east));
  });

  it("Cost holds the price cap and scores cheaper lower", () => {
    const j = job({ jobId: "a", maxPricePerMillionSt: 0.2 });
    expect(cost.filter(ctx(j), j, west).code).toBe("Success");
    expect(cost.filter(ctx(j), j, profile("wuhu", "cambricon-mlu370-x8"))).toMatchObject({ code: "Unschedulable" });
    expect(cost.score(ctx(j), j, west)).toBeLessThan(cost.score(ctx(j), j, east));
  });
});

describe("normalize", () => {
  it("maps raw scores to integers in [0, 100], flipping when lower is better", () => {
    expect(normalize([1, 2, 3], "higher")).toEqual([0, 50, 100]);
    expect(normalize([1, 2, 3], "lower")).toEqual([100, 50, 0]);
    expect(normalize([7, 7], "lower")).toEqual([100, 100]);
    expect(normalize([], "higher")).toEqual([]);
  });
});
