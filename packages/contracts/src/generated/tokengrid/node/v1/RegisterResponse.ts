// Original file: tokengrid/node/v1/node.proto


/**
 * RegisterResponse opens a session.
 */
export interface RegisterResponse {
  /**
   * Pass it in the hello on Connect.
   */
  'sessionId'?: (string);
  /**
   * How often to send heartbeats, in ms.
   */
  'heartbeatIntervalMs'?: (number);
}

/**
 * RegisterResponse opens a session.
 */
export interface RegisterResponse__Output {
  /**
   * Pass it in the hello on Connect.
   */
  'sessionId': (string);
  /**
   * How often to send heartbeats, in ms.
   */
  'heartbeatIntervalMs': (number);
}
