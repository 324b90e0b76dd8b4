// Original file: tokengrid/job/v1/job.proto

import type { JobSpec as _tokengrid_job_v1_JobSpec, JobSpec__Output as _tokengrid_job_v1_JobSpec__Output } from '../../../tokengrid/job/v1/JobSpec.js';
import type { JobState as _tokengrid_job_v1_JobState, JobState__Output as _tokengrid_job_v1_JobState__Output } from '../../../tokengrid/job/v1/JobState.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';
import type { JobTransition as _tokengrid_job_v1_JobTransition, JobTransition__Output as _tokengrid_job_v1_JobTransition__Output } from '../../../tokengrid/job/v1/JobTransition.js';
import type { SchedulingReceipt as _tokengrid_job_v1_SchedulingReceipt, SchedulingReceipt__Output as _tokengrid_job_v1_SchedulingReceipt__Output } from '../../../tokengrid/job/v1/SchedulingReceipt.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Job is a job as the broker knows it.
 */
export interface Job {
  'jobId'?: (string);
  'tenantId'?: (string);
  'spec'?: (_tokengrid_job_v1_JobSpec | null);
  'state'?: (_tokengrid_job_v1_JobState);
  /**
   * The job's size in milli-standard-tokens (1 ST = 1000 mST).
   */
  'sizeMst'?: (number | string | Long);
  /**
   * Work done so far as reported by the node, in mST.
   */
  'doneMst'?: (number | string | Long);
  /**
   * Where it runs (empty until scheduled).
   */
  'nodeId'?: (string);
  'cluster'?: (string);
  /**
   * "east" or "west".
   */
  'region'?: (string);
  'createTime'?: (_google_protobuf_Timestamp | null);
  'updateTime'?: (_google_protobuf_Timestamp | null);
  /**
   * Why the job is in its state (pending reason, failure cause).
   */
  'message'?: (string);
  /**
   * Every state the job has been in, oldest first.
   */
  'transitions'?: (_tokengrid_job_v1_JobTransition)[];
  'requestId'?: (string);
  /**
   * The last placement decision: filters, scores, the runners-up.
   */
  'receipt'?: (_tokengrid_job_v1_SchedulingReceipt | null);
  /**
   * Every node the job runs on (several for a gang).
   */
  'nodeIds'?: (string)[];
}

/**
 * Job is a job as the broker knows it.
 */
export interface Job__Output {
  'jobId': (string);
  'tenantId': (string);
  'spec': (_tokengrid_job_v1_JobSpec__Output | null);
  'state': (_tokengrid_job_v1_JobState__Output);
  /**
   * The job's size in milli-standard-tokens (1 ST = 1000 mST).
   */
  'sizeMst': (string);
  /**
   * Work done so far as reported by the node, in mST.
   */
  'doneMst': (string);
  /**
   * Where it runs (empty until scheduled).
   */
  'nodeId': (string);
  'cluster': (string);
  /**
   * "east" or "west".
   */
  'region': (string);
  'createTime': (_google_protobuf_Timestamp__Output | null);
  'updateTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * Why the job is in its state (pending reason, failure cause).
   */
  'message': (string);
  /**
   * Every state the job has been in, oldest first.
   */
  'transitions': (_tokengrid_job_v1_JobTransition__Output)[];
  'requestId': (string);
  /**
   * The last placement decision: filters, scores, the runners-up.
   */
  'receipt': (_tokengrid_job_v1_SchedulingReceipt__Output | null);
  /**
   * Every node the job runs on (several for a gang).
   */
  'nodeIds': (string)[];
}
