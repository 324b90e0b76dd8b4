/** The broker's record of a job, as kept in JetStream KV and mapped to the API. */
import { sizeMstFromModel, type JobState } from "@tokengrid/domain";
import { toTimestamp, type Job, type JobTransition, type SchedulingReceipt } from "@tokengrid/contracts";
import type { Candidate, Receipt } from "@tokengrid/matcher";
import type { ValidJobSpec } from "./validation.js";

export interface Transition {
  state: JobState;
  timeMs: number;
  message: string;
}

/** One replica's part of a job: where it runs and how far it got. */
export interface ReplicaRecord {
  nodeId: string;
  deviceIndices: number[];
  slice?: { computePercent: number; memoryMb: number };
  /** This replica's share of the job, mST. */
  sizeMst: string;
  doneMst: string;
  state: "ASSIGNED" | "RUNNING" | "DONE";
  /** Tokens the workload reported in this run (its progress file), and at its last checkpoint; absent: none reported. */
  reportedTokens?: string;
  checkpointTokens?: string;
  /** Work this run had done when the workload reported its last checkpoint, mST. */
  checkpointDoneMst?: string;
}

export interface JobRecord {
  jobId: string;
  tenantId: string;
  requestId: string;
  /** Hash of the spec, to refuse a reused request_id with a different spec. */
  specHash: string;
  spec: ValidJobSpec;
  sizeMst: string;
  doneMst: string;
  /**
   * Work earlier attempts finished that the next keeps: a training job moved
   * off a lost node resumes from its last reported progress. "0" otherwise.
   */
  checkpointMst?: string;
  state: JobState;
  nodeId: string;
  cluster: string;
  region: string;
  /** Where the job runs, one entry per replica; empty while it is pending. */
  replicas: ReplicaRecord[];
  /** The last placement decision, with the jobs it preempted or the hour it waits for. */
  receipt?: Receipt & { preempted?: readonly string[]; waitUntilMs?: number };
  message: string;
  createTimeMs: number;
  updateTimeMs: number;
  transitions: Transition[];
  /** W3C trace context of the SubmitJob call, so later steps join its trace. */
  traceContext: Record<string, string>;
  /**
   * Each replica's tokens at the last checkpoint kept from earlier attempts
   * (by replica index): its next run resumes there; absent: none.
   */
  checkpoints?: string[];
  /** Where a gang's replicas meet in this attempt (rank 0's node and a port there); absent for one replica. */
  rendezvous?: { masterAddr: string; masterPort: number };
  /** The program's exit code once it ended by itself. */
  exitCode?: number;
  /** Every node any attempt of the job was placed on: whose output is the job's. */
  placedOn?: string[];
}

/** The attempt a job's current placement is: 1 for its first, 2 after it was requeued and placed again, ... */
export function attemptOf(job: Pick<JobRecord, "transitions">): number {
  return job.transitions.filter((t) => t.state === "SCHEDULED").length;
}

/**
 * Tokens the workload reported, over its replicas (each counts its own, from
 * the start of the job), with what the last kept checkpoints say where a
 * replica has not reported in this run yet; and the same as work at the
 * job's model size, with the achieved utilisation (that work ÷ the work the
 * devices delivered).
 */
export function reportedWork(r: JobRecord): { tokens: bigint; checkpointTokens: bigint; mst: bigint; utilisation: number } {
  const kept = (r.checkpoints ?? []).map((t) => BigInt(t));
  const n = Math.max(kept.length, (r.replicas ?? []).length);
  let tokens = 0n;
  for (let i = 0; i < n; i++) {
    const now = BigInt(r.replicas?.[i]?.reportedTokens ?? "0");
    const before = kept[i] ?? 0n;
    tokens += now > before ? now : before;
  }
  let checkpointTokens = 0n;
  for (let i = 0; i < n; i++) {
    const now = BigInt(r.replicas?.[i]?.checkpointTokens ?? "0");
    const before = kept[i] ?? 0n;
    checkpointTokens += now > before ? now : before;
  }
  const params = BigInt(r.spec.modelParams || "0");
  const mst = params > 0n && tokens > 0n ? sizeMstFromModel(r.spec.kind, params, tokens) : 0n;
  const done = BigInt(r.doneMst);
  return { tokens, checkpointTokens, mst, utilisation: mst > 0n && done > 0n ? Number(mst) / Number(done) : 0 };
}

const KIND_ENUM = { TRAINING: "JOB_KIND_TRAINING", INFERENCE: "JOB_KIND_INFERENCE", BATCH: "JOB_KIND_BATCH" } as const;

export function stateEnum(state: JobState): `JOB_STATE_${JobState}` {
  return `JOB_STATE_${state}`;
}

export function kindEnum(kind: ValidJobSpec["kind"]): (typeof KIND_ENUM)[keyof typeof KIND_ENUM] {
  return KIND_ENUM[kind];
}

export function toApiTransition(t: Transition): JobTransition {
  return { state: stateEnum(t.state), time: toTimestamp(t.timeMs), message: t.message };
}

export function toApiJob(r: JobRecord): Job {
  const work = reportedWork(r);
  return {
    jobId: r.jobId,
    tenantId: r.tenantId,
    requestId: r.requestId,
    spec: {
      kind: kindEnum(r.spec.kind),
      modelParams: r.spec.modelParams,
      tokens: r.spec.tokens,
      sizeSt: r.spec.sizeSt,
      devices: r.spec.devices,
      softwareStacks: r.spec.softwareStacks,
      origin: r.spec.origin,
      maxLatencyMs: r.spec.maxLatencyMs,
      allowedClusters: r.spec.allowedClusters,
      precision: `PRECISION_${r.spec.precision ?? "BF16"}`,
      replicas: r.spec.replicas ?? 1,
      slice: r.spec.slice ? { computePercent: r.spec.slice.computePercent, memoryMb: r.spec.slice.memoryMb } : null,
      memoryMbPerDevice: r.spec.memoryMbPerDevice ?? 0,
      minGreenShare: r.spec.minGreenShare ?? 0,
      maxPricePerMillionStYuan: r.spec.maxPricePerMillionSt ?? 0,
      priorityClass: `PRIORITY_CLASS_${r.spec.priorityClass ?? "NORMAL"}`,
      deadline: r.spec.deadlineMs ? toTimestamp(r.spec.deadlineMs) : null,
      command: r.spec.command ?? [],
      env: r.spec.env ?? {},
      timeLimitSeconds: r.spec.timeLimitSeconds ?? 0,
    },
    state: stateEnum(r.state),
    sizeMst: r.sizeMst,
    doneMst: r.doneMst,
    nodeId: r.nodeId,
    cluster: r.cluster,
    region: r.region,
    createTime: toTimestamp(r.createTimeMs),
    updateTime: toTimestamp(r.updateTimeMs),
    message: r.message,
    transitions: r.transitions.map(toApiTransition),
    receipt: r.receipt ? toApiReceipt(r.receipt) : null,
    nodeIds: [...new Set((r.replicas ?? []).map((x) => x.nodeId))],
    reportedTokens: work.tokens.toString(),
    checkpointTokens: work.checkpointTokens.toString(),
    reportedMst: work.mst.toString(),
    utilisation: work.utilisation,
    ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
  };
}

function toApiCandidate(c: Candidate) {
  return {
    cluster: c.cluster,
    deviceModel: c.deviceModel,
    nodeIds: [...c.nodeIds],
    totalScore: c.total,
    scores: Object.entries(c.scores).map(([plugin, score]) => ({ plugin, score })),
  };
}

export function toApiReceipt(r: Receipt & { preempted?: readonly string[]; waitUntilMs?: number }): SchedulingReceipt {
  return {
    time: toTimestamp(r.timeMs),
    profile: r.profile,
    nodesConsidered: r.nodesConsidered,
    filters: r.filters.map((f) => ({ plugin: f.plugin, nodes: f.nodes, reason: f.reason })),
    chosen: r.chosen ? toApiCandidate(r.chosen) : null,
    runnersUp: r.runnersUp.map(toApiCandidate),
    summary: r.summary,
    preemptedJobIds: [...(r.preempted ?? [])],
    waitUntil: r.waitUntilMs ? toTimestamp(r.waitUntilMs) : null,
  };
}
