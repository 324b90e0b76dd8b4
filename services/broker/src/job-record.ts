/** The broker's record of a job, as kept in JetStream KV and mapped to the API. */
import type { JobState } from "@tokengrid/domain";
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
