// Original file: tokengrid/account/v1/account.proto

import type { Long } from '@grpc/proto-loader';

/**
 * AuthorizeRequest asks for a hold on the calling tenant's tokens.
 */
export interface AuthorizeRequest {
  /**
   * The job the hold is for; the hold's id.
   */
  'jobId'?: (string);
  /**
   * Tokens to hold, mST, > 0.
   */
  'amountMst'?: (number | string | Long);
}

/**
 * AuthorizeRequest asks for a hold on the calling tenant's tokens.
 */
export interface AuthorizeRequest__Output {
  /**
   * The job the hold is for; the hold's id.
   */
  'jobId': (string);
  /**
   * Tokens to hold, mST, > 0.
   */
  'amountMst': (string);
}
