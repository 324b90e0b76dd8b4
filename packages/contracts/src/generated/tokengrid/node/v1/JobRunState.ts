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
 * JobRunState is what a node reports of a job it was given.
 */
export type JobRunState__Output = typeof JobRunState[keyof typeof JobRunState]
