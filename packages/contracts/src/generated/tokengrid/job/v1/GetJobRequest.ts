// Original file: tokengrid/job/v1/job.proto


/**
 * GetJobRequest names a job.
 */
export interface GetJobRequest {
  'jobId'?: (string);
}

/**
 * GetJobRequest names a job.
 */
export interface GetJobRequest__Output {
  'jobId': (string);
}
