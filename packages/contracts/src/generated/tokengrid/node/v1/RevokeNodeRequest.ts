// Original file: tokengrid/node/v1/node.proto


/**
 * RevokeNodeRequest names the node to refuse.
 */
export interface RevokeNodeRequest {
  'nodeId'?: (string);
  /**
   * The node's operator (required: a revocation is recorded even for a node
   * that is not connected now).
   */
  'operatorId'?: (string);
  /**
   * Why, in words: up to 256 characters.
   */
  'reason'?: (string);
}

/**
 * RevokeNodeRequest names the node to refuse.
 */
export interface RevokeNodeRequest__Output {
  'nodeId': (string);
  /**
   * The node's operator (required: a revocation is recorded even for a node
   * that is not connected now).
   */
  'operatorId': (string);
  /**
   * Why, in words: up to 256 characters.
   */
  'reason': (string);
}
