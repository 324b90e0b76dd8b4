// Original file: tokengrid/events/v1/events.proto

import type { JobKind as _tokengrid_job_v1_JobKind, JobKind__Output as _tokengrid_job_v1_JobKind__Output } from '../../../tokengrid/job/v1/JobKind.js';
import type { JobState as _tokengrid_job_v1_JobState, JobState__Output as _tokengrid_job_v1_JobState__Output } from '../../../tokengrid/job/v1/JobState.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';
import type { ReplicaPlacement as _tokengrid_events_v1_ReplicaPlacement, ReplicaPlacement__Output as _tokengrid_events_v1_ReplicaPlacement__Output } from '../../../tokengrid/events/v1/ReplicaPlacement.js';
import type { Precision as _tokengrid_job_v1_Precision, Precision__Output as _tokengrid_job_v1_Precision__Output } from '../../../tokengrid/job/v1/Precision.js';
import type { Long } from '@grpc/proto-loader';

/**
 * JobEvent is a change in a job's life, published by the broker.
 */
export interface JobEvent {
  /**
   * Unique and stable across retries: "<job_id>:<transition index>".
   */
  'eventId'?: (string);
  'jobId'?: (string);
  'tenantId'?: (string);
  'kind'?: (_tokengrid_job_v1_JobKind);
  'state'?: (_tokengrid_job_v1_JobState);
  'time'?: (_google_protobuf_Timestamp | null);
  'nodeId'?: (string);
  'cluster'?: (string);
  /**
   * The job's size in mST.
   */
  'sizeMst'?: (number | string | Long);
  'message'?: (string);
  /**
   * On a placement (state SCHEDULED): which placement of the job this is, and
   * where each replica runs. Settlement pays usage only from these nodes.
   */
  'attempt'?: (number);
  'replicas'?: (_tokengrid_events_v1_ReplicaPlacement)[];
  /**
   * On a placement: the number format the job runs in (its kind is `kind`).
   * With the node's registration they set what the placement's usage is worth;
   * usage events that claim another kind or precision are not paid.
   */
  'precision'?: (_tokengrid_job_v1_Precision);
  /**
   * On a final event (SUCCEEDED, FAILED, CANCELLED): the work the job's record
   * kept, in mST (its reported progress, with any checkpoint of an earlier
   * placement), at most its size. The tenant pays this much and no more: what
   * it was charged beyond it is the platform's loss (docs/ledger.md).
   */
  'keptMst'?: (number | string | Long);
  /**
   * On a final event: the work the workload itself reported (its tokens at
   * the job's model size, mST; 0 when it reported none or the job gives no
   * model_params), and the tokens it reported. Against kept_mst, the job's
   * achieved utilisation (analytics.achieved_utilisation).
   */
  'reportedMst'?: (number | string | Long);
  'reportedTokens'?: (number | string | Long);
  '_keptMst'?: "keptMst";
  '_reportedMst'?: "reportedMst";
  '_reportedTokens'?: "reportedTokens";
}

/**
 * JobEvent is a change in a job's life, published by the broker.
 */
export interface JobEvent__Output {
  /**
   * Unique and stable across retries: "<job_id>:<transition index>".
   */
  'eventId': (string);
  'jobId': (string);
  'tenantId': (string);
  'kind': (_tokengrid_job_v1_JobKind__Output);
  'state': (_tokengrid_job_v1_JobState__Output);
  'time': (_google_protobuf_Timestamp__Output | null);
  'nodeId': (string);
  'cluster': (string);
  /**
   * The job's size in mST.
   */
  'sizeMst': (string);
  'message': (string);
  /**
   * On a placement (state SCHEDULED): which placement of the job this is, and
   * where each replica runs. Settlement pays usage only from these nodes.
   */
  'attempt': (number);
  'replicas': (_tokengrid_events_v1_ReplicaPlacement__Output)[];
  /**
   * On a placement: the number format the job runs in (its kind is `kind`).
   * With the node's registration they set what the placement's usage is worth;
   * usage events that claim another kind or precision are not paid.
   */
  'precision': (_tokengrid_job_v1_Precision__Output);
  /**
   * On a final event (SUCCEEDED, FAILED, CANCELLED): the work the job's record
   * kept, in mST (its reported progress, with any checkpoint of an earlier
   * placement), at most its size. The tenant pays this much and no more: what
   * it was charged beyond it is the platform's loss (docs/ledger.md).
   */
  'keptMst'?: (string);
  /**
   * On a final event: the work the workload itself reported (its tokens at
   * the job's model size, mST; 0 when it reported none or the job gives no
   * model_params), and the tokens it reported. Against kept_mst, the job's
   * achieved utilisation (analytics.achieved_utilisation).
   */
  'reportedMst'?: (string);
  'reportedTokens'?: (string);
  '_keptMst'?: "keptMst";
  '_reportedMst'?: "reportedMst";
  '_reportedTokens'?: "reportedTokens";
}
