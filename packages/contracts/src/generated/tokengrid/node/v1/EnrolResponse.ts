// Original file: tokengrid/node/v1/node.proto


/**
 * EnrolResponse is the node's certificate.
 */
export interface EnrolResponse {
  'certificatePem'?: (string);
  /**
   * The CA that issued it.
   */
  'caPem'?: (string);
}

/**
 * EnrolResponse is the node's certificate.
 */
export interface EnrolResponse__Output {
  'certificatePem': (string);
  /**
   * The CA that issued it.
   */
  'caPem': (string);
}
