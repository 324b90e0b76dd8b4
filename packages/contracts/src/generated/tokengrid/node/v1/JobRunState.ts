// Original file: tokengrid/node/v1/node.proto

/**
 * JobRunState is what a node reports of a job it was given.
 */
export const JobRunState = {
  JOB_RUN_STATE_UNSPECIFIED: 'JOB_RUN_STATE_UNSPECIFIED',
  JOB_RUN_STATE_RUNNING: 'JOB_RUN_STATE_RUNNING',
  JOB_RUN_STATE_SUCCEEDED: 'JOB_RUN_STATE_SUCCEEDED',
  JOB_RUN_STATE_FAILED: 'JOB_RUN_STATE_FAILED',
  JOB_RUN_STATE_CANCELLED: 'JOB_RUN_STATE_CANCELLED',
  /**
   * The node stopped the replica for its own reasons (its lease ran out, it is
   * shutting down): not the tenant's doing; the broker runs the job again,
   * a training job from its last reported progress.
   */
  JOB_RUN_STATE_INTERRUPTED: 'JOB_RUN_STATE_INTERRUPTED',
} as const;

/**
 * JobRunState is what a node reports of a job it was given.
 */
export type JobRunState =
  | 'JOB_RUN_STATE_UNSPECIFIED'
  | 0
  | 'JOB_RUN_STATE_RUNNING'
  | 1
  | 'JOB_RUN_STATE_SUCCEEDED'
  | 2
  | 'JOB_RUN_STATE_FAILED'
  | 3
  | 'JOB_RUN_STATE_CANCELLED'
  | 4
  /**
   * The node stopped the replica for its own reasons (its lease ran out, it is
   * shutting down): not the tenant's doing; the broker runs the job again,
   * a training job from its last reported progress.
   */
  | 'JOB_RUN_STATE_INTERRUPTED'
  | 5

/**
 * JobRunState is what a node reports of a job it was given.
 */
export type JobRunState__Output = typeof JobRunState[keyof typeof JobRunState]
