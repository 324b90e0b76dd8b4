// Original file: tokengrid/job/v1/job.proto


/**
 * ListJobsRequest pages through the tenant's jobs.
 */
export interface ListJobsRequest {
  /**
   * 1..500, default 50.
   */
  'pageSize'?: (number);
  /**
   * From a previous response's next_page_token; empty for the first page.
   */
  'pageToken'?: (string);
}

/**
 * ListJobsRequest pages through the tenant's jobs.
 */
export interface ListJobsRequest__Output {
  /**
   * 1..500, default 50.
   */
  'pageSize': (number);
  /**
   * From a previous response's next_page_token; empty for the first page.
   */
  'pageToken': (string);
}
