/**
 * Metering: a replica's work is its devices' speed (the broker's own model,
 * or the operator's calibration) × the time it held them, in whole mST, never
 * more than its size. The same for real and simulated work; simulated work
 * may run its clock faster (time scale).
 */
export interface MeterSpec {
  sizeMst: bigint;
  /** mST per (simulated) second across the replica's devices. */
  mstPerSecond: number;
  timeScale: number;
}

/** One metered stretch of a run, as it is published. */
export interface Chunk {
  amountMst: bigint;
  doneMst: bigint;
  startMs: number;
  endMs: number;
  final: boolean;
}

/** Work done after `elapsedMs` of wall time, in whole mST, never more than the size. */
export function doneAfter(spec: MeterSpec, elapsedMs: number): bigint {
  const simulatedSeconds = (Math.max(0, elapsedMs) / 1000) * spec.timeScale;
  const done = BigInt(Math.floor(spec.mstPerSecond * simulatedSeconds));
  return done > spec.sizeMst ? spec.sizeMst : done;
}

/** mST → "1.234 ST" for messages. */
export function stText(mst: bigint): string {
  const whole = mst / 1000n;
  const frac = (mst % 1000n).toString().padStart(3, "0").replace(/0+$/, "");
  return `${whole}${frac ? `.${frac}` : ""} ST`;
}
