// Original file: tokengrid/job/v1/job.proto

import type { Job as _tokengrid_job_v1_Job, Job__Output as _tokengrid_job_v1_Job__Output } from '../../../tokengrid/job/v1/Job.js';

/**
 * SubmitJobResponse carries the accepted job.
 */
export interface SubmitJobResponse {
  'job'?: (_tokengrid_job_v1_Job | null);
  /**
   * False when request_id had been seen and the earlier job is returned.
   */
  'created'?: (boolean);
}

/**
 * SubmitJobResponse carries the accepted job.
 */
export interface SubmitJobResponse__Output {
  'job': (_tokengrid_job_v1_Job__Output | null);
  /**
   * False when request_id had been seen and the earlier job is returned.
   */
  'created': (boolean);
}
