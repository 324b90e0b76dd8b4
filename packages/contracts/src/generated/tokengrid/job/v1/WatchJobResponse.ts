// Original file: tokengrid/job/v1/job.proto

import type { JobTransition as _tokengrid_job_v1_JobTransition, JobTransition__Output as _tokengrid_job_v1_JobTransition__Output } from '../../../tokengrid/job/v1/JobTransition.js';
import type { Job as _tokengrid_job_v1_Job, Job__Output as _tokengrid_job_v1_Job__Output } from '../../../tokengrid/job/v1/Job.js';

/**
 * WatchJobResponse is one state change, with the job as it stands after it.
 */
export interface WatchJobResponse {
  'transition'?: (_tokengrid_job_v1_JobTransition | null);
  'job'?: (_tokengrid_job_v1_Job | null);
}

/**
 * WatchJobResponse is one state change, with the job as it stands after it.
 */
export interface WatchJobResponse__Output {
  'transition': (_tokengrid_job_v1_JobTransition__Output | null);
  'job': (_tokengrid_job_v1_Job__Output | null);
}
