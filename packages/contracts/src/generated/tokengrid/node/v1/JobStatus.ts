// Original file: tokengrid/node/v1/node.proto

import type { JobRunState as _tokengrid_node_v1_JobRunState, JobRunState__Output as _tokengrid_node_v1_JobRunState__Output } from '../../../tokengrid/node/v1/JobRunState.js';
import type { Long } from '@grpc/proto-loader';

/**
 * JobStatus reports progress or the end of a job's replica.
 */
export interface JobStatus {
  'jobId'?: (string);
  'state'?: (_tokengrid_node_v1_JobRunState);
  /**
   * Work done so far by this replica, in mST.
   */
  'doneMst'?: (number | string | Long);
  'message'?: (string);
  'replica'?: (number);
}

/**
 * JobStatus reports progress or the end of a job's replica.
 */
export interface JobStatus__Output {
  'jobId': (string);
  'state': (_tokengrid_node_v1_JobRunState__Output);
  /**
   * Work done so far by this replica, in mST.
   */
  'doneMst': (string);
  'message': (string);
  'replica': (number);
}
