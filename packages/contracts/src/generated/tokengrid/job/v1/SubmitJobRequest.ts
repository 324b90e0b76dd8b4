// Original file: tokengrid/job/v1/job.proto

import type { JobSpec as _tokengrid_job_v1_JobSpec, JobSpec__Output as _tokengrid_job_v1_JobSpec__Output } from '../../../tokengrid/job/v1/JobSpec.js';

/**
 * SubmitJobRequest asks for a job to be run.
 */
export interface SubmitJobRequest {
  /**
   * Client-chosen id, 1..128 characters; a retry with the same id returns the
   * same job and creates nothing.
   */
  'requestId'?: (string);
  /**
   * Required.
   */
  'spec'?: (_tokengrid_job_v1_JobSpec | null);
}

/**
 * SubmitJobRequest asks for a job to be run.
 */
export interface SubmitJobRequest__Output {
  /**
   * Client-chosen id, 1..128 characters; a retry with the same id returns the
   * same job and creates nothing.
   */
  'requestId': (string);
  /**
   * Required.
   */
  'spec': (_tokengrid_job_v1_JobSpec__Output | null);
}
