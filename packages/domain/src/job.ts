/** Job kinds and states, as in tokengrid.job.v1 without the enum prefixes. */
export const JOB_KINDS = ["TRAINING", "INFERENCE", "BATCH"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_STATES = ["PENDING", "SCHEDULED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;
export type JobState = (typeof JOB_STATES)[number];

export const FINAL_STATES: ReadonlySet<JobState> = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

export function isFinal(state: JobState): boolean {
  return FINAL_STATES.has(state);
}

const NEXT: Record<JobState, readonly JobState[]> = {
  PENDING: ["SCHEDULED", "CANCELLED", "FAILED"],
  // SCHEDULED -> PENDING when the node is lost before it starts the job.
  SCHEDULED: ["RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "PENDING"],
  // RUNNING -> PENDING when the node is lost and the job is rescheduled.
  RUNNING: ["SUCCEEDED", "FAILED", "CANCELLED", "PENDING"],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
};

/** Whether a job may move from one state to another. */
export function canTransition(from: JobState, to: JobState): boolean {
  return NEXT[from].includes(to);
}
