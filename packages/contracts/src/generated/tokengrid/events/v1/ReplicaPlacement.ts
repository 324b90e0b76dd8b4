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
}
