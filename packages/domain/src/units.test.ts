import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatMst, sizeMstFromModel, stToMst } from "./units.js";

describe("standard-token maths", () => {
  it("sizes a 7B model over 1e9 tokens: 7e8 ST at inference, 2.1e9 ST in training", () => {
    // inference: T·N/1e10 = 1e9 · 7e9 / 1e10 = 7e8 ST
    expect(sizeMstFromModel("INFERENCE", 7_000_000_000n, 1_000_000_000n)).toBe(700_000_000_000n);
    // training: 3·T·N/1e10 = 2.1e9 ST
    expect(sizeMstFromModel("TRAINING", 7_000_000_000n, 1_000_000_000n)).toBe(2_100_000_000_000n);
    expect(sizeMstFromModel("BATCH", 7_000_000_000n, 1_000_000_000n)).toBe(700_000_000_000n);
  });

  it("one token through a 10B model at inference is exactly 1 ST", () => {
    expect(sizeMstFromModel("INFERENCE", 10_000_000_000n, 1n)).toBe(1000n);
  });

  it("rounds a fraction of an mST up, so work is never given away", () => {
    // 1 token × 1 parameter × 2 FLOPs = 1e-10 ST: rounds up to 1 mST
    expect(sizeMstFromModel("INFERENCE", 1n, 1n)).toBe(1n);
  });

  it("training is always three times inference, and more tokens never cost less", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), (n, t) => {
        const inf = sizeMstFromModel("INFERENCE", n, t);
        const tr = sizeMstFromModel("TRAINING", n, t);
        expect(tr).toBeGreaterThanOrEqual(inf * 3n - 2n);
        expect(tr).toBeLessThanOrEqual(inf * 3n);
        expect(sizeMstFromModel("INFERENCE", n, t + 1n)).toBeGreaterThanOrEqual(inf);
      }),
    );
  });

  it("converts and formats", () => {
    expect(stToMst(5n)).toBe(5000n);
    expect(formatMst(1500n)).toBe("1.500 ST");
    expect(formatMst(2_100_000_000_000n)).toBe("2.10 billion ST");
    expect(formatMst(50_000_000n)).toBe("50.0 thousand ST");
  });
});
