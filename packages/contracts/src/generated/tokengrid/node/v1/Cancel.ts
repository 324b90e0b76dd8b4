// Original file: tokengrid/node/v1/node.proto


/**
 * Cancel tells the node to stop a job.
 */
export interface Cancel {
  'jobId'?: (string);
  'reason'?: (string);
}

/**
 * Cancel tells the node to stop a job.
 */
export interface Cancel__Output {
  'jobId': (string);
  'reason': (string);
}
