// Original file: tokengrid/job/v1/job.proto


/**
 * QuoteExclusion says why a cluster and device could not take the job.
 */
export interface QuoteExclusion {
  'cluster'?: (string);
  'deviceModel'?: (string);
  'nodeId'?: (string);
  'reason'?: (string);
}

/**
 * QuoteExclusion says why a cluster and device could not take the job.
 */
export interface QuoteExclusion__Output {
  'cluster': (string);
  'deviceModel': (string);
  'nodeId': (string);
  'reason': (string);
}
