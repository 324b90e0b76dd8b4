/** Fixtures for the broker's tests. */
import type { JobSpec__Output } from "@tokengrid/contracts";

/** A job spec as it comes off the wire (every field at its proto default), with `over` on top. */
export function jobSpec(over: Partial<JobSpec__Output> = {}): JobSpec__Output {
  return {
    kind: "JOB_KIND_TRAINING",
    modelParams: "0",
    tokens: "0",
    sizeSt: "0",
    devices: 0,
    softwareStacks: [],
    origin: "",
    maxLatencyMs: 0,
    allowedClusters: [],
    precision: "PRECISION_UNSPECIFIED",
    replicas: 0,
    slice: null,
    memoryMbPerDevice: "0",
    minGreenShare: 0,
    maxPricePerMillionStYuan: 0,
    priorityClass: "PRIORITY_CLASS_UNSPECIFIED",
    deadline: null,
    command: [],
    env: {},
    timeLimitSeconds: 0,
    ...over,
  };
}
