// Original file: tokengrid/node/v1/node.proto


/**
 * Heartbeat says the node is alive and what it has free.
 */
export interface Heartbeat {
  'freeDevices'?: (number);
}

/**
 * Heartbeat says the node is alive and what it has free.
 */
export interface Heartbeat__Output {
  'freeDevices': (number);
}
