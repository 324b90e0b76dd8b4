// Original file: tokengrid/node/v1/node.proto


/**
 * ListNodesRequest pages through nodes.
 */
export interface ListNodesRequest {
  /**
   * 1..1000, default 100.
   */
  'pageSize'?: (number);
  'pageToken'?: (string);
}

/**
 * ListNodesRequest pages through nodes.
 */
export interface ListNodesRequest__Output {
  /**
   * 1..1000, default 100.
   */
  'pageSize': (number);
  'pageToken': (string);
}
