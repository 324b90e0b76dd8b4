// Original file: tokengrid/node/v1/node.proto


/**
 * Cancel tells the node to stop a job (every replica of it on the node).
 */
export interface Cancel {
  'jobId'?: (string);
  'reason'?: (string);
}

/**
 * Cancel tells the node to stop a job (every replica of it on the node).
 */
export interface Cancel__Output {
  'jobId': (string);
  'reason': (string);
}
