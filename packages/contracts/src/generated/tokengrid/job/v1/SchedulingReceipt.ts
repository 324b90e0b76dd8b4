// Original file: tokengrid/job/v1/job.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';
import type { FilterResult as _tokengrid_job_v1_FilterResult, FilterResult__Output as _tokengrid_job_v1_FilterResult__Output } from '../../../tokengrid/job/v1/FilterResult.js';
import type { ScheduleCandidate as _tokengrid_job_v1_ScheduleCandidate, ScheduleCandidate__Output as _tokengrid_job_v1_ScheduleCandidate__Output } from '../../../tokengrid/job/v1/ScheduleCandidate.js';
import type { Long } from '@grpc/proto-loader';

/**
 * SchedulingReceipt is the record of the last placement decision for a job.
 */
export interface SchedulingReceipt {
  'time'?: (_google_protobuf_Timestamp | null);
  /**
   * The scheduling profile used.
   */
  'profile'?: (string);
  /**
   * Nodes the broker knew at the time.
   */
  'nodesConsidered'?: (number | string | Long);
  'filters'?: (_tokengrid_job_v1_FilterResult)[];
  'chosen'?: (_tokengrid_job_v1_ScheduleCandidate | null);
  'runnersUp'?: (_tokengrid_job_v1_ScheduleCandidate)[];
  /**
   * In words: where it went and why, or why it waits.
   */
  'summary'?: (string);
  /**
   * Jobs stopped to make room for this one.
   */
  'preemptedJobIds'?: (string)[];
  /**
   * Set when the job waits for a later hour.
   */
  'waitUntil'?: (_google_protobuf_Timestamp | null);
}

/**
 * SchedulingReceipt is the record of the last placement decision for a job.
 */
export interface SchedulingReceipt__Output {
  'time': (_google_protobuf_Timestamp__Output | null);
  /**
   * The scheduling profile used.
   */
  'profile': (string);
  /**
   * Nodes the broker knew at the time.
   */
  'nodesConsidered': (string);
  'filters': (_tokengrid_job_v1_FilterResult__Output)[];
  'chosen': (_tokengrid_job_v1_ScheduleCandidate__Output | null);
  'runnersUp': (_tokengrid_job_v1_ScheduleCandidate__Output)[];
  /**
   * In words: where it went and why, or why it waits.
   */
  'summary': (string);
  /**
   * Jobs stopped to make room for this one.
   */
  'preemptedJobIds': (string)[];
  /**
   * Set when the job waits for a later hour.
   */
  'waitUntil': (_google_protobuf_Timestamp__Output | null);
}
