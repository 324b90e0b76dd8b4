// Original file: tokengrid/events/v1/events.proto


/**
 * ReplicaPlacement is where one replica of a placed job runs.
 */
export interface ReplicaPlacement {
  'replica'?: (number);
  'nodeId'?: (string);
  /**
   * Devices it was given (1 for a slice of one device).
   */
  'deviceCount'?: (number);
  /**
   * The node's cluster and device model as it registered them: the placement's
   * usage is priced, and its package conditions judged, with these.
   */
  'cluster'?: (string);
  'deviceModel'?: (string);
}

/**
 * ReplicaPlacement is where one replica of a placed job runs.
 */
export interface ReplicaPlacement__Output {
  'replica': (number);
  'nodeId': (string);
  /**
   * Devices it was given (1 for a slice of one device).
   */
  'deviceCount': (number);
  /**
   * The node's cluster and device model as it registered them: the placement's
   * usage is priced, and its package conditions judged, with these.
   */
  'cluster': (string);
  'deviceModel': (string);
}
