// Original file: tokengrid/job/v1/job.proto

import type { Job as _tokengrid_job_v1_Job, Job__Output as _tokengrid_job_v1_Job__Output } from '../../../tokengrid/job/v1/Job.js';

/**
 * CancelJobResponse carries the job after cancellation.
 */
export interface CancelJobResponse {
  'job'?: (_tokengrid_job_v1_Job | null);
}

/**
 * CancelJobResponse carries the job after cancellation.
 */
export interface CancelJobResponse__Output {
  'job': (_tokengrid_job_v1_Job__Output | null);
}
