import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "@tokengrid/domain";
import type { JobSpec__Output } from "@tokengrid/contracts";
import { validateJobSpec } from "./validation.js";

const spec = (over: Partial<JobSpec__Output>): JobSpec__Output => ({
  kind: "JOB_KIND_TRAINING",
  modelParams: "0",
  tokens: "0",
  sizeSt: "0",
  devices: 0,
  softwareStacks: [],
  origin: "",
  maxLatencyMs: 0,
  allowedClusters: [],
  precision: "PRECISION_UNSPECIFIED",
  replicas: 0,
  slice: null,
  memoryMbPerDevice: "0",
  minGreenShare: 0,
  maxPricePerMillionStYuan: 0,
  priorityClass: "PRIORITY_CLASS_UNSPECIFIED",
  deadline: null,
  ...over,
});

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidArgumentError) return err.field;
    throw err;
  }
  throw new Error("no error");
}

describe("job spec validation", () => {
  it("sizes a job from model and tokens, or from ST", () => {
    expect(validateJobSpec(spec({ modelParams: "7000000000", tokens: "1000000000" })).sizeMst).toBe(2_100_000_000_000n);
    expect(validateJobSpec(spec({ sizeSt: "5" }))).toMatchObject({
      sizeMst: 5000n,
      spec: { devices: 1, kind: "TRAINING", replicas: 1, priorityClass: "NORMAL" },
    });
    expect(
      validateJobSpec(spec({ sizeSt: "5", kind: "JOB_KIND_INFERENCE", slice: { computePercent: 25, memoryMb: "8192" } })).spec,
    ).toMatchObject({
      devices: 0,
      slice: { computePercent: 25, memoryMb: 8192 },
      priorityClass: "HIGH",
    });
  });

  it("names the field of every mistake", () => {
    expect(fieldOf(() => validateJobSpec(null))).toBe("spec");
    expect(fieldOf(() => validateJobSpec(spec({ kind: "JOB_KIND_UNSPECIFIED", sizeSt: "1" })))).toBe("spec.kind");
    expect(fieldOf(() => validateJobSpec(spec({ kind: 42 as unknown as "JOB_KIND_BATCH", sizeSt: "1" })))).toBe("spec.kind");
    expect(fieldOf(() => validateJobSpec(spec({ sizeSt: "-1" })))).toBe("spec.size_st");
    expect(fieldOf(() => validateJobSpec(spec({})))).toBe("spec.size_st");
    expect(fieldOf(() => validateJobSpec(spec({ sizeSt: "1", modelParams: "5" })))).toBe("spec.size_st");
    expect(fieldOf(() => validateJobSpec(spec({ modelParams: "7", tokens: "0" })))).toBe("spec.tokens");
    expect(fieldOf(() => validateJobSpec(spec({ sizeSt: "1", devices: 65 })))).toBe("spec.devices");
    expect(fieldOf(() => validateJobSpec(spec({ sizeSt: "1", maxLatencyMs: 20 })))).toBe("spec.origin");
    expect(fieldOf(() => validateJobSpec(spec({ sizeSt: "1", allowedClusters: ["horinger", "mars"] })))).toBe("spec.allowed_clusters[1]");
    expect(fieldOf(() => validateJobSpec(spec({ sizeSt: "1", softwareStacks: ["CUDA!"] })))).toBe("spec.software_stacks[0]");
    expect(fieldOf(() => validateJobSpec(spec({ sizeSt: "1", replicas: 65 })))).toBe("spec.replicas");
    expect(fieldOf(() => validateJobSpec(spec({ sizeSt: "1", slice: { computePercent: 120, memoryMb: "100" } })))).toBe(
      "spec.slice.compute_percent",
    );
    expect(fieldOf(() => validateJobSpec(spec({ sizeSt: "1", slice: { computePercent: 20, memoryMb: "0" } })))).toBe(
      "spec.slice.memory_mb",
    );
    expect(fieldOf(() => validateJobSpec(spec({ sizeSt: "1", devices: 2, slice: { computePercent: 20, memoryMb: "100" } })))).toBe(
      "spec.devices",
    );
    expect(fieldOf(() => validateJobSpec(spec({ sizeSt: "1", minGreenShare: 1.5 })))).toBe("spec.min_green_share");
    expect(fieldOf(() => validateJobSpec(spec({ sizeSt: "1", maxPricePerMillionStYuan: -1 })))).toBe("spec.max_price_per_million_st_yuan");
    expect(fieldOf(() => validateJobSpec(spec({ sizeSt: "1", priorityClass: 9 as unknown as "PRIORITY_CLASS_LOW" })))).toBe(
      "spec.priority_class",
    );
    expect(fieldOf(() => validateJobSpec(spec({ sizeSt: "1", deadline: { seconds: "1", nanos: 0 } })))).toBe("spec.deadline");
  });
});
