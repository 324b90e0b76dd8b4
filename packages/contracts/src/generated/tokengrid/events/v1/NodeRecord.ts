// Original file: tokengrid/events/v1/events.proto

import type { Accelerator as _tokengrid_node_v1_Accelerator, Accelerator__Output as _tokengrid_node_v1_Accelerator__Output } from '../../../tokengrid/node/v1/Accelerator.js';
import type { EnergyProfile as _tokengrid_node_v1_EnergyProfile, EnergyProfile__Output as _tokengrid_node_v1_EnergyProfile__Output } from '../../../tokengrid/node/v1/EnergyProfile.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';

/**
 * NodeRecord is a node's registration as the broker accepted it, kept in the
 * node registry (JetStream KV bucket "<namespace>_nodes", key "node.<node_id>").
 * Settlement prices a node's usage with its figures.
 */
export interface NodeRecord {
  'nodeId'?: (string);
  'operatorId'?: (string);
  'cluster'?: (string);
  'accelerators'?: (_tokengrid_node_v1_Accelerator)[];
  /**
   * The node's own energy figures; a field left 0 takes the cluster's value.
   */
  'energy'?: (_tokengrid_node_v1_EnergyProfile | null);
  'registeredTime'?: (_google_protobuf_Timestamp | null);
  /**
   * Simulated seconds per wall second (RegisterRequest.time_scale); 0 or 1 for real hardware.
   */
  'timeScale'?: (number | string);
}

/**
 * NodeRecord is a node's registration as the broker accepted it, kept in the
 * node registry (JetStream KV bucket "<namespace>_nodes", key "node.<node_id>").
 * Settlement prices a node's usage with its figures.
 */
export interface NodeRecord__Output {
  'nodeId': (string);
  'operatorId': (string);
  'cluster': (string);
  'accelerators': (_tokengrid_node_v1_Accelerator__Output)[];
  /**
   * The node's own energy figures; a field left 0 takes the cluster's value.
   */
  'energy': (_tokengrid_node_v1_EnergyProfile__Output | null);
  'registeredTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * Simulated seconds per wall second (RegisterRequest.time_scale); 0 or 1 for real hardware.
   */
  'timeScale': (number);
}
