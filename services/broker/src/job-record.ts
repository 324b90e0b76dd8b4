/** The broker's record of a job, as kept in JetStream KV and mapped to the API. */
import type { JobState } from "@tokengrid/domain";
import { toTimestamp, type Job, type JobTransition } from "@tokengrid/contracts";
import type { ValidJobSpec } from "./validation.js";

export interface Transition {
  state: JobState;
  timeMs: number;
  message: string;
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
  state: JobState;
  nodeId: string;
  cluster: string;
  region: string;
  deviceIndices: number[];
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
  };
}
