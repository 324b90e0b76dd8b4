// Original file: tokengrid/job/v1/job.proto


/**
 * CancelJobRequest names the job to cancel.
 */
export interface CancelJobRequest {
  'jobId'?: (string);
  /**
   * Why, up to 256 characters; recorded on the job.
   */
  'reason'?: (string);
}

/**
 * CancelJobRequest names the job to cancel.
 */
export interface CancelJobRequest__Output {
  'jobId': (string);
  /**
   * Why, up to 256 characters; recorded on the job.
   */
  'reason': (string);
}
