/** Fixtures for the agent's tests. */
import type { ReplicaSpec } from "./executor.js";

/** A replica of a small batch job on device 0, with the fields a test does not set filled in. */
export function replicaSpec(over: Partial<ReplicaSpec> = {}): ReplicaSpec {
  return {
    jobId: "j-test",
    replica: 0,
    attempt: 1,
    tenantId: "t",
    kind: "BATCH",
    precision: "BF16",
    sizeMst: 1000n,
    deviceIndices: [0],
    command: [],
    env: {},
    timeLimitMs: 0,
    resumeTokens: 0n,
    ...over,
  };
}
