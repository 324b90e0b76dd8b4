/**
 * Runs one replica of a job: starts its work with an executor, meters it at
 * each tick (usage chunks, handed on in order and awaited), reads the
 * progress the workload reports, enforces its budget and time limit, and
 * says how it ended in words a tenant can act on.
 */
import type { Executor, OutputStream, ReplicaSpec, Workload, WorkOutcome, WorkProgress } from "./executor.js";
import { doneAfter, stText, type Chunk, type MeterSpec } from "./meter.js";

export type RunEnd =
  | { state: "SUCCEEDED"; message: string; exitCode?: number }
  | { state: "FAILED"; message: string; exitCode?: number }
  | { state: "CANCELLED"; message: string }
  | { state: "INTERRUPTED"; message: string };

/** Where a run stands: what was metered, what the workload said, and the work done at its last checkpoint. */
export interface RunReport {
  doneMst: bigint;
  progress: WorkProgress;
  checkpointDoneMst: bigint;
}

export interface RunOptions {
  /** mST per second across the replica's devices (or its slice's share). */
  mstPerSecond: number;
  tickMs: number;
  /** Lines of stderr quoted when the program fails. */
  stderrTailLines: number;
  /** Each metered chunk, in order; the run waits for it (usage on disk before the work goes on). */
  onChunk: (c: Chunk) => Promise<void>;
  /** After each chunk that is not the last: progress to report. */
  onProgress: (r: RunReport) => void;
  /** What the program writes, as it writes it. */
  onOutput: (stream: OutputStream, data: Buffer) => void;
  now?: () => number;
}

/** Bytes of stderr kept to quote the last lines of a failed program. */
const STDERR_TAIL_BYTES = 4096;

export class ReplicaRun {
  /** Why the run is to end before the work ends by itself: the first reason wins. */
  private ending: RunEnd | undefined;
  private workload: Workload | undefined;
  private wake: (() => void) | undefined;
  private stderrTail = Buffer.alloc(0);
  /** The work has ended (by itself, or stopped). */
  private over = false;
  private readonly now: () => number;

  constructor(
    readonly spec: ReplicaSpec,
    private readonly executor: Executor,
    private readonly opts: RunOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** The tenant or the broker stops it: CANCELLED. */
  cancel(reason: string): void {
    this.end({ state: "CANCELLED", message: reason });
  }

  /** The node stops it for its own reasons (lease ran out, shutting down): INTERRUPTED, the broker runs it again. */
  interrupt(reason: string): void {
    this.end({ state: "INTERRUPTED", message: reason });
  }

  /** Whether it is ending for the node's own reasons. */
  get interrupted(): boolean {
    return this.ending?.state === "INTERRUPTED";
  }

  private end(e: RunEnd): void {
    // The first reason wins; once the work has ended by itself, no reason changes how it ended.
    if (this.ending || this.over) return;
    this.ending = e;
    this.workload?.stop(e.message);
    this.wake?.();
  }

  async run(): Promise<{ end: RunEnd; report: RunReport }> {
    const spec = this.spec;
    const meter: MeterSpec = { sizeMst: spec.sizeMst, mstPerSecond: this.opts.mstPerSecond, timeScale: this.executor.timeScale };
    const report: RunReport = { doneMst: 0n, progress: {}, checkpointDoneMst: 0n };
    const startMs = this.now();
    let workload: Workload;
    try {
      workload = await this.executor.start(spec, (stream, data) => {
        if (stream === "stderr") this.keepStderr(data);
        this.opts.onOutput(stream, data);
      });
    } catch (err) {
      const message = `the node could not start the job: ${(err as Error).message}`;
      await this.opts.onChunk({ amountMst: 0n, doneMst: 0n, startMs, endMs: this.now(), final: true });
      return { end: this.ending?.state === "CANCELLED" ? this.ending : { state: "FAILED", message }, report };
    }
    this.workload = workload;
    if (this.ending) workload.stop(this.ending.message);
    let outcome: WorkOutcome | undefined;
    void workload.ended.then((o) => {
      outcome = o;
      this.over = true;
      this.wake?.();
    });
    let lastMs = startMs;
    for (;;) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.opts.tickMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
        if (outcome || (this.ending && !this.workload)) this.wake();
      });
      this.wake = undefined;
      const nowMs = this.now();
      const done = doneAfter(meter, nowMs - startMs);
      await this.readProgress(workload, report, done);
      if (outcome) {
        await this.opts.onChunk({ amountMst: done - report.doneMst, doneMst: done, startMs: lastMs, endMs: nowMs, final: true });
        report.doneMst = done;
        return { end: this.ending ?? this.endOf(outcome), report };
      }
      if (done > report.doneMst) {
        await this.opts.onChunk({ amountMst: done - report.doneMst, doneMst: done, startMs: lastMs, endMs: nowMs, final: false });
        report.doneMst = done;
        lastMs = nowMs;
        this.opts.onProgress(report);
      }
      // Past its time limit first: a job sized by its time limit reaches both at once on the fastest device.
      if (spec.timeLimitMs > 0 && nowMs - startMs >= spec.timeLimitMs)
        this.end({ state: "FAILED", message: `killed: past its time limit of ${spec.timeLimitMs / 1000} s` });
      else if (done >= spec.sizeMst)
        this.end(
          this.executor.endsAtSize
            ? { state: "SUCCEEDED", message: "completed" }
            : { state: "FAILED", message: `stopped: it used its whole budget of ${stText(spec.sizeMst)} (the job's size)` },
        );
    }
  }

  /** Takes in what the workload reported; the work done when its checkpoint moved is what a next attempt keeps. */
  private async readProgress(workload: Workload, report: RunReport, done: bigint): Promise<void> {
    let p: WorkProgress;
    try {
      p = await workload.progress();
    } catch {
      return;
    }
    if (p.reportedTokens !== undefined) report.progress.reportedTokens = p.reportedTokens;
    if (p.checkpointTokens !== undefined && p.checkpointTokens !== report.progress.checkpointTokens) {
      report.progress.checkpointTokens = p.checkpointTokens;
      report.checkpointDoneMst = done;
    }
  }

  private endOf(o: WorkOutcome): RunEnd {
    switch (o.kind) {
      case "exited":
        return o.code === 0
          ? { state: "SUCCEEDED", message: "exited with code 0", exitCode: 0 }
          : { state: "FAILED", message: `exited with code ${o.code}${this.tail()}`, exitCode: o.code };
      case "signalled":
        return { state: "FAILED", message: `killed by ${o.signal}${this.tail()}` };
      case "stopped":
        return { state: "FAILED", message: "stopped" };
      default: {
        const never: never = o;
        throw new Error(`unknown outcome ${String(never)}`);
      }
    }
  }

  private keepStderr(data: Buffer): void {
    const joined = Buffer.concat([this.stderrTail, data]);
    this.stderrTail = joined.length > STDERR_TAIL_BYTES ? joined.subarray(joined.length - STDERR_TAIL_BYTES) : joined;
  }

  /** "; last lines of stderr: ..." or nothing. */
  private tail(): string {
    const n = this.opts.stderrTailLines;
    if (n === 0 || this.stderrTail.length === 0) return "";
    const lines = this.stderrTail.toString("utf8").replace(/\s+$/, "").split("\n").slice(-n);
    return `; last lines of stderr:\n${lines.join("\n")}`;
  }
}
