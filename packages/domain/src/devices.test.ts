import { describe, expect, it } from "vitest";
import { DEFAULT_EFFICIENCY, DEVICES, findDevice, peakAt, PRECISIONS, stPerSecond, workloadOf } from "./devices.js";

describe("device catalogue", () => {
  it("has at least 14 accelerators from at least 6 vendors, with unique ids", () => {
    expect(DEVICES.length).toBeGreaterThanOrEqual(14);
    expect(new Set(DEVICES.map((d) => d.vendor)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(DEVICES.map((d) => d.id)).size).toBe(DEVICES.length);
  });

  it("gives every device a stack, memory, power, a 16-bit peak, and a source", () => {
    for (const d of DEVICES) {
      expect(d.softwareStack, d.id).toMatch(/^(cuda|cann|neuware|dtk|xpu|musa|maca|supa)$/);
      expect(d.memoryMb, d.id).toBeGreaterThan(0);
      expect(d.powerWatts, d.id).toBeGreaterThan(0);
      expect(peakAt(d, "BF16"), d.id).toBeGreaterThan(0);
      expect(d.source.length, d.id).toBeGreaterThan(10);
      const listed = PRECISIONS.map((p) => d.peakDense[p]).filter((v) => v !== undefined);
      expect(Math.min(...listed), d.id).toBeGreaterThan(1e12);
    }
  });

  it("turns peak into ST/s: an H100 trains at 989.4 TFLOPS × 0.40 ÷ 2e10 ≈ 19,788 ST/s", () => {
    expect(stPerSecond(findDevice("nvidia-h100-sxm")!, "BF16", "training")).toBeCloseTo(19_788, 0);
    expect(stPerSecond(findDevice("nvidia-h100-sxm")!, "FP8", "training")).toBeCloseTo(39_578, 0);
    expect(stPerSecond(findDevice("nvidia-a100-sxm")!, "FP8", "training")).toBeUndefined();
    // A device listing only FP16 serves BF16 at the same peak.
    expect(stPerSecond(findDevice("ascend-310p")!, "BF16", "decode")).toBeCloseTo((70e12 * DEFAULT_EFFICIENCY.decode) / 2e10, 6);
  });

  it("maps job kinds to workloads", () => {
    expect([workloadOf("TRAINING"), workloadOf("INFERENCE"), workloadOf("BATCH")]).toEqual(["training", "decode", "prefill"]);
  });
});
