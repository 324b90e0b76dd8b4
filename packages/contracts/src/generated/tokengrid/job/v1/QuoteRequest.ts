// Original file: tokengrid/job/v1/job.proto

import type { JobSpec as _tokengrid_job_v1_JobSpec, JobSpec__Output as _tokengrid_job_v1_JobSpec__Output } from '../../../tokengrid/job/v1/JobSpec.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';

/**
 * QuoteRequest describes a job to price.
 */
export interface QuoteRequest {
  /**
   * Required; validated as for SubmitJob.
   */
  'spec'?: (_tokengrid_job_v1_JobSpec | null);
  /**
   * Earliest start to price from; unset means now.
   */
  'startTime'?: (_google_protobuf_Timestamp | null);
  /**
   * Most options to return, 1..100; default 10.
   */
  'maxOptions'?: (number);
}

/**
 * QuoteRequest describes a job to price.
 */
export interface QuoteRequest__Output {
  /**
   * Required; validated as for SubmitJob.
   */
  'spec': (_tokengrid_job_v1_JobSpec__Output | null);
  /**
   * Earliest start to price from; unset means now.
   */
  'startTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * Most options to return, 1..100; default 10.
   */
  'maxOptions': (number);
}
