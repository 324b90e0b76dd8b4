/**
 * The simulated executor: does a job's work at the node's modelled speed,
 * optionally faster than real time (time scale), metering whole mST as it goes
 * so that the reported chunks add up exactly to the job's size.
 */
export interface RunSpec {
  sizeMst: bigint;
  /** mST per simulated second across the job's devices. */
  mstPerSecond: number;
  timeScale: number;
  tickMs: number;
}

export interface Chunk {
  amountMst: bigint;
  doneMst: bigint;
  startMs: number;
  endMs: number;
  final: boolean;
}

export type RunOutcome = { kind: "succeeded"; doneMst: bigint } | { kind: "cancelled"; doneMst: bigint; reason: string };

/** Work done after `elapsedMs` of wall time, in whole mST, never more than the size. */
export function doneAfter(spec: RunSpec, elapsedMs: number): bigint {
  const simulatedSeconds = (elapsedMs / 1000) * spec.timeScale;
  const done = BigInt(Math.floor(spec.mstPerSecond * simulatedSeconds));
  return done > spec.sizeMst ? spec.sizeMst : done;
}

export class SimulatedRun {
  private cancelled: string | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly spec: RunSpec,
    private readonly now: () => number = Date.now,
  ) {}

  cancel(reason: string): void {
    this.cancelled = reason;
    this.wake?.();
  }

  /** Runs to the end or until cancelled, handing each metered chunk to onChunk (awaited, in order). */
  async run(onChunk: (c: Chunk) => Promise<void>): Promise<RunOutcome> {
    const start = this.now();
    let reported = 0n;
    let lastMs = start;
    for (;;) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.spec.tickMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      const nowMs = this.now();
      const done = doneAfter(this.spec, nowMs - start);
      const finished = done >= this.spec.sizeMst;
      const stop = this.cancelled !== undefined;
      if (done > reported || finished || stop) {
        await onChunk({ amountMst: done - reported, doneMst: done, startMs: lastMs, endMs: nowMs, final: finished || stop });
        reported = done;
        lastMs = nowMs;
      }
      if (finished) return { kind: "succeeded", doneMst: done };
      if (stop) return { kind: "cancelled", doneMst: done, reason: this.cancelled! };
    }
  }
}
