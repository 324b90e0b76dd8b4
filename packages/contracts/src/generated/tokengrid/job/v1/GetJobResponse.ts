// Original file: tokengrid/job/v1/job.proto

import type { Job as _tokengrid_job_v1_Job, Job__Output as _tokengrid_job_v1_Job__Output } from '../../../tokengrid/job/v1/Job.js';

/**
 * GetJobResponse carries the job.
 */
export interface GetJobResponse {
  'job'?: (_tokengrid_job_v1_Job | null);
}

/**
 * GetJobResponse carries the job.
 */
export interface GetJobResponse__Output {
  'job': (_tokengrid_job_v1_Job__Output | null);
}
