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
  /**
   * Tokens the workload reported processing in this run (its progress file's last line).
   */
  'reportedTokens'?: (number | string | Long);
  /**
   * Tokens at the workload's last checkpoint in this run (its checkpoint file's last line), counted from the start of the job.
   */
  'checkpointTokens'?: (number | string | Long);
  /**
   * The program's exit code, when it ended by itself (SUCCEEDED or FAILED).
   */
  'exitCode'?: (number);
  /**
   * The attempt this status is about (Assignment.attempt); 0 from agents before 0.2.
   */
  'attempt'?: (number);
  /**
   * Work this run had done, mST, when the workload reported its last
   * checkpoint: what a next attempt keeps.
   */
  'checkpointDoneMst'?: (number | string | Long);
  '_exitCode'?: "exitCode";
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
  /**
   * Tokens the workload reported processing in this run (its progress file's last line).
   */
  'reportedTokens': (string);
  /**
   * Tokens at the workload's last checkpoint in this run (its checkpoint file's last line), counted from the start of the job.
   */
  'checkpointTokens': (string);
  /**
   * The program's exit code, when it ended by itself (SUCCEEDED or FAILED).
   */
  'exitCode'?: (number);
  /**
   * The attempt this status is about (Assignment.attempt); 0 from agents before 0.2.
   */
  'attempt': (number);
  /**
   * Work this run had done, mST, when the workload reported its last
   * checkpoint: what a next attempt keeps.
   */
  'checkpointDoneMst': (string);
  '_exitCode'?: "exitCode";
}
