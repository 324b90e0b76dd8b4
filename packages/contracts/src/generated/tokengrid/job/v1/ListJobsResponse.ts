// Original file: tokengrid/job/v1/job.proto

import type { Job as _tokengrid_job_v1_Job, Job__Output as _tokengrid_job_v1_Job__Output } from '../../../tokengrid/job/v1/Job.js';

/**
 * ListJobsResponse is one page of jobs.
 */
export interface ListJobsResponse {
  'jobs'?: (_tokengrid_job_v1_Job)[];
  /**
   * Empty on the last page.
   */
  'nextPageToken'?: (string);
}

/**
 * ListJobsResponse is one page of jobs.
 */
export interface ListJobsResponse__Output {
  'jobs': (_tokengrid_job_v1_Job__Output)[];
  /**
   * Empty on the last page.
   */
  'nextPageToken': (string);
}
