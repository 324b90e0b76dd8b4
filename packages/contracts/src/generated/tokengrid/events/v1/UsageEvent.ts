// Original file: tokengrid/events/v1/events.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';
import type { JobKind as _tokengrid_job_v1_JobKind, JobKind__Output as _tokengrid_job_v1_JobKind__Output } from '../../../tokengrid/job/v1/JobKind.js';
import type { Precision as _tokengrid_job_v1_Precision, Precision__Output as _tokengrid_job_v1_Precision__Output } from '../../../tokengrid/job/v1/Precision.js';
import type { Long } from '@grpc/proto-loader';

/**
 * UsageEvent is work a node metered for one job over one period, published by
 * the node's agent on JetStream inside a UsageBatch.
 */
export interface UsageEvent {
  /**
   * Unique and stable across retries: "<job_id>#<replica>.<attempt>:<node_id>:<seq>".
   */
  'eventId'?: (string);
  'jobId'?: (string);
  'tenantId'?: (string);
  'nodeId'?: (string);
  'operatorId'?: (string);
  'cluster'?: (string);
  /**
   * Catalogue id of the device that did the work.
   */
  'deviceModel'?: (string);
  'deviceCount'?: (number);
  /**
   * Work done in the period, in mST (1 ST = 1000 mST); >= 0.
   */
  'amountMst'?: (number | string | Long);
  /**
   * 1, 2, 3, ... per job and node.
   */
  'seq'?: (number);
  'periodStartTime'?: (_google_protobuf_Timestamp | null);
  'periodEndTime'?: (_google_protobuf_Timestamp | null);
  /**
   * True on the replica's last usage event from this node.
   */
  'final'?: (boolean);
  /**
   * Which replica of the job did the work.
   */
  'replica'?: (number);
  /**
   * Which placement of the job (1, 2, ... when it was requeued and placed again).
   */
  'attempt'?: (number);
  /**
   * What kind of work and in which number format: they set the device's
   * speed, hence what an ST costs the operator.
   */
  'kind'?: (_tokengrid_job_v1_JobKind);
  'precision'?: (_tokengrid_job_v1_Precision);
}

/**
 * UsageEvent is work a node metered for one job over one period, published by
 * the node's agent on JetStream inside a UsageBatch.
 */
export interface UsageEvent__Output {
  /**
   * Unique and stable across retries: "<job_id>#<replica>.<attempt>:<node_id>:<seq>".
   */
  'eventId': (string);
  'jobId': (string);
  'tenantId': (string);
  'nodeId': (string);
  'operatorId': (string);
  'cluster': (string);
  /**
   * Catalogue id of the device that did the work.
   */
  'deviceModel': (string);
  'deviceCount': (number);
  /**
   * Work done in the period, in mST (1 ST = 1000 mST); >= 0.
   */
  'amountMst': (string);
  /**
   * 1, 2, 3, ... per job and node.
   */
  'seq': (number);
  'periodStartTime': (_google_protobuf_Timestamp__Output | null);
  'periodEndTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * True on the replica's last usage event from this node.
   */
  'final': (boolean);
  /**
   * Which replica of the job did the work.
   */
  'replica': (number);
  /**
   * Which placement of the job (1, 2, ... when it was requeued and placed again).
   */
  'attempt': (number);
  /**
   * What kind of work and in which number format: they set the device's
   * speed, hence what an ST costs the operator.
   */
  'kind': (_tokengrid_job_v1_JobKind__Output);
  'precision': (_tokengrid_job_v1_Precision__Output);
}
