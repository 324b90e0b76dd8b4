/**
 * The simulated executor: nothing runs. A replica's work is the node's
 * modelled speed over time (optionally faster than real time), metered by the
 * replica runner until it reaches the job's size. For demos and benchmarks.
 */
import type { Executor, Workload, WorkOutcome } from "./executor.js";

export class SimulatedExecutor implements Executor {
  readonly kind = "simulated";
  readonly endsAtSize = true;

  constructor(readonly timeScale: number) {}

  start(): Promise<Workload> {
    let end!: (o: WorkOutcome) => void;
    const ended = new Promise<WorkOutcome>((resolve) => (end = resolve));
    return Promise.resolve({ ended, stop: () => end({ kind: "stopped" }), progress: () => Promise.resolve({}) });
  }

  recover(): Promise<number> {
    return Promise.resolve(0);
  }
}
