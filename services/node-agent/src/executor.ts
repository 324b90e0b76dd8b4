/**
 * How a node runs a replica of a job. The replica runner meters the work and
 * reports it; an executor only starts the work, passes on what it writes, and
 * says how it ended. Two exist: `process` (the tenant's command, in its own
 * process group, as an unprivileged user) and `simulated` (nothing runs: the
 * work is the modelled speed over time, for demos and benchmarks).
 */
import type { JobKind, Precision } from "@tokengrid/domain";

/** What one replica is to do, from its assignment. */
export interface ReplicaSpec {
  jobId: string;
  replica: number;
  attempt: number;
  tenantId: string;
  kind: JobKind;
  precision: Precision;
  /** This replica's share of the job (its budget), mST. */
  sizeMst: bigint;
  /** The node's devices it may use. */
  deviceIndices: number[];
  slice?: { computePercent: number; memoryMb: number };
  /** Empty for a size-only job. */
  command: string[];
  env: Record<string, string>;
  /** 0 = none. */
  timeLimitMs: number;
  rendezvous?: { rank: number; worldSize: number; masterAddr: string; masterPort: number };
  /** Tokens this replica kept from earlier attempts (its last checkpoint). */
  resumeTokens: bigint;
}

/** How work ended by itself, or that it was stopped. */
export type WorkOutcome =
  | { kind: "exited"; code: number }
  | { kind: "signalled"; signal: string }
  /** Ended because stop() was called (whatever the process did on its way out). */
  | { kind: "stopped" };

/** What a workload reported of its own progress, in tokens counted from the start of the job. */
export interface WorkProgress {
  reportedTokens?: bigint;
  checkpointTokens?: bigint;
}

export type OutputStream = "stdout" | "stderr";

/** Where a workload's output goes, as it is written. */
export type OutputSink = (stream: OutputStream, data: Buffer) => void;

export interface Workload {
  /** Resolves once the work has ended and nothing of it runs any more. */
  readonly ended: Promise<WorkOutcome>;
  /** Ends the work (SIGTERM to a process group, SIGKILL after the grace period). Safe to call more than once. */
  stop(why: string): void;
  /** The progress and checkpoint the workload last reported (read at each metering tick). */
  progress(): Promise<WorkProgress>;
}

export interface Executor {
  readonly kind: "process" | "simulated";
  /** Whether the work is done once its size is metered (simulated); otherwise reaching the size means its budget is spent. */
  readonly endsAtSize: boolean;
  /** Simulated seconds per wall second the work is metered at (1 for real work). */
  readonly timeScale: number;
  /** Starts the work; rejects (with a message for the tenant) when it cannot start. */
  start(spec: ReplicaSpec, output: OutputSink): Promise<Workload>;
  /** Ends whatever an earlier run of the agent left running; called once at start. */
  recover(): Promise<number>;
}
