// Original file: tokengrid/node/v1/node.proto


/**
 * EnrolRequest is the agent's exchange of its token for a certificate.
 */
export interface EnrolRequest {
  'token'?: (string);
  /**
   * A PKCS#10 certificate request (PEM) for the key the agent made; the
   * certificate names the token's node and operator, whatever it asks for.
   */
  'csrPem'?: (string);
}

/**
 * EnrolRequest is the agent's exchange of its token for a certificate.
 */
export interface EnrolRequest__Output {
  'token': (string);
  /**
   * A PKCS#10 certificate request (PEM) for the key the agent made; the
   * certificate names the token's node and operator, whatever it asks for.
   */
  'csrPem': (string);
}
