// Original file: tokengrid/job/v1/job.proto


/**
 * ReadJobLogsRequest names the job whose output to read.
 */
export interface ReadJobLogsRequest {
  'jobId'?: (string);
  /**
   * Only this replica's output (0-based); unset: every replica's.
   */
  'replica'?: (number);
  /**
   * Go on streaming what the job writes until it ends.
   */
  'follow'?: (boolean);
  '_replica'?: "replica";
}

/**
 * ReadJobLogsRequest names the job whose output to read.
 */
export interface ReadJobLogsRequest__Output {
  'jobId': (string);
  /**
   * Only this replica's output (0-based); unset: every replica's.
   */
  'replica'?: (number);
  /**
   * Go on streaming what the job writes until it ends.
   */
  'follow': (boolean);
  '_replica'?: "replica";
}
