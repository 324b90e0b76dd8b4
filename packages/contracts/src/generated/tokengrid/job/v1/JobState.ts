// Original file: tokengrid/job/v1/job.proto

/**
 * JobState is where a job is in its life. SUCCEEDED, FAILED and CANCELLED are final.
 */
export const JobState = {
  JOB_STATE_UNSPECIFIED: 'JOB_STATE_UNSPECIFIED',
  /**
   * Accepted, waiting for capacity.
   */
  JOB_STATE_PENDING: 'JOB_STATE_PENDING',
  /**
   * Placed on a node; the assignment is on its way to the node's agent.
   */
  JOB_STATE_SCHEDULED: 'JOB_STATE_SCHEDULED',
  /**
   * The node's agent is running it.
   */
  JOB_STATE_RUNNING: 'JOB_STATE_RUNNING',
  JOB_STATE_SUCCEEDED: 'JOB_STATE_SUCCEEDED',
  JOB_STATE_FAILED: 'JOB_STATE_FAILED',
  JOB_STATE_CANCELLED: 'JOB_STATE_CANCELLED',
} as const;

/**
 * JobState is where a job is in its life. SUCCEEDED, FAILED and CANCELLED are final.
 */
export type JobState =
  | 'JOB_STATE_UNSPECIFIED'
  | 0
  /**
   * Accepted, waiting for capacity.
   */
  | 'JOB_STATE_PENDING'
  | 1
  /**
   * Placed on a node; the assignment is on its way to the node's agent.
   */
  | 'JOB_STATE_SCHEDULED'
  | 2
  /**
   * The node's agent is running it.
   */
  | 'JOB_STATE_RUNNING'
  | 3
  | 'JOB_STATE_SUCCEEDED'
  | 4
  | 'JOB_STATE_FAILED'
  | 5
  | 'JOB_STATE_CANCELLED'
  | 6

/**
 * JobState is where a job is in its life. SUCCEEDED, FAILED and CANCELLED are final.
 */
export type JobState__Output = typeof JobState[keyof typeof JobState]
