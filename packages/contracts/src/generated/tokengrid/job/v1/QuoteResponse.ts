// Original file: tokengrid/job/v1/job.proto

import type { QuoteOption as _tokengrid_job_v1_QuoteOption, QuoteOption__Output as _tokengrid_job_v1_QuoteOption__Output } from '../../../tokengrid/job/v1/QuoteOption.js';
import type { QuoteExclusion as _tokengrid_job_v1_QuoteExclusion, QuoteExclusion__Output as _tokengrid_job_v1_QuoteExclusion__Output } from '../../../tokengrid/job/v1/QuoteExclusion.js';
import type { Long } from '@grpc/proto-loader';

/**
 * QuoteResponse ranks the options, best first.
 */
export interface QuoteResponse {
  /**
   * The job's size in mST.
   */
  'sizeMst'?: (number | string | Long);
  'options'?: (_tokengrid_job_v1_QuoteOption)[];
  'exclusions'?: (_tokengrid_job_v1_QuoteExclusion)[];
}

/**
 * QuoteResponse ranks the options, best first.
 */
export interface QuoteResponse__Output {
  /**
   * The job's size in mST.
   */
  'sizeMst': (string);
  'options': (_tokengrid_job_v1_QuoteOption__Output)[];
  'exclusions': (_tokengrid_job_v1_QuoteExclusion__Output)[];
}
