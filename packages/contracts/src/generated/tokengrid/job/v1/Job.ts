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
  /**
   * Tokens the workload reported processing (a line to
   * TOKENGRID_PROGRESS_FILE), over every replica, this attempt and the
   * checkpoint it resumed from; 0 when it reports none.
   */
  'reportedTokens'?: (number | string | Long);
  /**
   * Tokens of the last checkpoint the workload reported
   * (TOKENGRID_CHECKPOINT_FILE); its next attempt resumes from here.
   */
  'checkpointTokens'?: (number | string | Long);
  /**
   * The work the workload reported, in mST at the job's model size
   * (reported_tokens × the ST per token of model_params); 0 when the job
   * gives no model_params or the workload reports nothing.
   */
  'reportedMst'?: (number | string | Long);
  /**
   * reported_mst ÷ done_mst: the share of the devices' time the workload
   * turned into work, 0..1 (above 1 only if the workload over-reports);
   * 0 when unknown.
   */
  'utilisation'?: (number | string);
  /**
   * The program's exit code once it has ended by itself; unset while it runs,
   * for a job with no command, or when it was ended by a signal.
   */
  'exitCode'?: (number);
  '_exitCode'?: "exitCode";
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
  /**
   * Tokens the workload reported processing (a line to
   * TOKENGRID_PROGRESS_FILE), over every replica, this attempt and the
   * checkpoint it resumed from; 0 when it reports none.
   */
  'reportedTokens': (string);
  /**
   * Tokens of the last checkpoint the workload reported
   * (TOKENGRID_CHECKPOINT_FILE); its next attempt resumes from here.
   */
  'checkpointTokens': (string);
  /**
   * The work the workload reported, in mST at the job's model size
   * (reported_tokens × the ST per token of model_params); 0 when the job
   * gives no model_params or the workload reports nothing.
   */
  'reportedMst': (string);
  /**
   * reported_mst ÷ done_mst: the share of the devices' time the workload
   * turned into work, 0..1 (above 1 only if the workload over-reports);
   * 0 when unknown.
   */
  'utilisation': (number);
  /**
   * The program's exit code once it has ended by itself; unset while it runs,
   * for a job with no command, or when it was ended by a signal.
   */
  'exitCode'?: (number);
  '_exitCode'?: "exitCode";
}
