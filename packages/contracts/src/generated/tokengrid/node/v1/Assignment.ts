// Original file: tokengrid/node/v1/node.proto

import type { JobKind as _tokengrid_job_v1_JobKind, JobKind__Output as _tokengrid_job_v1_JobKind__Output } from '../../../tokengrid/job/v1/JobKind.js';
import type { Precision as _tokengrid_job_v1_Precision, Precision__Output as _tokengrid_job_v1_Precision__Output } from '../../../tokengrid/job/v1/Precision.js';
import type { DeviceSlice as _tokengrid_job_v1_DeviceSlice, DeviceSlice__Output as _tokengrid_job_v1_DeviceSlice__Output } from '../../../tokengrid/job/v1/DeviceSlice.js';
import type { Rendezvous as _tokengrid_node_v1_Rendezvous, Rendezvous__Output as _tokengrid_node_v1_Rendezvous__Output } from '../../../tokengrid/node/v1/Rendezvous.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Assignment gives the node a job to run.
 */
export interface Assignment {
  'jobId'?: (string);
  'tenantId'?: (string);
  'kind'?: (_tokengrid_job_v1_JobKind);
  /**
   * Work to do, in mST.
   */
  'sizeMst'?: (number | string | Long);
  /**
   * Indices of the node's devices the job may use.
   */
  'deviceIndices'?: (number)[];
  /**
   * W3C trace context (traceparent, tracestate) of the decision.
   */
  'traceContext'?: ({[key: string]: string});
  'precision'?: (_tokengrid_job_v1_Precision);
  /**
   * Which replica of the job this is (0-based); one node may run several.
   */
  'replica'?: (number);
  /**
   * Set when the replica gets a share of one device (device_indices has one entry).
   */
  'slice'?: (_tokengrid_job_v1_DeviceSlice | null);
  /**
   * 1 for the job's first placement, 2 after it was requeued and placed again, ...
   */
  'attempt'?: (number);
  /**
   * The fencing epoch of the broker that sent it: brokers take the lead in
   * turn, each with a higher epoch, and a node refuses orders from a lower
   * epoch than one it has seen (a deposed leader's).
   */
  'epoch'?: (number | string | Long);
  /**
   * The program to run (JobSpec.command); empty for a size-only job.
   */
  'command'?: (string)[];
  /**
   * The job's own environment variables (JobSpec.env).
   */
  'env'?: ({[key: string]: string});
  /**
   * Most wall time this run may take, ms; 0 = none.
   */
  'timeLimitMs'?: (number | string | Long);
  /**
   * Set for a job of several replicas: where they find each other.
   */
  'rendezvous'?: (_tokengrid_node_v1_Rendezvous | null);
  /**
   * Tokens the job kept from earlier attempts (its last checkpoint): the
   * workload resumes from here (TOKENGRID_RESUME_TOKENS).
   */
  'resumeTokens'?: (number | string | Long);
}

/**
 * Assignment gives the node a job to run.
 */
export interface Assignment__Output {
  'jobId': (string);
  'tenantId': (string);
  'kind': (_tokengrid_job_v1_JobKind__Output);
  /**
   * Work to do, in mST.
   */
  'sizeMst': (string);
  /**
   * Indices of the node's devices the job may use.
   */
  'deviceIndices': (number)[];
  /**
   * W3C trace context (traceparent, tracestate) of the decision.
   */
  'traceContext': ({[key: string]: string});
  'precision': (_tokengrid_job_v1_Precision__Output);
  /**
   * Which replica of the job this is (0-based); one node may run several.
   */
  'replica': (number);
  /**
   * Set when the replica gets a share of one device (device_indices has one entry).
   */
  'slice': (_tokengrid_job_v1_DeviceSlice__Output | null);
  /**
   * 1 for the job's first placement, 2 after it was requeued and placed again, ...
   */
  'attempt': (number);
  /**
   * The fencing epoch of the broker that sent it: brokers take the lead in
   * turn, each with a higher epoch, and a node refuses orders from a lower
   * epoch than one it has seen (a deposed leader's).
   */
  'epoch': (string);
  /**
   * The program to run (JobSpec.command); empty for a size-only job.
   */
  'command': (string)[];
  /**
   * The job's own environment variables (JobSpec.env).
   */
  'env': ({[key: string]: string});
  /**
   * Most wall time this run may take, ms; 0 = none.
   */
  'timeLimitMs': (string);
  /**
   * Set for a job of several replicas: where they find each other.
   */
  'rendezvous': (_tokengrid_node_v1_Rendezvous__Output | null);
  /**
   * Tokens the job kept from earlier attempts (its last checkpoint): the
   * workload resumes from here (TOKENGRID_RESUME_TOKENS).
   */
  'resumeTokens': (string);
}
