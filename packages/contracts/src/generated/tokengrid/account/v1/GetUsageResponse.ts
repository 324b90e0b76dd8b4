// Original file: tokengrid/account/v1/account.proto

import type { Long } from '@grpc/proto-loader';

/**
 * GetUsageResponse is the settled total.
 */
export interface GetUsageResponse {
  /**
   * Settled usage in mST (1 ST = 1000 mST).
   */
  'settledMst'?: (number | string | Long);
  /**
   * Distinct usage events settled.
   */
  'eventCount'?: (number | string | Long);
}

/**
 * GetUsageResponse is the settled total.
 */
export interface GetUsageResponse__Output {
  /**
   * Settled usage in mST (1 ST = 1000 mST).
   */
  'settledMst': (string);
  /**
   * Distinct usage events settled.
   */
  'eventCount': (string);
}
