// Original file: tokengrid/node/v1/node.proto

import type { Assignment as _tokengrid_node_v1_Assignment, Assignment__Output as _tokengrid_node_v1_Assignment__Output } from '../../../tokengrid/node/v1/Assignment.js';
import type { Cancel as _tokengrid_node_v1_Cancel, Cancel__Output as _tokengrid_node_v1_Cancel__Output } from '../../../tokengrid/node/v1/Cancel.js';
import type { Lease as _tokengrid_node_v1_Lease, Lease__Output as _tokengrid_node_v1_Lease__Output } from '../../../tokengrid/node/v1/Lease.js';

/**
 * ConnectResponse is one message down the stream.
 */
export interface ConnectResponse {
  'assignment'?: (_tokengrid_node_v1_Assignment | null);
  'cancel'?: (_tokengrid_node_v1_Cancel | null);
  'lease'?: (_tokengrid_node_v1_Lease | null);
  'message'?: "assignment"|"cancel"|"lease";
}

/**
 * ConnectResponse is one message down the stream.
 */
export interface ConnectResponse__Output {
  'assignment'?: (_tokengrid_node_v1_Assignment__Output | null);
  'cancel'?: (_tokengrid_node_v1_Cancel__Output | null);
  'lease'?: (_tokengrid_node_v1_Lease__Output | null);
  'message'?: "assignment"|"cancel"|"lease";
}
