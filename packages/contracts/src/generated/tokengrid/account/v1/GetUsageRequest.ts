// Original file: tokengrid/account/v1/account.proto


/**
 * GetUsageRequest selects what to sum.
 */
export interface GetUsageRequest {
  /**
   * A job of the tenant's; empty for all of the tenant's usage.
   */
  'jobId'?: (string);
}

/**
 * GetUsageRequest selects what to sum.
 */
export interface GetUsageRequest__Output {
  /**
   * A job of the tenant's; empty for all of the tenant's usage.
   */
  'jobId': (string);
}
