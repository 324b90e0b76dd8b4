// Original file: tokengrid/node/v1/node.proto


/**
 * Hello opens the stream.
 */
export interface Hello {
  'nodeId'?: (string);
  'sessionId'?: (string);
  /**
   * Jobs the agent is running now (after a reconnect), as "<job_id>#<replica>".
   */
  'runningJobIds'?: (string)[];
}

/**
 * Hello opens the stream.
 */
export interface Hello__Output {
  'nodeId': (string);
  'sessionId': (string);
  /**
   * Jobs the agent is running now (after a reconnect), as "<job_id>#<replica>".
   */
  'runningJobIds': (string)[];
}
