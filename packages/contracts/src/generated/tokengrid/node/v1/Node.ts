// Original file: tokengrid/node/v1/node.proto

import type { Accelerator as _tokengrid_node_v1_Accelerator, Accelerator__Output as _tokengrid_node_v1_Accelerator__Output } from '../../../tokengrid/node/v1/Accelerator.js';
import type { EnergyProfile as _tokengrid_node_v1_EnergyProfile, EnergyProfile__Output as _tokengrid_node_v1_EnergyProfile__Output } from '../../../tokengrid/node/v1/EnergyProfile.js';
import type { NodeState as _tokengrid_node_v1_NodeState, NodeState__Output as _tokengrid_node_v1_NodeState__Output } from '../../../tokengrid/node/v1/NodeState.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';

/**
 * Node is a node as the broker knows it.
 */
export interface Node {
  'nodeId'?: (string);
  'operatorId'?: (string);
  'cluster'?: (string);
  /**
   * "east" or "west".
   */
  'region'?: (string);
  'accelerators'?: (_tokengrid_node_v1_Accelerator)[];
  'energy'?: (_tokengrid_node_v1_EnergyProfile | null);
  'state'?: (_tokengrid_node_v1_NodeState);
  'totalDevices'?: (number);
  'freeDevices'?: (number);
  'lastHeartbeatTime'?: (_google_protobuf_Timestamp | null);
  /**
   * Jobs the node is running now.
   */
  'runningJobIds'?: (string)[];
}

/**
 * Node is a node as the broker knows it.
 */
export interface Node__Output {
  'nodeId': (string);
  'operatorId': (string);
  'cluster': (string);
  /**
   * "east" or "west".
   */
  'region': (string);
  'accelerators': (_tokengrid_node_v1_Accelerator__Output)[];
  'energy': (_tokengrid_node_v1_EnergyProfile__Output | null);
  'state': (_tokengrid_node_v1_NodeState__Output);
  'totalDevices': (number);
  'freeDevices': (number);
  'lastHeartbeatTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * Jobs the node is running now.
   */
  'runningJobIds': (string)[];
}
