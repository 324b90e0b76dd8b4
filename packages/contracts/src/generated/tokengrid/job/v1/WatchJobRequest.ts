// Original file: tokengrid/job/v1/job.proto


/**
 * WatchJobRequest names the job to follow.
 */
export interface WatchJobRequest {
  'jobId'?: (string);
}

/**
 * WatchJobRequest names the job to follow.
 */
export interface WatchJobRequest__Output {
  'jobId': (string);
}
