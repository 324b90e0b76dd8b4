// Original file: tokengrid/node/v1/node.proto

import type { Accelerator as _tokengrid_node_v1_Accelerator, Accelerator__Output as _tokengrid_node_v1_Accelerator__Output } from '../../../tokengrid/node/v1/Accelerator.js';
import type { EnergyProfile as _tokengrid_node_v1_EnergyProfile, EnergyProfile__Output as _tokengrid_node_v1_EnergyProfile__Output } from '../../../tokengrid/node/v1/EnergyProfile.js';

/**
 * RegisterRequest describes the node.
 */
export interface RegisterRequest {
  /**
   * 1..64 characters: letters, digits, '-', '_', '.'.
   */
  'nodeId'?: (string);
  'operatorId'?: (string);
  /**
   * One of the national clusters, e.g. "horinger", "yangtze-delta".
   */
  'cluster'?: (string);
  /**
   * At least one.
   */
  'accelerators'?: (_tokengrid_node_v1_Accelerator)[];
  'energy'?: (_tokengrid_node_v1_EnergyProfile | null);
  'agentVersion'?: (string);
  /**
   * Simulated seconds per wall second, for a node whose executor simulates
   * the work (demos, tests); 0 for real hardware. Settlement's physical bound
   * scales with it, so a broker takes a node that declares more than 1 only
   * when it allows simulated nodes (ALLOW_SIMULATED_NODES).
   */
  'timeScale'?: (number | string);
  /**
   * How the node runs work: "process" runs a job's command, "simulated"
   * works a size-only job at the modelled speed. Empty means ["simulated"]
   * (agents before 0.2).
   */
  'executors'?: (string)[];
  /**
   * Host name or IP address other nodes reach this one at (a gang's rank 0
   * is its replicas' MASTER_ADDR); empty: the node id.
   */
  'address'?: (string);
  /**
   * How long its jobs may take to stop once asked (SIGTERM, then SIGKILL
   * after this), ms, at most 3600000: the broker moves a lost node's jobs only
   * this much after its lease has run out, so that no job runs twice at once.
   */
  'stopGraceMs'?: (number);
}

/**
 * RegisterRequest describes the node.
 */
export interface RegisterRequest__Output {
  /**
   * 1..64 characters: letters, digits, '-', '_', '.'.
   */
  'nodeId': (string);
  'operatorId': (string);
  /**
   * One of the national clusters, e.g. "horinger", "yangtze-delta".
   */
  'cluster': (string);
  /**
   * At least one.
   */
  'accelerators': (_tokengrid_node_v1_Accelerator__Output)[];
  'energy': (_tokengrid_node_v1_EnergyProfile__Output | null);
  'agentVersion': (string);
  /**
   * Simulated seconds per wall second, for a node whose executor simulates
   * the work (demos, tests); 0 for real hardware. Settlement's physical bound
   * scales with it, so a broker takes a node that declares more than 1 only
   * when it allows simulated nodes (ALLOW_SIMULATED_NODES).
   */
  'timeScale': (number);
  /**
   * How the node runs work: "process" runs a job's command, "simulated"
   * works a size-only job at the modelled speed. Empty means ["simulated"]
   * (agents before 0.2).
   */
  'executors': (string)[];
  /**
   * Host name or IP address other nodes reach this one at (a gang's rank 0
   * is its replicas' MASTER_ADDR); empty: the node id.
   */
  'address': (string);
  /**
   * How long its jobs may take to stop once asked (SIGTERM, then SIGKILL
   * after this), ms, at most 3600000: the broker moves a lost node's jobs only
   * this much after its lease has run out, so that no job runs twice at once.
   */
  'stopGraceMs': (number);
}
