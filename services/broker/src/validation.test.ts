import { describe, expect, it } from "vitest";
import { defaultMarket, InvalidArgumentError } from "@tokengrid/domain";
import { budgetForTimeLimit, validateJobSpec } from "./validation.js";
import { jobSpec } from "./testing.js";

const spec = jobSpec;

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

  it("takes a command with its environment and time limit, and sizes it by its time limit when given no size", () => {
    const market = defaultMarket();
    const { spec: v, sizeMst } = validateJobSpec(
      spec({ kind: "JOB_KIND_BATCH", command: ["python3", "train.py"], env: { EPOCHS: "3" }, timeLimitSeconds: 60, devices: 2 }),
      Date.now(),
      market,
    );
    expect(v.command).toEqual(["python3", "train.py"]);
    expect(v.env).toEqual({ EPOCHS: "3" });
    expect(v.timeLimitSeconds).toBe(60);
    // The budget is what the fastest device for the job could do in its time limit, on its devices.
    expect(sizeMst).toBe(budgetForTimeLimit(market, "BATCH", "BF16", [], 2, 1, 60));
    expect(sizeMst).toBeGreaterThan(0n);
    // Restricted to a stack, the fastest device of that stack.
    const cann = validateJobSpec(spec({ kind: "JOB_KIND_BATCH", command: ["true"], timeLimitSeconds: 60, softwareStacks: ["cann"] }));
    expect(cann.sizeMst).toBeLessThan(sizeMst);
    // A size-only spec keeps its old shape (its hash does not change).
    expect(validateJobSpec(spec({ sizeSt: "5" })).spec).not.toHaveProperty("command");
  });

  it("refuses what a command job cannot be", () => {
    expect(fieldOf(() => validateJobSpec(spec({ command: ["true"] })))).toBe("spec.size_st");
    expect(fieldOf(() => validateJobSpec(spec({ command: [""], sizeSt: "1" })))).toBe("spec.command[0]");
    expect(fieldOf(() => validateJobSpec(spec({ command: ["A=1", "true"], sizeSt: "1" })))).toBe("spec.command[0]");
    expect(fieldOf(() => validateJobSpec(spec({ command: ["a", "b\0c"], sizeSt: "1" })))).toBe("spec.command[1]");
    expect(fieldOf(() => validateJobSpec(spec({ command: Array.from({ length: 257 }, () => "x"), sizeSt: "1" })))).toBe("spec.command");
    expect(fieldOf(() => validateJobSpec(spec({ env: { A: "1" }, sizeSt: "1" })))).toBe("spec.env");
    expect(fieldOf(() => validateJobSpec(spec({ command: ["true"], env: { "1A": "x" }, sizeSt: "1" })))).toBe('spec.env["1A"]');
    for (const name of ["CUDA_VISIBLE_DEVICES", "ASCEND_RT_VISIBLE_DEVICES", "TOKENGRID_JOB_ID", "RANK", "MASTER_PORT", "PATH", "HOME"])
      expect(fieldOf(() => validateJobSpec(spec({ command: ["true"], env: { [name]: "0" }, sizeSt: "1" })))).toBe(
        `spec.env[${JSON.stringify(name)}]`,
      );
    expect(fieldOf(() => validateJobSpec(spec({ command: ["true"], timeLimitSeconds: 31 * 24 * 3600 })))).toBe("spec.time_limit_seconds");
  });
});
