// Original file: tokengrid/job/v1/job.proto

import type { JobKind as _tokengrid_job_v1_JobKind, JobKind__Output as _tokengrid_job_v1_JobKind__Output } from '../../../tokengrid/job/v1/JobKind.js';
import type { Precision as _tokengrid_job_v1_Precision, Precision__Output as _tokengrid_job_v1_Precision__Output } from '../../../tokengrid/job/v1/Precision.js';
import type { Long } from '@grpc/proto-loader';

/**
 * JobSpec is what a tenant asks for.
 */
export interface JobSpec {
  /**
   * Required.
   */
  'kind'?: (_tokengrid_job_v1_JobKind);
  /**
   * Parameters of the dense model, e.g. 7000000000 for a 7B model. With
   * `tokens`, sizes the job; leave 0 when size_st is given.
   */
  'modelParams'?: (number | string | Long);
  /**
   * Tokens to process (> 0 when model_params is set).
   */
  'tokens'?: (number | string | Long);
  /**
   * The job's size in standard tokens (1 ST = 2×10^10 FLOPs), when not given
   * as model_params × tokens. Exactly one of the two ways must be used.
   */
  'sizeSt'?: (number | string | Long);
  /**
   * Whole devices the job needs on one node, 1..64. Default 1.
   */
  'devices'?: (number);
  /**
   * Software stacks the job's image supports (cuda, cann, neuware, dtk, ...).
   * Empty means any.
   */
  'softwareStacks'?: (string)[];
  /**
   * Where the job's users are (a demand origin such as "shanghai"); required
   * with max_latency_ms.
   */
  'origin'?: (string);
  /**
   * Round-trip latency bound from origin to the node, in ms, 0 = none. At most 1000.
   */
  'maxLatencyMs'?: (number);
  /**
   * Clusters the job may run in (residency); empty means any.
   */
  'allowedClusters'?: (string)[];
  /**
   * Number format; unspecified means BF16.
   */
  'precision'?: (_tokengrid_job_v1_Precision);
}

/**
 * JobSpec is what a tenant asks for.
 */
export interface JobSpec__Output {
  /**
   * Required.
   */
  'kind': (_tokengrid_job_v1_JobKind__Output);
  /**
   * Parameters of the dense model, e.g. 7000000000 for a 7B model. With
   * `tokens`, sizes the job; leave 0 when size_st is given.
   */
  'modelParams': (string);
  /**
   * Tokens to process (> 0 when model_params is set).
   */
  'tokens': (string);
  /**
   * The job's size in standard tokens (1 ST = 2×10^10 FLOPs), when not given
   * as model_params × tokens. Exactly one of the two ways must be used.
   */
  'sizeSt': (string);
  /**
   * Whole devices the job needs on one node, 1..64. Default 1.
   */
  'devices': (number);
  /**
   * Software stacks the job's image supports (cuda, cann, neuware, dtk, ...).
   * Empty means any.
   */
  'softwareStacks': (string)[];
  /**
   * Where the job's users are (a demand origin such as "shanghai"); required
   * with max_latency_ms.
   */
  'origin': (string);
  /**
   * Round-trip latency bound from origin to the node, in ms, 0 = none. At most 1000.
   */
  'maxLatencyMs': (number);
  /**
   * Clusters the job may run in (residency); empty means any.
   */
  'allowedClusters': (string)[];
  /**
   * Number format; unspecified means BF16.
   */
  'precision': (_tokengrid_job_v1_Precision__Output);
}
