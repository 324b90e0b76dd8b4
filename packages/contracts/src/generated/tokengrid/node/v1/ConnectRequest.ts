// Original file: tokengrid/node/v1/node.proto

import type { Hello as _tokengrid_node_v1_Hello, Hello__Output as _tokengrid_node_v1_Hello__Output } from '../../../tokengrid/node/v1/Hello.js';
import type { Heartbeat as _tokengrid_node_v1_Heartbeat, Heartbeat__Output as _tokengrid_node_v1_Heartbeat__Output } from '../../../tokengrid/node/v1/Heartbeat.js';
import type { JobStatus as _tokengrid_node_v1_JobStatus, JobStatus__Output as _tokengrid_node_v1_JobStatus__Output } from '../../../tokengrid/node/v1/JobStatus.js';

/**
 * ConnectRequest is one message up the stream.
 */
export interface ConnectRequest {
  'hello'?: (_tokengrid_node_v1_Hello | null);
  'heartbeat'?: (_tokengrid_node_v1_Heartbeat | null);
  'jobStatus'?: (_tokengrid_node_v1_JobStatus | null);
  'message'?: "hello"|"heartbeat"|"jobStatus";
}

/**
 * ConnectRequest is one message up the stream.
 */
export interface ConnectRequest__Output {
  'hello'?: (_tokengrid_node_v1_Hello__Output | null);
  'heartbeat'?: (_tokengrid_node_v1_Heartbeat__Output | null);
  'jobStatus'?: (_tokengrid_node_v1_JobStatus__Output | null);
  'message'?: "hello"|"heartbeat"|"jobStatus";
}
