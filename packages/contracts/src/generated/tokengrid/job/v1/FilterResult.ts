// Original file: tokengrid/job/v1/job.proto

import type { Long } from '@grpc/proto-loader';

/**
 * FilterResult is how many nodes one filter removed, and why.
 */
export interface FilterResult {
  'plugin'?: (string);
  'nodes'?: (number | string | Long);
  'reason'?: (string);
}

/**
 * FilterResult is how many nodes one filter removed, and why.
 */
export interface FilterResult__Output {
  'plugin': (string);
  'nodes': (string);
  'reason': (string);
}
