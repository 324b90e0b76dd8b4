// Original file: tokengrid/job/v1/job.proto

import type { JobState as _tokengrid_job_v1_JobState, JobState__Output as _tokengrid_job_v1_JobState__Output } from '../../../tokengrid/job/v1/JobState.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';

/**
 * JobTransition is one state change in a job's life.
 */
export interface JobTransition {
  'state'?: (_tokengrid_job_v1_JobState);
  'time'?: (_google_protobuf_Timestamp | null);
  /**
   * Why, in words a tenant can act on.
   */
  'message'?: (string);
}

/**
 * JobTransition is one state change in a job's life.
 */
export interface JobTransition__Output {
  'state': (_tokengrid_job_v1_JobState__Output);
  'time': (_google_protobuf_Timestamp__Output | null);
  /**
   * Why, in words a tenant can act on.
   */
  'message': (string);
}
