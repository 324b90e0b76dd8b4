/**
 * The standard token (ST): 1 ST = 2×10^10 floating-point operations, the work
 * of one token through a dense 10-billion-parameter model at inference
 * (2·N FLOPs per token). Amounts are kept as integers in milli-ST (mST).
 */
import type { JobKind } from "./job.js";

export const FLOPS_PER_ST = 2e10;
export const MST_PER_ST = 1000n;

/** FLOPs per token per parameter: 2 at inference (forward), 6 in training (forward + backward). */
export function flopsPerTokenPerParam(kind: JobKind): 2 | 6 {
  switch (kind) {
    case "TRAINING":
      return 6;
    case "INFERENCE":
    case "BATCH":
      return 2;
    default: {
      const never: never = kind;
      throw new Error(`unknown job kind ${String(never)}`);
    }
  }
}

/**
 * Size of a job in mST from model parameters and tokens, exact and rounded up:
 * tokens · params · (flops per token per param) / 2×10^10 ST, × 1000 for mST.
 */
export function sizeMstFromModel(kind: JobKind, modelParams: bigint, tokens: bigint): bigint {
  const flops = tokens * modelParams * BigInt(flopsPerTokenPerParam(kind));
  // mST = flops / 2e10 * 1000 = flops / 2e7
  const divisor = 20_000_000n;
  return (flops + divisor - 1n) / divisor;
}

export function stToMst(st: bigint): bigint {
  return st * MST_PER_ST;
}

/** A human figure for an mST amount: "1.500 ST", "21.0 thousand ST", "2.10 billion ST". */
export function formatMst(mst: bigint): string {
  const st = Number(mst) / 1000;
  const units: [number, string][] = [
    [1e12, "trillion"],
    [1e9, "billion"],
    [1e6, "million"],
    [1e3, "thousand"],
  ];
  for (const [scale, word] of units) {
    if (Math.abs(st) >= scale) return `${(st / scale).toPrecision(3)} ${word} ST`;
  }
  return `${st.toFixed(3)} ST`;
}
