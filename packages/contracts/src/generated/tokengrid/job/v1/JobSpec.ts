// Original file: tokengrid/job/v1/job.proto

import type { JobKind as _tokengrid_job_v1_JobKind, JobKind__Output as _tokengrid_job_v1_JobKind__Output } from '../../../tokengrid/job/v1/JobKind.js';
import type { Precision as _tokengrid_job_v1_Precision, Precision__Output as _tokengrid_job_v1_Precision__Output } from '../../../tokengrid/job/v1/Precision.js';
import type { DeviceSlice as _tokengrid_job_v1_DeviceSlice, DeviceSlice__Output as _tokengrid_job_v1_DeviceSlice__Output } from '../../../tokengrid/job/v1/DeviceSlice.js';
import type { PriorityClass as _tokengrid_job_v1_PriorityClass, PriorityClass__Output as _tokengrid_job_v1_PriorityClass__Output } from '../../../tokengrid/job/v1/PriorityClass.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';
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
  /**
   * Replicas placed together in one cluster, all or none (gang), 1..64.
   * Default 1. Each replica gets `devices` whole devices on one node, or `slice`.
   */
  'replicas'?: (number);
  /**
   * A share of one device per replica instead of whole devices (then devices must be 0 or 1).
   */
  'slice'?: (_tokengrid_job_v1_DeviceSlice | null);
  /**
   * Memory the model needs on each device, MB; 0 = not stated.
   */
  'memoryMbPerDevice'?: (number | string | Long);
  /**
   * Least renewable share of the power at the hour of running, 0..1; 0 = none.
   */
  'minGreenShare'?: (number | string);
  /**
   * Most the job may cost, yuan per million ST at the hour of running; 0 = no cap.
   */
  'maxPricePerMillionStYuan'?: (number | string);
  'priorityClass'?: (_tokengrid_job_v1_PriorityClass);
  /**
   * Latest end. Training and batch work with a deadline may wait for a cheaper
   * or greener hour; it never misses the deadline for it.
   */
  'deadline'?: (_google_protobuf_Timestamp | null);
  /**
   * The program each replica runs, as argv: argv[0] is looked up on the
   * node's PATH. 1..256 arguments, 64 KiB in all. Empty: the job is only a
   * size, run by a node's simulated executor (demos, benchmarks).
   */
  'command'?: (string)[];
  /**
   * Environment variables for the program, on top of the TOKENGRID_* ones
   * and the devices' visibility variables the node sets (which it may not
   * override). Names [A-Za-z_][A-Za-z0-9_]*, at most 128 of them, 64 KiB in all.
   */
  'env'?: ({[key: string]: string});
  /**
   * Most wall time one run of a replica may take, seconds, 1..2592000
   * (30 days); 0 = none. A job with a command needs size_st, or
   * model_params with tokens, or this: its budget is then derived from it.
   */
  'timeLimitSeconds'?: (number);
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
  /**
   * Replicas placed together in one cluster, all or none (gang), 1..64.
   * Default 1. Each replica gets `devices` whole devices on one node, or `slice`.
   */
  'replicas': (number);
  /**
   * A share of one device per replica instead of whole devices (then devices must be 0 or 1).
   */
  'slice': (_tokengrid_job_v1_DeviceSlice__Output | null);
  /**
   * Memory the model needs on each device, MB; 0 = not stated.
   */
  'memoryMbPerDevice': (string);
  /**
   * Least renewable share of the power at the hour of running, 0..1; 0 = none.
   */
  'minGreenShare': (number);
  /**
   * Most the job may cost, yuan per million ST at the hour of running; 0 = no cap.
   */
  'maxPricePerMillionStYuan': (number);
  'priorityClass': (_tokengrid_job_v1_PriorityClass__Output);
  /**
   * Latest end. Training and batch work with a deadline may wait for a cheaper
   * or greener hour; it never misses the deadline for it.
   */
  'deadline': (_google_protobuf_Timestamp__Output | null);
  /**
   * The program each replica runs, as argv: argv[0] is looked up on the
   * node's PATH. 1..256 arguments, 64 KiB in all. Empty: the job is only a
   * size, run by a node's simulated executor (demos, benchmarks).
   */
  'command': (string)[];
  /**
   * Environment variables for the program, on top of the TOKENGRID_* ones
   * and the devices' visibility variables the node sets (which it may not
   * override). Names [A-Za-z_][A-Za-z0-9_]*, at most 128 of them, 64 KiB in all.
   */
  'env': ({[key: string]: string});
  /**
   * Most wall time one run of a replica may take, seconds, 1..2592000
   * (30 days); 0 = none. A job with a command needs size_st, or
   * model_params with tokens, or this: its budget is then derived from it.
   */
  'timeLimitSeconds': (number);
}
