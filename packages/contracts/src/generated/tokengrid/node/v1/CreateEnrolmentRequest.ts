// Original file: tokengrid/node/v1/node.proto


/**
 * CreateEnrolmentRequest names the node to enrol.
 */
export interface CreateEnrolmentRequest {
  'nodeId'?: (string);
  'operatorId'?: (string);
  /**
   * How long the token may be used, 60..604800 s; default 86400.
   */
  'validForSeconds'?: (number);
}

/**
 * CreateEnrolmentRequest names the node to enrol.
 */
export interface CreateEnrolmentRequest__Output {
  'nodeId': (string);
  'operatorId': (string);
  /**
   * How long the token may be used, 60..604800 s; default 86400.
   */
  'validForSeconds': (number);
}
